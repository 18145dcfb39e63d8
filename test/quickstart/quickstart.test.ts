/**
 * The quick start as a new user meets it: a fresh `git clone` of the repository (what is
 * committed at HEAD) and a shallow `--depth 1` clone, then `npm run build` and `npm run
 * check:example` in each. A clone carries no tags, and a shallow one no history: the example's
 * deployed version must come from files. The repository's node_modules are linked into each
 * clone instead of `npm ci` (no network at test time).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, git, tempDir } from '../support/tempModule';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

after(cleanupTempDirs);

function npm(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No update check or funding notice: the output is the scripts' own.
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The seed scenario's three findings, as `check:example` prints them. */
function assertSeedFindings(stdout: string): void {
  assert.match(
    stdout,
    /^examples\/terraform\/main\.tf:8:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file\.example`: Terraform will destroy and re-create it\.$/m,
  );
  assert.match(
    stdout,
    /^examples\/kubernetes\/deployment-v2\.yaml:21:11: information kubernetes\/rolling-update: Changing `spec\.template\.spec\.containers\[0\]\.image` starts a rolling update of Deployment `nginx-deployment`: 3 pods replaced, at most 4 running and at least 3 available at once \(maxSurge 25% → 1, maxUnavailable 25% → 0\), about 45 s\.$/m,
  );
  assert.match(
    stdout,
    /^examples\/kubernetes\/deployment-v2\.yaml:20:11: warning kubernetes\/no-readiness-probe: No container of Deployment `nginx-deployment` has a readinessProbe/m,
  );
  assert.doesNotMatch(stdout, /baseline-unavailable/);
  assert.doesNotMatch(stdout, /deployment-v1\.yaml:/, 'the deployed version is the baseline, not a target');
}

describe('the quick start on a fresh clone', { timeout: 600_000 }, () => {
  for (const [name, depth] of [
    ['a full clone', []],
    ['a shallow clone (--depth 1)', ['--depth', '1']],
  ] as const) {
    test(`${name}: npm run build && npm run check:example prints both halves of the seed scenario, exit 0`, async () => {
      const parent = tempDir('ii-quickstart-');
      const clone = path.join(parent, 'immutable-infra');
      git(parent, 'clone', '--quiet', ...depth, pathToFileURL(repoRoot).href, clone);
      assert.equal(git(clone, 'tag', '--list'), '', 'a clone carries no tags');
      assert.equal(git(clone, 'rev-parse', '--is-shallow-repository').trim(), depth.length > 0 ? 'true' : 'false');
      assert.equal(git(clone, 'rev-parse', 'HEAD').trim(), git(repoRoot, 'rev-parse', 'HEAD').trim(), 'the clone is what is committed at HEAD');
      assert.ok(!existsSync(path.join(clone, 'examples', 'terraform', 'terraform.tfstate')), 'a clone starts without the prepared state');
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');

      const build = await npm(['run', 'build'], clone);
      assert.equal(build.code, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
      const check = await npm(['run', 'check:example'], clone);
      assert.equal(check.code, 0, `npm run check:example exited ${check.code}:\n${check.stdout}\n${check.stderr}`);
      assert.match(check.stdout, /Prepared the baseline: examples\/terraform\/terraform\.tfstate \(applied with file_permission = "0777"\)\./);
      assertSeedFindings(check.stdout);
      assert.doesNotMatch(check.stderr, /immutable-infra:/, 'no target lacked its baseline');
    });
  }
});
