/**
 * The one process runner against real programs: node (the running one, process.execPath) and git.
 * Argument arrays only, no shell. Where a test stops a program it waits for what the program says
 * on stdout (`ready`, its grandchild's pid, `interrupt received`) rather than for a time, so the
 * order of events does not depend on how busy the machine is; the one deadline that must fire
 * after start-up gives node ample time to get there.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { ProcessCancellation } from '../../core/src/exec/processCancellation';
import { ProcessSpawnError, type ProcessRequest, type ProcessResult } from '../../core/src/exec/processRunner';
import { runProcess, systemProcessRunner } from '../../core/src/exec/systemProcessRunner';
import { isAlive, liveGroupMembers, membersLeftAfterKill, type GroupMember } from '../support/processGroups';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(() => cleanupTempDirs());

const NODE = process.execPath;

/** `node -e code`, with `args` after it (node hands them to the script as process.argv[1…]). */
function node(code: string, args: string[] = []): Pick<ProcessRequest, 'executable' | 'args'> {
  return { executable: NODE, args: ['-e', code, ...args] };
}

/**
 * A program that starts a grandchild (which runs until killed, and is in its group), says so, and
 * then runs until stopped. On SIGINT it does `onInterrupt`: `ignore` (says it and keeps running),
 * `exit` (says it and exits 130), `default` (no handler: the signal ends it).
 */
function leader(onInterrupt: 'ignore' | 'exit' | 'default'): Pick<ProcessRequest, 'executable' | 'args'> {
  const handler =
    onInterrupt === 'default' ? '' : `process.on('SIGINT', () => { console.log('interrupt received'); ${onInterrupt === 'exit' ? 'process.exit(130);' : ''} });`;
  return node(`
    ${handler}
    const { spawn } = require('node:child_process');
    const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log('grandchild ' + grandchild.pid);
    setInterval(() => {}, 1000);
  `);
}

/** Runs a leader; `whenReady` is called once its grandchild runs, with what the group holds then. */
async function runLeader(
  request: Omit<ProcessRequest, 'executable' | 'args'>,
  onInterrupt: 'ignore' | 'exit' | 'default',
  whenReady: () => void = () => undefined,
  onLine: (line: string) => void = () => undefined,
): Promise<{ result: ProcessResult; grandchild: number | undefined; membersWhenReady: GroupMember[]; pgid: number | undefined }> {
  let grandchild: number | undefined;
  let pgid: number | undefined;
  let membersWhenReady: GroupMember[] = [];
  const result = await runProcess({
    ...leader(onInterrupt),
    ...request,
    onSpawn: (p) => (pgid = p.processGroupId),
    onStdoutLine: (line) => {
      const match = /^grandchild (\d+)$/.exec(line);
      if (match) {
        grandchild = Number(match[1]);
        membersWhenReady = pgid === undefined ? [] : liveGroupMembers(pgid);
        whenReady();
      }
      onLine(line);
    },
  });
  return { result, grandchild, membersWhenReady, pgid };
}

/** Nothing of the group is left, the grandchild included; it was in the group while it ran. */
async function assertNothingLeft(run: { grandchild: number | undefined; membersWhenReady: GroupMember[]; pgid: number | undefined }): Promise<void> {
  assert.ok(run.grandchild !== undefined, 'the grandchild started');
  assert.ok(run.pgid !== undefined);
  assert.ok(
    run.membersWhenReady.some((m) => m.pid === run.pgid),
    `the program leads its group: ${JSON.stringify(run.membersWhenReady)}`,
  );
  assert.ok(
    run.membersWhenReady.some((m) => m.pid === run.grandchild),
    `the grandchild is in the group: ${JSON.stringify(run.membersWhenReady)}`,
  );
  assert.deepEqual(await membersLeftAfterKill(run.pgid), [], 'no process of the group is left');
  assert.equal(isAlive(run.grandchild), false, 'the grandchild is gone');
}

