/**
 * The language server over stdio with root and child modules and variable files: an open child
 * module document gets the analysis of the root that calls it (never one of its own, which would
 * ask for a state the child cannot have), and an open variable file's unsaved text is what the
 * analysis of its module reads.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { clientsStoppedAfterEach, type TextDiagnostic } from '../support/lspClient';
import { seedConfiguration, seedStateResources } from '../support/seedModule';
import { cleanupTempDirs, positionOf, stateJson, tempDir, writeFiles } from '../support/tempModule';

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const state = stateJson(seedStateResources());
const childResource = 'resource "local_file" "child" {\n  content  = "child"\n  filename = "${path.module}/child.txt"\n}\n';
const codes = (d: TextDiagnostic[]) => d.map((x) => x.code);
const FORCES = 'terraform/forces-replacement';
const UNAVAILABLE = 'terraform/baseline-unavailable';
/** With `baseline: state` a folder analysed on its own without a state file gets a warning saying so. */
const STATE_ONLY = { configuration: () => ({ baseline: 'state' }) };

describe('language server: variable files', () => {
  const main = `variable "perm" {\n  default = "0777"\n}\n\nresource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = var.perm\n}\n`;
  const tfvars = 'perm = "0777"\n';

  for (const languageId of ['terraform-vars', 'terraform']) {
    test(`an unsaved edit of terraform.tfvars (language ${languageId}) is what the module's analysis evaluates; closing it goes back to the disk`, async () => {
      const dir = tempDir('ii-lsp-tfvars-');
      writeFiles(dir, { 'main.tf': main, 'terraform.tfvars': tfvars, 'terraform.tfstate': state });
      const client = await startClient({ workspaceFolders: [dir] });
      const mainUri = client.open(path.join(dir, 'main.tf'), main);
      await client.waitForDiagnostics(mainUri, (d) => d.length === 0);
      const varsUri = client.open(path.join(dir, 'terraform.tfvars'), tfvars, languageId);
      await client.waitForDiagnostics(varsUri, (d) => !codes(d).includes(FORCES));

      const start = positionOf(tfvars, '0777');
      client.edit(varsUri, { start, end: { line: start.line, character: start.character + 4 } }, '0700');
      const [warning] = (await client.waitForDiagnostics(mainUri, (d) => codes(d).includes(FORCES))).filter((d) => d.code === FORCES);
      assert.equal(warning.message, 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`: Terraform will destroy and re-create it.');
      assert.deepEqual(warning.range.start, positionOf(main, 'file_permission'));

      client.close(varsUri);
      await client.waitForDiagnostics(mainUri, (d) => d.length === 0);
    });
  }
});

describe('language server: child modules', () => {
  /** A root with state, its seed resource edited to 0700, calling ./modules/app. */
  function rootWithChild(): string {
    const dir = tempDir('ii-lsp-child-');
    writeFiles(dir, {
      'main.tf': `${seedConfiguration('0700')}\nmodule "app" {\n  source = "./modules/app"\n}\n`,
      'terraform.tfstate': state,
      'modules/app/main.tf': childResource,
    });
    return dir;
  }

  test("a child module's document gets its root's analysis: no state asked of the child, the root's findings on the root's file only, once", async () => {
    const dir = rootWithChild();
    const client = await startClient({ ...STATE_ONLY, workspaceFolders: [dir] });
    const childUri = client.open(path.join(dir, 'modules/app/main.tf'), childResource);
    const rootUri = client.open(path.join(dir, 'main.tf'), `${seedConfiguration('0700')}\nmodule "app" {\n  source = "./modules/app"\n}\n`);
    const root = await client.waitForDiagnostics(rootUri, (d) => codes(d).includes(FORCES));
    assert.deepEqual(codes(root), [FORCES]);
    const child = await client.waitForDiagnostics(childUri, () => true);
    assert.deepEqual(child, []);
  });

  test('the caller need not be above the child: envs/prod calling ../../modules/app', async () => {
    const dir = tempDir('ii-lsp-envs-');
    writeFiles(dir, {
      'envs/prod/main.tf': `${seedConfiguration('0777')}\nmodule "app" {\n  source = "../../modules/app"\n}\n`,
      'envs/prod/terraform.tfstate': state,
      'modules/app/main.tf': childResource,
    });
    const client = await startClient({ ...STATE_ONLY, workspaceFolders: [dir] });
    const childUri = client.open(path.join(dir, 'modules/app/main.tf'), childResource);
    assert.deepEqual(await client.waitForDiagnostics(childUri, () => true), []);
  });

  test('a folder becomes a child when a call of it is typed, or written to disk; and a root again when the call goes', async () => {
    const dir = tempDir('ii-lsp-becomes-child-');
    const rootText = seedConfiguration('0777');
    writeFiles(dir, { 'main.tf': rootText, 'terraform.tfstate': state, 'modules/app/main.tf': childResource, 'other/main.tf': '' });
    const client = await startClient({ ...STATE_ONLY, workspaceFolders: [dir] });
    const childUri = client.open(path.join(dir, 'modules/app/main.tf'), childResource);
    // Nobody calls it yet: a root of its own, without the state asked for.
    const alone = await client.waitForDiagnostics(childUri, (d) => codes(d).includes(UNAVAILABLE));
    assert.match(alone.find((d) => d.code === UNAVAILABLE)!.message, /modules\/app\/terraform\.tfstate does not exist/);

    // Typed in the open root document, unsaved.
    const rootUri = client.open(path.join(dir, 'main.tf'), rootText);
    const end = { line: rootText.split('\n').length - 1, character: 0 };
    const call = '\nmodule "app" {\n  source = "./modules/app"\n}\n';
    client.edit(rootUri, { start: end, end }, call);
    await client.waitForDiagnostics(childUri, (d) => d.length === 0);

    // Removed again: the child is on its own once more.
    const callEnd = { line: end.line + call.split('\n').length - 1, character: 0 };
    client.edit(rootUri, { start: end, end: callEnd }, '');
    await client.waitForDiagnostics(childUri, (d) => codes(d).includes(UNAVAILABLE));

    // Written to disk by another tool, in a folder not open: the watched-file change makes it a child again.
    const other = path.join(dir, 'other/main.tf');
    writeFileSync(other, 'module "app" {\n  source = "../modules/app"\n}\n');
    void client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(other).href, type: FileChangeType.Changed }] });
    await client.waitForDiagnostics(childUri, (d) => !codes(d).includes(UNAVAILABLE));
  });
});
