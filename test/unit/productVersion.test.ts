/**
 * One version: package.json's. Every place the product says which version it is reports exactly
 * that — the CLI's `--version`, SARIF's `tool.driver.version`, the language server's `serverInfo` —
 * as built (dist/), and as compiled by tsc.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PRODUCT_VERSION } from '../../common/src/productVersion';
import { LspTestClient } from '../support/lspClient';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

after(cleanupTempDirs);

describe("the product's version", () => {
  test('is a version at all', () => {
    assert.match(packageVersion, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  test('compiled: PRODUCT_VERSION is package.json version', () => {
    assert.equal(PRODUCT_VERSION, packageVersion);
  });

  test('the CLI: --version prints it', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--version']);
    assert.equal(stdout, `${packageVersion}\n`);
  });

  test('the CLI: SARIF names it as the tool version', async () => {
    const dir = tempDir('version-sarif-');
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'check', dir, '--format', 'sarif']);
    const sarif = JSON.parse(stdout) as { runs: Array<{ tool: { driver: { name: string; version: string } } }> };
    assert.deepEqual(
      sarif.runs.map((run) => [run.tool.driver.name, run.tool.driver.version]),
      [['immutable-infra', packageVersion]],
    );
  });

  test('the language server: serverInfo carries it', async () => {
    const client = new LspTestClient();
    try {
      const result = await client.initialize();
      assert.deepEqual(result.serverInfo, { name: 'immutable-infra', version: packageVersion });
    } finally {
      await client.stop();
    }
  });
});