describe('process runner: what a program says and how it exits', () => {
  test('the exit code, both streams whole and line by line, the group it led', async () => {
    const stdoutLines: string[] = [];
    const stderrLines: string[] = [];
    let spawned: { pid: number; processGroupId?: number } | undefined;
    const result = await runProcess({
      ...node(`process.stdout.write('out 1\\nout 2'); process.stderr.write('err 1\\r\\nerr 2\\n'); process.exitCode = 3;`),
      onStdoutLine: (line) => stdoutLines.push(line),
      onStderrLine: (line) => stderrLines.push(line),
      onSpawn: (p) => (spawned = p),
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.exitSignal, null);
    assert.equal(result.stdout, 'out 1\nout 2');
    assert.equal(result.stderr, 'err 1\r\nerr 2\n');
    assert.deepEqual(stdoutLines, ['out 1', 'out 2'], 'the unterminated last line comes at the end');
    assert.deepEqual(stderrLines, ['err 1', 'err 2']);
    assert.deepEqual(
      { cancelled: result.cancelled, timedOut: result.timedOut, terminated: result.terminated, outputLimitExceeded: result.outputLimitExceeded },
      { cancelled: false, timedOut: false, terminated: false, outputLimitExceeded: undefined },
    );
    assert.ok(spawned);
    assert.equal(result.processGroupId, spawned.pid, 'the program leads a group of its own');
    assert.equal(spawned.processGroupId, spawned.pid);
  });

  test('arguments reach the program exactly as given: no shell expands them', async () => {
    const cwd = tempDir('ii-exec-');
    const args = ['$(touch pwned)', '*', 'a b', "it's", '`id`', '; rm -rf .', ''];
    const result = await systemProcessRunner.run({ ...node('console.log(JSON.stringify(process.argv.slice(1)))', args), cwd });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), args);
    assert.equal(existsSync(path.join(cwd, 'pwned')), false);
  });

  test('the working directory and the whole environment are the ones asked for', async () => {
    const cwd = realpathSync(tempDir('ii-exec-'));
    const result = await runProcess({
      ...node(`console.log(process.cwd()); console.log(process.env.II_PROBE); console.log(process.env.HOME === undefined ? 'no HOME' : 'HOME')`),
      cwd,
      env: { II_PROBE: 'probe value' },
    });
    assert.equal(result.stdout, `${cwd}\nprobe value\nno HOME\n`);
    assert.equal(result.cwd, cwd);
  });

  test('stdin: what is given, then closed; without it, empty', async () => {
    const echo = await runProcess({ ...node('process.stdin.pipe(process.stdout)'), stdin: 'héllo\nworld\n' });
    assert.equal(echo.stdout, 'héllo\nworld\n');
    const count = await runProcess(node(`let n = 0; process.stdin.on('data', (d) => (n += d.length)).on('end', () => console.log('read ' + n))`));
    assert.equal(count.stdout, 'read 0\n', 'nothing waits for input');
  });

  test('a real git answers through it', async () => {
    const result = await runProcess({ executable: 'git', args: ['--version'] });
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^git version \d+\.\d+/);
  });

  test('output past the limit: cut there, and the program terminated', async () => {
    const result = await runProcess({ ...node(`process.stdout.write('x'.repeat(200000)); setInterval(() => {}, 1000)`), maxOutputBytes: 1000 });
    assert.equal(result.outputLimitExceeded, 'stdout');
    assert.equal(result.stdout, 'x'.repeat(1000));
    assert.equal(result.terminated, true);
    assert.equal(result.exitSignal, 'SIGKILL');
  });

  test('a program that does not exist: ProcessSpawnError with the system words', async () => {
    const missing = path.join(tempDir('ii-exec-'), 'no-such-program');
    await assert.rejects(runProcess({ executable: missing, args: ['x'] }), (error: unknown) => {
      assert.ok(error instanceof ProcessSpawnError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.executable, missing);
      assert.equal(error.reason, `spawn ${missing} ENOENT`);
      assert.equal(error.message, `Could not start ${missing}: spawn ${missing} ENOENT`);
      return true;
    });
  });

  test('a file that is not executable: ProcessSpawnError EACCES', async () => {
    const file = path.join(tempDir('ii-exec-'), 'not-executable');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    await assert.rejects(runProcess({ executable: file, args: [] }), (error: unknown) => error instanceof ProcessSpawnError && error.code === 'EACCES');
  });
});

