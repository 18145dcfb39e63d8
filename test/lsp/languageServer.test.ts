import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CodeActionRequest, CodeLensRequest, HoverRequest, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { cleanupTempDirs, gitModule, positionOf, stateModule, tempDir, writeFiles } from '../support/tempModule';
import { seedConfiguration, seedStateResources } from '../support/seedModule';

const seed = (permission: string) => seedConfiguration(permission);
const seedState = seedStateResources();

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);
const hasNot = (code: string) => (d: Array<{ code?: string | number }>) => !d.some((x) => x.code === code);

describe('language server over stdio', () => {
  test('the seed example: edit file_permission, get forces-replacement at the attribute; revert, and it clears', async () => {
    const dir = stateModule({ 'main.tf': seed('0777') }, seedState);
    const client = await startClient();
    const original = seed('0777');
    const uri = client.open(path.join(dir, 'main.tf'), original);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);

    const start = positionOf(original, '0777');
    const range = { start, end: { line: start.line, character: start.character + 4 } };
    client.edit(uri, range, '0700');
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    const [diagnostic] = diagnostics.filter((d) => d.code === 'terraform/forces-replacement');
    assert.equal(diagnostic.source, 'Immutable Infra');
    assert.equal(diagnostic.severity, 2);
    assert.equal(diagnostic.message, 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`: Terraform will destroy and re-create it.');
    const attributeStart = positionOf(original, 'file_permission');
    assert.deepEqual(diagnostic.range.start, attributeStart);
    assert.equal(diagnostic.range.end.line, attributeStart.line);

    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: attributeStart.line, character: 20 } });
    const markdown = (hover?.contents as MarkupContent).value;
    assert.match(markdown, /Baseline \(the deployed state .*terraform\.tfstate\)\): `"0777"`/);
    assert.match(markdown, /New value: `"0700"`/);
    assert.match(markdown, /Rule: registry\.terraform\.io\/hashicorp\/local v/);

    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic as unknown as Diagnostic] },
    });
    const cbd = actions?.find((a) => 'title' in a && /create_before_destroy/.test(a.title));
    assert.ok(cbd && 'edit' in cbd && cbd.edit?.changes?.[uri], 'a create_before_destroy quick fix');
    assert.match(cbd.edit!.changes![uri][0].newText, /lifecycle \{\n    create_before_destroy = true\n  \}/);

    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.equal(lenses?.length, 1);
    assert.equal(lenses![0].command?.title, '⟳ Will be replaced: file_permission');

    client.edit(uri, range, '0777');
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test('resources the knowledge base does not describe: an information diagnostic at the first one, with a hover; adding one of another provider adds another', async () => {
    const text = 'resource "vault_policy" "web" {\n  ami = "ami-0123"\n}\n\nresource "vault_mount" "data" {\n  bucket = "my-data"\n}\n';
    const dir = gitModule({ 'main.tf': text }, {});
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), text);
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/not-checked'));
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range, d.message]),
      [
        [
          'terraform/not-checked',
          3,
          { start: { line: 0, character: 0 }, end: { line: 0, character: 'resource "vault_policy" "web"'.length } },
          '2 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
        ],
      ],
    );
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 12 } });
    assert.match((hover?.contents as MarkupContent).value, /`terraform\/not-checked`\n\n2 resources of hashicorp\/vault were not checked/);
    const end = { line: 7, character: 0 };
    client.edit(uri, { start: end, end }, 'resource "consul_node" "b" {\n  name = "b"\n}\n');
    const more = await client.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'terraform/not-checked').length === 2);
    assert.equal(more[1].message.split(':')[0], '1 resource of hashicorp/consul was not checked for replacement');
    assert.equal(more[1].range.start.line, 7);
  });

  test('a module is a folder: a reference in another file resolves', async () => {
    const main = 'resource "local_file" "example" {\n  content = "This is a test file."\n  filename = "./test.txt"\n  file_permission = local.mode\n}\n';
    const dir = stateModule({ 'main.tf': main, 'locals.tf': 'locals {\n  mode = "0777"\n}\n' }, seedState);
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), main);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
    const localsUri = client.open(path.join(dir, 'locals.tf'), 'locals {\n  mode = "0777"\n}\n');
    client.edit(localsUri, { start: { line: 1, character: 10 }, end: { line: 1, character: 14 } }, '0700');
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    assert.match(diagnostics[0].message, /"0777" → "0700"/);
  });

  test('closing a document clears its diagnostics', async () => {
    const dir = stateModule({ 'main.tf': seed('0700') }, seedState);
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    client.close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test('changing the baseline setting re-analyses', async () => {
    const dir = gitModule({ 'main.tf': seed('0755') }, { 'main.tf': seed('0700') });
    writeFiles(dir, {
      'terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [
          {
            mode: 'managed',
            type: 'local_file',
            name: 'example',
            provider: '',
            instances: [{ attributes: { file_permission: '0777', content: 'This is a test file.', filename: './test.txt' } }],
          },
        ],
      }),
    });
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    let diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    assert.match(diagnostics[0].message, /"0777" → "0700"/);
    client.changeSettings({ baseline: 'git' });
    diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => /"0755" → "0700"/.test(x.message)));
    assert.equal(diagnostics.length, 1);
  });

  test('per-folder settings are asked for with workspace/configuration', async () => {
    const stateDir = gitModule({ 'main.tf': seed('0755') }, { 'main.tf': seed('0700') });
    writeFiles(stateDir, {
      'terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'local_file', name: 'example', provider: '', instances: [{ attributes: seedState[0].instances[0].attributes }] }],
      }),
    });
    const gitDir = gitModule({ 'main.tf': seed('0755') }, { 'main.tf': seed('0700') });
    writeFiles(gitDir, {
      'terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'local_file', name: 'example', provider: '', instances: [{ attributes: seedState[0].instances[0].attributes }] }],
      }),
    });
    const asked: string[] = [];
    const client = await startClient({
      configuration: (scopeUri) => {
        asked.push(scopeUri ?? '');
        return scopeUri?.includes(path.basename(gitDir)) ? { baseline: 'git' } : { baseline: 'state' };
      },
    });
    const stateUri = client.open(path.join(stateDir, 'main.tf'), seed('0700'));
    const gitUri = client.open(path.join(gitDir, 'main.tf'), seed('0700'));
    await client.waitForDiagnostics(stateUri, (d) => d.some((x) => /"0777" → "0700"/.test(x.message)));
    await client.waitForDiagnostics(gitUri, (d) => d.some((x) => /"0755" → "0700"/.test(x.message)));
    assert.ok(
      asked.some((u) => u.endsWith(path.basename(gitDir))),
      `asked for ${asked.join(', ')}`,
    );
  });
});

describe('bad input: a clear message, and the server lives on', () => {
  test('a half-typed block', async () => {
    const dir = stateModule({ 'main.tf': seed('0777') }, seedState);
    const client = await startClient();
    const text = `${seed('0700')}resource "local_file" "half" {\n  content = "x"\n  file_permission = \n`;
    const uri = client.open(path.join(dir, 'main.tf'), text);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => has('terraform/forces-replacement')(d) && has('terraform/syntax-error')(d));
    const syntax = diagnostics.find((d) => d.code === 'terraform/syntax-error')!;
    assert.equal(syntax.severity, 1);
    assert.ok(syntax.range.start.line >= 5, 'the error is reported in the broken block');
  });

  test('a syntax error in the middle of a file', async () => {
    const dir = stateModule({ 'main.tf': seed('0777') }, seedState);
    const client = await startClient();
    const text = `${seed('0700')}\n}}} = "junk"\n`;
    const uri = client.open(path.join(dir, 'main.tf'), text);
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/syntax-error'));
    assert.match(diagnostics.find((d) => d.code === 'terraform/syntax-error')!.message, /\S/);
    assert.ok(has('terraform/forces-replacement')(diagnostics));
  });

  test('a non-UTF-8 file', async () => {
    const dir = stateModule({ 'main.tf': seed('0700') }, seedState);
    writeFiles(dir, { 'latin1.tf': Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]) });
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    // An editor decodes the bytes with replacement characters; the server tells why.
    const latinUri = client.open(path.join(dir, 'latin1.tf'), '# \uFFFDt\uFFFD\n');
    const diagnostics = await client.waitForDiagnostics(latinUri, has('terraform/file-unreadable'));
    assert.match(diagnostics[0].message, /latin1\.tf is not valid UTF-8 text, which Terraform requires/);
  });

  test('a 5 MB file', async () => {
    const dir = stateModule({ 'main.tf': seed('0700') }, seedState);
    const client = await startClient();
    const big = `${seed('0700')}${'# padding line for a very large generated file ......................................\n'.repeat(70_000)}`;
    assert.ok(Buffer.byteLength(big) > 5 * 1024 * 1024);
    const uri = client.open(path.join(dir, 'main.tf'), big);
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/file-unreadable'), 30_000);
    assert.match(diagnostics[0].message, /main\.tf is 5\.\d MB, over the 4 MB limit for analysis: it was not analysed/);
  });

  test('a state file of an unknown version', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seed('0700'), 'terraform.tfstate': JSON.stringify({ version: 5 }) });
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/baseline-unavailable'));
    assert.match(diagnostics[0].message, /it has version 5; only state format version 4/);
  });

  test('corrupt state JSON', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seed('0700'), 'terraform.tfstate': '{ "version": 4, ' });
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/baseline-unavailable'));
    assert.match(diagnostics[0].message, /it is not valid JSON/);
  });

  test('a folder that is not a git repository', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seed('0700') });
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/baseline-unavailable'));
    assert.match(diagnostics[0].message, /not inside a git repository/);
    assert.equal(diagnostics[0].severity, 4);
  });

  test('a git ref that does not exist', async () => {
    const dir = gitModule({ 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const client = await startClient({ settings: { gitRef: 'v9.9.9' } });
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/baseline-unavailable'));
    assert.match(diagnostics[0].message, /the git ref "v9\.9\.9" does not exist/);
    client.changeSettings({ gitRef: 'HEAD' });
    await client.waitForDiagnostics(uri, (d) => has('terraform/forces-replacement')(d) && hasNot('terraform/baseline-unavailable')(d));
  });

  test('an untrusted workspace: no git, and the reason is given', async () => {
    const dir = gitModule({ 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const client = await startClient({ workspaceTrusted: false });
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/baseline-unavailable'));
    assert.match(diagnostics[0].message, /not trusted, so git is not run/);
    client.connection.sendNotification('immutableInfra/workspaceTrusted').catch(() => undefined);
    await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
  });
});
