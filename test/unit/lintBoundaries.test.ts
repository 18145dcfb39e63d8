import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { ESLint } from 'eslint';

// The import boundaries of eslint.config.mjs, shown to fire: each snippet is linted as if it were the
// file named, which need not exist.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const BOUNDARY_RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
before(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** The errors ESLint reports for `code` as the file at `filePath`, relative to the repository. */
async function errors(filePath: string, code: string): Promise<{ ruleId: string | null; line: number; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return result.messages.filter((m) => m.severity === 2).map(({ ruleId, line, message }) => ({ ruleId, line, message }));
}

async function assertBoundaryError(filePath: string, code: string, specifier: string, because: RegExp): Promise<void> {
  const found = await errors(filePath, code);
  assert.equal(found.length, 1, `one error for ${filePath}: ${JSON.stringify(found)}`);
  assert.equal(found[0].ruleId, BOUNDARY_RULE);
  assert.ok(found[0].message.startsWith(`'${specifier}' import is restricted from being used by a pattern.`), found[0].message);
  assert.match(found[0].message, because);
}

async function assertNoErrors(filePath: string, code: string): Promise<void> {
  assert.deepEqual(await errors(filePath, code), [], `${filePath} passes`);
}

describe('lint: core and common know no editor and no LSP library', () => {
  test('a core file importing vscode', async () => {
    await assertBoundaryError(
      'core/src/terraform/x.ts',
      "import * as vscode from 'vscode';\nexport const v = vscode;\n",
      'vscode',
      /Pure analysis knows no editor and no LSP/,
    );
  });
  test('a core file importing a type from the language server library', async () => {
    await assertBoundaryError(
      'core/src/kubernetes/x.ts',
      "import type { Diagnostic } from 'vscode-languageserver/node';\nexport type D = Diagnostic;\n",
      'vscode-languageserver/node',
      /server\/src\/lsp \(or client\/\) turns them into diagnostics/,
    );
  });
  test('a common file importing the language client', async () => {
    await assertBoundaryError('common/src/x.ts', "export { LanguageClient } from 'vscode-languageclient/node';\n", 'vscode-languageclient/node', /knows no editor/);
  });
  test('the language server itself may import its library', async () => {
    await assertNoErrors('server/src/lsp/x.ts', "import { createConnection } from 'vscode-languageserver/node';\nexport const c = createConnection;\n");
  });
  test('the CLI runs without the editor', async () => {
    await assertBoundaryError('cli/src/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'vscode', /The CLI runs in plain Node/);
  });
});

describe('lint: processes start only in core/src/exec', () => {
  test('a core file importing node:child_process', async () => {
    await assertBoundaryError(
      'core/src/terraform/x.ts',
      "import { execFile } from 'node:child_process';\nexport const run = execFile;\n",
      'node:child_process',
      /the one process runner in core\/src\/exec/,
    );
  });
  test('a core file importing bare child_process', async () => {
    await assertBoundaryError('core/src/io/x.ts', "import { spawn } from 'child_process';\nexport const s = spawn;\n", 'child_process', /process runner/);
  });
  test('the process runner may, and still may not import vscode', async () => {
    await assertNoErrors('core/src/exec/processRunner.ts', "import { spawn } from 'node:child_process';\nexport const s = spawn;\n");
    await assertBoundaryError('core/src/exec/processRunner.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'vscode', /knows no editor/);
  });
  test('the git and kubectl readers go through the runner: they are no exceptions', async () => {
    const code = "import { execFile } from 'node:child_process';\nexport const run = execFile;\n";
    for (const file of ['core/src/io/git.ts', 'core/src/kubernetes/kubectlBaseline.ts']) {
      await assertBoundaryError(file, code, 'node:child_process', /the one process runner in core\/src\/exec/);
    }
  });
  test('the extension host, the language server and the CLI start programs through the runner too', async () => {
    await assertBoundaryError(
      'client/src/terraform/terraformProcess.ts',
      "import { spawn } from 'node:child_process';\nexport const s = spawn;\n",
      'node:child_process',
      /process runner in core\/src\/exec/,
    );
    await assertBoundaryError('server/src/lsp/x.ts', "import { execFile } from 'child_process';\nexport const e = execFile;\n", 'child_process', /process runner/);
    await assertBoundaryError(
      'cli/src/x.ts',
      "import { execFileSync } from 'node:child_process';\nexport const e = execFileSync;\n",
      'node:child_process',
      /process runner/,
    );
  });
  test('the extension host may use the runner', async () => {
    await assertNoErrors('client/src/terraform/x.ts', "import { runProcess } from '../../../core/src/exec/systemProcessRunner';\nexport const r = runProcess;\n");
  });
  test('tests and scripts may spawn the programs they drive', async () => {
    await assertNoErrors('test/unit/x.test.ts', "import { execFile } from 'node:child_process';\nexport const e = execFile;\n");
  });
  test('pure code may read files and import its neighbours', async () => {
    await assertNoErrors(
      'core/src/terraform/x.ts',
      "import { readFileSync } from 'node:fs';\nimport { decodeUtf8 } from '../io/utf8';\nexport const f = [readFileSync, decodeUtf8];\n",
    );
  });
});

describe("lint: the extension host never imports the language server's source", () => {
  test('a client file importing server/src', async () => {
    await assertBoundaryError(
      'client/src/plan/x.ts',
      "import { buildPlanGraph } from '../../../server/src/plan/planGraph';\nexport const b = buildPlanGraph;\n",
      '../../../server/src/plan/planGraph',
      /never server\/: whatever it imports from there is bundled into the extension/,
    );
  });
  test('a client file importing server/src for a type only', async () => {
    await assertBoundaryError(
      'client/src/x.ts',
      "import type { PlanModel } from '../../server/src/plan/planModel';\nexport type P = PlanModel;\n",
      '../../server/src/plan/planModel',
      /never server\//,
    );
  });
  test('every client file, including those that import the plan graph and the rollout simulator, is held to it', async () => {
    await assertBoundaryError(
      'client/src/plan/planGraphController.ts',
      "import { buildPlanGraph } from '../../../server/src/plan/planGraph';\nexport const b = buildPlanGraph;\n",
      '../../../server/src/plan/planGraph',
      /never server\//,
    );
  });
  test('a client file importing core/ and common/', async () => {
    await assertNoErrors(
      'client/src/plan/x.ts',
      "import { buildPlanGraph } from '../../../core/src/plan/planGraph';\nimport * as vscode from 'vscode';\nexport const b = [buildPlanGraph, vscode];\n",
    );
  });
});

describe('lint: the webview is a browser page', () => {
  test('a webview file importing node:fs', async () => {
    await assertBoundaryError(
      'webview/src/graph/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'node:fs',
      /a browser page without Node built-ins/,
    );
  });
  test('a webview file importing a bare built-in', async () => {
    await assertBoundaryError('webview/src/x.ts', "import * as path from 'path';\nexport const p = path;\n", 'path', /without Node built-ins/);
  });
  test('a webview file importing vscode', async () => {
    await assertBoundaryError(
      'webview/src/timeline/x.ts',
      "import * as vscode from 'vscode';\nexport const v = vscode;\n",
      'vscode',
      /Only the extension host \(client\/\) has the vscode API/,
    );
  });
  test('a webview file importing a local module named like a built-in, and d3', async () => {
    await assertNoErrors('webview/src/graph/x.ts', "import { select } from 'd3-selection';\nimport { route } from './path';\nexport const s = [select, route];\n");
  });
});
