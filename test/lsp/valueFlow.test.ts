/**
 * The language server over stdio with values through a variable definitions file into a child
 * module: editing the tfvars value publishes the warning on the tfvars line and the related one
 * at the child module's attribute, each pointing at the other; reverting the edit clears both.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { clientsStoppedAfterEach, type TextDiagnostic } from '../support/lspClient';
import { cleanupTempDirs, gitModule, positionOf, stateJson, writeFiles } from '../support/tempModule';

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const FORCES = 'terraform/forces-replacement';
const forces = (d: TextDiagnostic[]) => d.filter((x) => x.code === FORCES);

const ROOT = 'variable "perm" {\n  type = string\n}\n\nmodule "files" {\n  source = "./modules/f"\n  perm   = var.perm\n}\n';
const CHILD =
  'variable "perm" {\n  type = string\n}\n\nresource "local_file" "a" {\n  content         = "hello"\n  filename        = "${path.module}/a.txt"\n  file_permission = var.perm\n}\n';
const TFVARS = 'perm = "0777"\n';

const deployed = stateJson([
  {
    type: 'local_file',
    name: 'a',
    module: 'module.files',
    instances: [{ attributes: { content: 'hello', filename: 'modules/f/a.txt', file_permission: '0777', directory_permission: '0777', id: 'abc' } }],
  },
]);

describe('language server: a tfvars value that replaces a resource in a child module', () => {
  test('the warning on the tfvars line, the related one in the module, linked both ways; reverting clears both', async () => {
    const files = { 'main.tf': ROOT, 'modules/f/main.tf': CHILD, 'terraform.tfvars': TFVARS };
    const dir = gitModule(files, {});
    writeFiles(dir, { 'terraform.tfstate': deployed });
    const client = await startClient({ workspaceFolders: [dir] });
    const childFile = path.join(dir, 'modules/f/main.tf');
    const varsFile = path.join(dir, 'terraform.tfvars');
    const childUri = client.open(childFile, CHILD);
    const varsUri = client.open(varsFile, TFVARS, 'terraform-vars');
    await client.waitForDiagnostics(varsUri, (d) => d.length === 0);
    await client.waitForDiagnostics(childUri, (d) => d.length === 0);

    const start = positionOf(TFVARS, '0777');
    client.edit(varsUri, { start, end: { line: start.line, character: start.character + 4 } }, '0700');
    const [atVars] = forces(await client.waitForDiagnostics(varsUri, (d) => forces(d).length > 0));
    assert.equal(atVars.message, 'Changing `perm` ("0777" → "0700") forces replacement of `module.files.local_file.a` (`file_permission`).');
    assert.equal(atVars.range.start.line, 0);
    assert.equal(atVars.relatedInformation?.[0].location.uri, pathToFileURL(childFile).href);
    assert.deepEqual(atVars.relatedInformation?.[0].location.range.start, positionOf(CHILD, 'file_permission'));

    const [atChild] = forces(await client.waitForDiagnostics(childUri, (d) => forces(d).length > 0));
    assert.match(atChild.message, /^Changing `file_permission` \("0777" → "0700"\) forces replacement of `module.files.local_file.a`/);
    assert.match(atChild.message, /The new value comes from `perm` in terraform\.tfvars\.$/);
    assert.deepEqual(atChild.range.start, positionOf(CHILD, 'file_permission'));
    assert.equal(atChild.relatedInformation?.[0].location.uri, pathToFileURL(varsFile).href);

    client.edit(varsUri, { start, end: { line: start.line, character: start.character + 4 } }, '0777');
    await client.waitForDiagnostics(varsUri, (d) => d.length === 0);
    await client.waitForDiagnostics(childUri, (d) => d.length === 0);
  });
});
