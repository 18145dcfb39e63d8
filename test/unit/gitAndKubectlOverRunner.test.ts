/**
 * Git reading and the kubectl baseline over the ProcessRunner interface, with a scripted double in
 * place of the programs: what each asks the runner for (argument arrays, environment, deadline),
 * and how each words the answers that real git and kubectl rarely give on demand — a deadline
 * passed, output past the limit, a program that cannot start. Real git runs in the analyzers'
 * tests and the CLI's, real kubectl in kubernetesClusterBaseline.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProcessRequest } from '../../core/src/exec/processRunner';
import { BaselineError } from '../../core/src/io/baselineError';
import { readGitFile, readGitSnapshot, resolveGitCommit, ThrottledCommitResolver } from '../../core/src/io/git';
import { getLiveObjects } from '../../core/src/kubernetes/kubectlBaseline';
import type { ObjectIdentity } from '../../core/src/kubernetes/objectIdentity';
import { notStarted, ScriptedProcessRunner, type ScriptedAnswer } from '../support/scriptedProcessRunner';

const SAFE = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'protocol.allow=never'];
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** A repository at /repo whose HEAD is COMMIT; `rest` answers every other git command. */
function repository(rest: (gitArgs: string[]) => ScriptedAnswer = () => ({})): ScriptedProcessRunner {
  return new ScriptedProcessRunner((request) => {
    const gitArgs = request.args.slice(SAFE.length);
    if (gitArgs[0] === 'rev-parse' && gitArgs[1] === '--show-toplevel') return { stdout: '/repo\n' };
    if (gitArgs[0] === 'rev-parse') return { stdout: `${COMMIT}\n` };
    return rest(gitArgs);
  });
}

describe('git reading over the process runner', () => {
  test('every git gets the safe configuration, no prompt, no optional locks, its folder and a 15 s deadline that terminates', async () => {
    const runner = repository();
    assert.deepEqual(await resolveGitCommit('/repo/module', 'main', runner), { topLevel: '/repo', commit: COMMIT });
    assert.deepEqual(
      runner.requests.map((r) => [r.executable, ...r.args]),
      [
        ['git', ...SAFE, 'rev-parse', '--show-toplevel'],
        ['git', ...SAFE, 'rev-parse', '--verify', '--quiet', '--end-of-options', 'main^{commit}'],
      ],
    );
    for (const request of runner.requests) {
      assert.equal(request.cwd, '/repo/module');
      assert.equal(request.env?.GIT_TERMINAL_PROMPT, '0');
      assert.equal(request.env?.GIT_OPTIONAL_LOCKS, '0');
      assert.equal(request.timeoutMs, 15_000);
      assert.equal(request.atTimeout, 'terminate');
      assert.equal(request.maxOutputBytes, 64 * 1024 * 1024);
    }
  });

  test('a snapshot lists the tree at the commit and reads each matching blob, in the repository root', async () => {
    const runner = repository((gitArgs) => {
      if (gitArgs[0] === 'ls-tree') return { stdout: 'module/main.tf\0module/notes.md\0module/vars.tf\0' };
      return { stdout: `# ${gitArgs[2]}\n` };
    });
    const snapshot = await readGitSnapshot('/repo/module', 'HEAD', /\.tf$/, runner);
    assert.deepEqual(
      snapshot.files.map((f) => [f.path, f.text]),
      [
        ['/repo/module/main.tf', `# ${COMMIT}:module/main.tf\n`],
        ['/repo/module/vars.tf', `# ${COMMIT}:module/vars.tf\n`],
      ],
    );
    assert.deepEqual(runner.requests.slice(2)[0].args.slice(SAFE.length), ['ls-tree', '-z', '--name-only', COMMIT, '--', 'module/']);
    assert.ok(runner.requests.slice(2).every((r) => r.cwd === '/repo'));
  });

  test('no git program: a BaselineError that names it', async () => {
    const runner = new ScriptedProcessRunner(() => notStarted('git', 'ENOENT'));
    await assert.rejects(resolveGitCommit('/repo', 'HEAD', runner), (error: unknown) => {
      assert.ok(error instanceof BaselineError);
      assert.equal(error.message, 'Cannot read the git baseline: the `git` program was not found.');
      return true;
    });
  });

  test("a git that fails: its stderr, or else execFile's words for the command", async () => {
    const silent = repository(() => ({ exitCode: 128 }));
    await assert.rejects(readGitSnapshot('/repo/module', 'HEAD', /\.tf$/, silent), {
      message: `Command failed: git ${SAFE.join(' ')} ls-tree -z --name-only ${COMMIT} -- module/\n`,
      stderr: '',
    });
    const talking = repository(() => ({ exitCode: 128, stderr: 'fatal: bad tree object\n' }));
    await assert.rejects(readGitSnapshot('/repo/module', 'HEAD', /\.tf$/, talking), { message: 'fatal: bad tree object', stderr: 'fatal: bad tree object\n' });
  });

  test('a git past the deadline or past the output limit fails the read', async () => {
    const late = repository(() => ({ exitCode: null, exitSignal: 'SIGKILL', timedOut: true, terminated: true }));
    await assert.rejects(readGitSnapshot('/repo/module', 'HEAD', /\.tf$/, late), { message: /^Command failed: git .* ls-tree / });
    const huge = repository((gitArgs) =>
      gitArgs[0] === 'ls-tree' ? { stdout: 'module/main.tf\0' } : { exitCode: null, outputLimitExceeded: 'stdout', terminated: true },
    );
    await assert.rejects(readGitSnapshot('/repo/module', 'HEAD', /\.tf$/, huge), { message: 'stdout maxBuffer length exceeded' });
  });

  test('one file: a blob git cannot give is a file new since that commit', async () => {
    const runner = repository(() => ({ exitCode: 128, stderr: "fatal: path 'app.yaml' does not exist in 'HEAD'\n" }));
    assert.deepEqual(await readGitFile('/repo/app.yaml', 'HEAD', runner), { commit: COMMIT, text: undefined });
  });

  test('the throttled resolver asks its runner once for a burst of edits', async () => {
    const runner = repository();
    const resolver = new ThrottledCommitResolver(runner);
    const answers = await Promise.all([resolver.resolve('/repo', 'HEAD'), resolver.resolve('/repo', 'HEAD')]);
    assert.deepEqual(answers, [
      { topLevel: '/repo', commit: COMMIT },
      { topLevel: '/repo', commit: COMMIT },
    ]);
    assert.equal(runner.requests.length, 2, 'one rev-parse of each kind');
  });
});

