/**
 * The `immutableInfra.againstPath` setting over a real stdio connection: the deployed version in
 * a folder of the workspace instead of git, for Kubernetes manifests and Terraform modules, in
 * Restricted Mode (it only reads files). The workspaces are no git repositories, so any
 * comparison can only come from the setting's folder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { clientsStoppedAfterEach, type LspTestClient } from '../support/lspClient';
import { cleanupTempDirs, positionOf, tempDir, writeFiles } from '../support/tempModule';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
const V1 = readFileSync(path.join(EXAMPLES, 'kubernetes', 'deployment-v1.yaml'), 'utf8');
const V2 = readFileSync(path.join(EXAMPLES, 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const seed = (permission: string) =>
  `resource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = "${permission}"\n}\n`;

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);

async function hoverText(client: LspTestClient, uri: string, position: { line: number; character: number }): Promise<string> {
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

describe('immutableInfra.againstPath over stdio', () => {
  test('Kubernetes, in Restricted Mode: the edit compared with the manifest in the setting’s folder', async () => {
    const workspace = tempDir('ii-against-');
    writeFiles(workspace, { 'deployed/deployment-v1.yaml': V1, 'app/deployment-v2.yaml': V2 });
    const client = await startClient({ workspaceTrusted: false, workspaceFolders: [workspace], configuration: () => ({ againstPath: 'deployed' }) });
    const uri = client.open(path.join(workspace, 'app', 'deployment-v2.yaml'), V2, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/rolling-update'));
    const rolling = diagnostics.find((d) => d.code === 'kubernetes/rolling-update')!;
    assert.match(rolling.message, /Changing `spec\.template\.spec\.containers\[0\]\.image` starts a rolling update of Deployment `nginx-deployment`: 3 pods replaced/);
    assert.deepEqual(rolling.range.start, positionOf(V2, 'image: nginx:1.23.3'));
    assert.ok(!has('kubernetes/baseline-unavailable')(diagnostics), 'no "not trusted, so git is not run" hint: the setting is the baseline');

    // An immutable-field edit: the hover says where the deployed value came from.
    const selector = positionOf(V2, 'matchLabels:\n      app: nginx');
    client.edit(uri, { start: { line: selector.line + 1, character: 11 }, end: { line: selector.line + 1, character: 16 } }, 'web');
    const edited = await client.waitForDiagnostics(uri, has('kubernetes/immutable-field'));
    const immutable = edited.find((d) => d.code === 'kubernetes/immutable-field')!;
    assert.match(await hoverText(client, uri, immutable.range.start), /\*\*Baseline:\*\* the deployed version in deployed\/deployment-v1\.yaml: /);
  });

  test('Terraform: an absolute againstPath mirrors the workspace folder; the hover names the counterpart', async () => {
    const workspace = tempDir('ii-against-');
    const deployed = tempDir('ii-deployed-');
    writeFiles(workspace, { 'live/main.tf': seed('0700') });
    writeFiles(deployed, { 'live/main.tf': seed('0777') });
    const client = await startClient({ workspaceTrusted: false, workspaceFolders: [workspace], configuration: () => ({ againstPath: deployed }) });
    const text = seed('0700');
    const uri = client.open(path.join(workspace, 'live', 'main.tf'), text);
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    const finding = diagnostics.find((d) => d.code === 'terraform/forces-replacement')!;
    assert.match(finding.message, /Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file\.example`/);
    assert.match(
      await hoverText(client, uri, finding.range.start),
      new RegExp(`Baseline \\(the deployed version in ${path.join(deployed, 'live').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): \`"0777"\``),
    );
  });

  test('a folder that lacks the module: a warning naming the setting; kubernetes.baseline cluster still wins', async () => {
    const workspace = tempDir('ii-against-');
    writeFiles(workspace, { 'deployed/other.yaml': V1, 'mod/main.tf': seed('0700'), 'app.yaml': V2 });
    const client = await startClient({
      workspaceTrusted: false,
      workspaceFolders: [workspace],
      configuration: () => ({ againstPath: 'deployed', kubernetes: { baseline: 'cluster' } }),
    });
    const tf = client.open(path.join(workspace, 'mod', 'main.tf'), seed('0700'));
    const missing = (await client.waitForDiagnostics(tf, has('terraform/baseline-unavailable'))).find((d) => d.code === 'terraform/baseline-unavailable')!;
    assert.equal(missing.severity, 2, 'warning');
    assert.equal(
      missing.message,
      `immutableInfra.againstPath "deployed" holds no deployed version of ${path.join(workspace, 'mod')}: no ${path.join('deployed', 'mod')} folder.`,
    );
    const yaml = client.open(path.join(workspace, 'app.yaml'), V2, 'yaml');
    const hint = (await client.waitForDiagnostics(yaml, has('kubernetes/baseline-unavailable'))).find((d) => d.code === 'kubernetes/baseline-unavailable')!;
    assert.match(hint.message, /not trusted, so kubectl is not run/);
  });
});