describe('process runner: deadlines', () => {
  test('the deadline interrupts, then terminates the whole group when the program does not stop', async () => {
    const run = await runLeader({ timeoutMs: 2_000, interruptGraceMs: 300 }, 'ignore');
    assert.equal(run.result.timedOut, true);
    assert.equal(run.result.cancelled, false);
    assert.match(run.result.stdout, /interrupt received/, 'interrupted first');
    assert.equal(run.result.terminated, true);
    assert.equal(run.result.exitSignal, 'SIGKILL');
    await assertNothingLeft(run);
  });

  test('a deadline that terminates at once (`atTimeout: terminate`)', async () => {
    const result = await runProcess({ ...node('setInterval(() => {}, 1000)'), timeoutMs: 100, atTimeout: 'terminate' });
    assert.equal(result.timedOut, true);
    assert.equal(result.terminated, true);
    assert.equal(result.exitSignal, 'SIGKILL');
  });
});

describe('process runner: cancellation', () => {
  test('the first cancel interrupts: a program that stops on it is not terminated', async () => {
    const cancellation = new ProcessCancellation();
    const run = await runLeader({ cancellation }, 'exit', () => cancellation.cancel());
    assert.equal(run.result.cancelled, true);
    assert.equal(run.result.terminated, false);
    assert.equal(run.result.exitCode, 130);
    assert.match(run.result.stdout, /interrupt received/);
    // The grandchild got no signal from the interrupt; it was left running when its parent exited.
    await assertNothingLeft(run);
  });

  test('a program ended by the interrupt: the child it left behind is killed', async () => {
    const cancellation = new ProcessCancellation();
    const run = await runLeader({ cancellation }, 'default', () => cancellation.cancel());
    assert.equal(run.result.exitSignal, 'SIGINT');
    assert.equal(run.result.terminated, false);
    await assertNothingLeft(run);
  });

  test('the second cancel terminates the whole group', async () => {
    const cancellation = new ProcessCancellation();
    const run = await runLeader(
      { cancellation },
      'ignore',
      () => cancellation.cancel(),
      (line) => line === 'interrupt received' && cancellation.cancel(),
    );
    assert.equal(run.result.cancelled, true);
    assert.equal(run.result.terminated, true);
    assert.equal(run.result.exitSignal, 'SIGKILL');
    await assertNothingLeft(run);
  });

  test('one cancel and no exit within the grace period: terminated', async () => {
    const cancellation = new ProcessCancellation();
    const run = await runLeader({ cancellation, interruptGraceMs: 200 }, 'ignore', () => cancellation.cancel());
    assert.match(run.result.stdout, /interrupt received/);
    assert.equal(run.result.terminated, true);
    await assertNothingLeft(run);
  });

  test('terminate() kills the group without an interrupt first', async () => {
    const cancellation = new ProcessCancellation();
    const run = await runLeader({ cancellation }, 'ignore', () => cancellation.terminate());
    assert.equal(run.result.terminated, true);
    assert.equal(run.result.exitSignal, 'SIGKILL');
    assert.doesNotMatch(run.result.stdout, /interrupt received/);
    await assertNothingLeft(run);
  });

  test('an AbortSignal is the first cancel', async () => {
    const controller = new AbortController();
    const run = await runLeader({ signal: controller.signal }, 'exit', () => controller.abort());
    assert.equal(run.result.cancelled, true);
    assert.equal(run.result.exitCode, 130);
    await assertNothingLeft(run);
  });

  test('a cancellation requested before the start interrupts the program as soon as it runs', async () => {
    const cancellation = new ProcessCancellation();
    cancellation.cancel();
    const result = await runProcess({ ...node('setInterval(() => {}, 1000)'), cancellation });
    assert.equal(result.cancelled, true);
    assert.equal(result.exitSignal, 'SIGINT');
  });
});