const WEB: ObjectIdentity = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };
const API: ObjectIdentity = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api' };

function kubectl(answer: (request: ProcessRequest) => ScriptedAnswer): ScriptedProcessRunner {
  return new ScriptedProcessRunner(answer);
}

describe('the kubectl baseline over the process runner', () => {
  test('one `kubectl get` per kind and namespace, with its deadline, terminated at the deadline', async () => {
    const list = {
      kind: 'List',
      items: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
      ],
    };
    const runner = kubectl(() => ({ stdout: JSON.stringify(list) }));
    const live = await getLiveObjects([WEB, API], { path: '/opt/kubectl', timeoutMs: 2_500, env: { KUBECONFIG: '/k' } }, runner);
    assert.ok('objects' in live);
    assert.equal(live.objects.size, 2);
    assert.equal(runner.requests.length, 1);
    const [request] = runner.requests;
    assert.equal(request.executable, '/opt/kubectl');
    assert.deepEqual(request.args, ['get', 'deployment.apps', 'api', 'web', '--namespace', 'shop', '--output', 'json', '--ignore-not-found', '--request-timeout=1s']);
    assert.deepEqual(request.env, { KUBECONFIG: '/k' });
    assert.equal(request.timeoutMs, 2_500);
    assert.equal(request.atTimeout, 'terminate');
  });

  test('nothing printed: every object is new', async () => {
    const live = await getLiveObjects(
      [WEB],
      { path: '' },
      kubectl(() => ({})),
    );
    assert.ok('objects' in live);
    assert.equal(live.objects.size, 0);
  });

  test('the deadline passed: "did not answer within"', async () => {
    const runner = kubectl(() => ({ exitCode: null, exitSignal: 'SIGKILL', timedOut: true, terminated: true }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '', timeoutMs: 2_500 }, runner), { unavailable: '`kubectl get deployment.apps` did not answer within 2.5 s.' });
  });

  test("a failure: kubectl's last line that is not a warning, else its exit", async () => {
    const forbidden = kubectl(() => ({
      exitCode: 1,
      stderr: 'E0105 09:00:00 memcache.go:265] couldn\'t get current server API group list\nError from server (Forbidden): deployments.apps "web" is forbidden\n',
    }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '' }, forbidden), {
      unavailable: '`kubectl get deployment.apps` failed: Error from server (Forbidden): deployments.apps "web" is forbidden',
    });
    // A server warning printed after the error is not the error.
    const warned = kubectl(() => ({
      exitCode: 1,
      stderr: 'error: the server doesn\'t have a resource type "deployments"\nWarning: v1 ComponentStatus is deprecated in v1.19+\n',
    }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '' }, warned), {
      unavailable: '`kubectl get deployment.apps` failed: error: the server doesn\'t have a resource type "deployments"',
    });
    const killed = kubectl(() => ({ exitCode: null, exitSignal: 'SIGKILL' }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '' }, killed), { unavailable: '`kubectl get deployment.apps` failed: exit code null' });
    const huge = kubectl(() => ({ exitCode: null, outputLimitExceeded: 'stdout', terminated: true }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '' }, huge), {
      unavailable: '`kubectl get deployment.apps` failed: exit code ERR_CHILD_PROCESS_STDIO_MAXBUFFER',
    });
  });

  test('kubectl that cannot start: not found, not executable, or the system code', async () => {
    assert.deepEqual(
      await getLiveObjects(
        [WEB],
        { path: '/x/kubectl' },
        kubectl(() => notStarted('/x/kubectl', 'EACCES')),
      ),
      {
        unavailable: 'kubectl could not be started (/x/kubectl: not executable). Set `immutableInfra.kubectl.path`, or use the git baseline.',
      },
    );
    assert.deepEqual(
      await getLiveObjects(
        [WEB],
        { path: '' },
        kubectl(() => notStarted('kubectl', 'ENOENT')),
      ),
      {
        unavailable: 'kubectl could not be started (kubectl: not found). Set `immutableInfra.kubectl.path`, or use the git baseline.',
      },
    );
    assert.deepEqual(
      await getLiveObjects(
        [WEB],
        { path: '' },
        kubectl(() => notStarted('kubectl', 'EMFILE')),
      ),
      {
        unavailable: '`kubectl get deployment.apps` failed: exit code EMFILE',
      },
    );
  });

  test('an answer that is not JSON', async () => {
    const runner = kubectl(() => ({ stdout: 'No resources found\n' }));
    assert.deepEqual(await getLiveObjects([WEB], { path: '' }, runner), {
      unavailable: '`kubectl get deployment.apps` printed something other than JSON: No resources found',
    });
  });
});
