/**
 * `immutable-infra check` in CI against a remote backend, as the README's recipe runs it: the seed
 * module applied to a real pg backend (PostgreSQL on loopback) by each tool, the tool on PATH, and
 * the edit compared with the backend's state — the JSON finding carries the backend, workspace,
 * serial, lineage and when it was read. With the backend stopped: `auto` falls back to git with a
 * warning in the tool's words; `--baseline state` has no fallback and exits 2.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { disposeBackendServers, startPostgres, type PostgresServer } from '../support/backendServers';
import { runCli } from '../support/cli';
import { deployRemoteSeedModule, pgBackend, remoteToolEnv, type RemoteModule } from '../support/remoteModules';
import { seedConfiguration } from '../support/seedModule';
import { cleanupTempDirs, git } from '../support/tempModule';
import { toolLabel, type IacTool } from '../support/tofu';
import { TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

let postgres: PostgresServer;
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  await disposeBackendServers();
  cleanupTempDirs();
});

interface JsonFinding {
  code: string;
  message: string;
  before?: string;
  baseline?: Record<string, unknown>;
}

/** The CI job's environment: only this tool on PATH (before the system's folders), and the backend's settings. */
function ciEnv(module: RemoteModule, tool: IacTool): NodeJS.ProcessEnv {
  const env = remoteToolEnv(module.backend);
  return { ...env, PATH: `${path.dirname(tool.bin)}:/usr/bin:/bin` };
}

for (const tool of TOOLS_UNDER_TEST) {
  describe(`${toolLabel(tool)} check against a pg backend's state`, () => {
    test('the JSON baseline names the backend and serial; stopped, auto falls back to git and --baseline state exits 2', async () => {
      const module = await deployRemoteSeedModule(tool, await pgBackend(postgres), '0777');
      git(module.dir, 'init', '-q');
      git(module.dir, 'add', 'main.tf', 'backend.tf');
      git(module.dir, 'commit', '-qm', 'deployed');
      // Applied once more from the branch as "0755": the state is ahead of git now.
      writeFileSync(path.join(module.dir, 'main.tf'), seedConfiguration('0755'));
      await module.apply();
      writeFileSync(path.join(module.dir, 'main.tf'), seedConfiguration('0700'));
      const env = ciEnv(module, tool);

      const read = await runCli(['check', '.', '--format', 'json'], module.dir, env);
      assert.equal(read.code, 0, read.stderr);
      const findings = (JSON.parse(read.stdout) as { findings: JsonFinding[] }).findings;
      const forces = findings.find((f) => f.code === 'terraform/forces-replacement');
      assert.ok(forces, read.stdout);
      assert.equal(forces.before, '"0755"', 'the state’s value, not git’s "0777"');
      const baseline = forces.baseline!;
      assert.equal(baseline.kind, 'state');
      assert.equal(baseline.backend, 'pg');
      assert.equal(baseline.workspace, 'default');
      assert.equal(baseline.serial, 2);
      assert.match(String(baseline.lineage), /^[0-9a-f-]{36}$/);
      assert.ok(Math.abs(Date.parse(String(baseline.readAt)) - Date.now()) < 10 * 60_000, String(baseline.readAt));

      await postgres.stop();
      try {
        const fallback = await runCli(['check', '.', '--format', 'json'], module.dir, env);
        const after = (JSON.parse(fallback.stdout) as { findings: JsonFinding[] }).findings;
        const note = after.find((f) => f.code === 'terraform/baseline-unavailable');
        assert.match(
          note?.message ?? '',
          new RegExp(
            `^Could not read the state of the pg backend \\(workspace default\\): ${tool.cli} says: Error: .*connection refused\\. .*Edits are compared with git HEAD \\([0-9a-f]{8}\\) instead\\.$`,
          ),
        );
        assert.equal(after.find((f) => f.code === 'terraform/forces-replacement')?.before, '"0777"', 'git’s value');
        assert.equal(after.find((f) => f.code === 'terraform/forces-replacement')?.baseline?.kind, 'git');
        assert.match(fallback.stderr, /Could not read the state of the pg backend/);

        const strict = await runCli(['check', '.', '--baseline', 'state'], module.dir, env);
        assert.equal(strict.code, 2, strict.stdout + strict.stderr);
        assert.match(strict.stdout, /baseline-unavailable: Could not read the state of the pg backend/);
        assert.doesNotMatch(strict.stdout, /forces-replacement/);
      } finally {
        await postgres.start();
      }
    });
  });
}
