/**
 * Custom resources in the language server, over a real stdio connection: the workspace's CRD
 * files are indexed, and an edit of a custom resource against git breaks its CRD's
 * `self == oldSelf` rule with the API server's words; a CRD file written later is picked up when
 * the client reports the file change.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { stringify } from 'yaml';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { certificate, certificateCrd } from '../support/certificateCrd';
import { cleanupTempDirs, gitModule, positionOf, writeFiles } from '../support/tempModule';

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const DEPLOYED = stringify(certificate());
const EDITED = DEPLOYED.replace('secretName: web-tls', 'secretName: web-tls-2');
const CRD = stringify(certificateCrd());
const ANSWER = 'The Certificate "web-tls" is invalid: spec.secretName: Invalid value: "web-tls-2": secretName is immutable';

const immutable = (d: Array<{ code?: string | number }>) => d.some((x) => x.code === 'kubernetes/immutable-field');

describe('custom resources over stdio', () => {
  test('a CRD file in the workspace and a custom resource edited against git: the immutable-field error with the server’s answer', async () => {
    const dir = gitModule({ 'crds/certificate.yaml': CRD, 'cert.yaml': DEPLOYED }, {});
    const client = await startClient({ workspaceFolders: [dir] });
    const uri = client.open(path.join(dir, 'cert.yaml'), EDITED, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, immutable);
    assert.equal(diagnostics.length, 1);
    const [finding] = diagnostics;
    assert.equal(finding!.severity, 1, 'error');
    assert.ok(finding!.message.includes(`kubectl apply will fail with \`${ANSWER}\``), finding!.message);
    assert.match(
      finding!.message,
      /^`spec\.secretName` of Certificate `web-tls` cannot change after creation \(CustomResourceDefinition `certificates\.cert\.example\.test`\)/,
    );
    assert.deepEqual(finding!.range.start, positionOf(EDITED, 'secretName: web-tls-2'));

    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: finding!.range.start });
    const markdown = (hover?.contents as MarkupContent).value;
    assert.match(markdown, /\*\*Rule:\*\* `self == oldSelf` on `spec\.secretName`/);
    assert.match(
      markdown,
      /\*\*Source:\*\* CustomResourceDefinition certificates\.cert\.example\.test \(v1, x-kubernetes-validations\), read from crds\/certificate\.yaml in the workspace/,
    );
    assert.match(markdown, /\*\*Baseline:\*\* the manifest at git HEAD \([0-9a-f]{7}\): `"web-tls"` → `"web-tls-2"`/);

    // Back to the deployed value: the error goes.
    client.edit(uri, { start: finding!.range.start, end: finding!.range.end }, 'secretName: web-tls');
    await client.waitForDiagnostics(uri, (d) => !immutable(d));
  });

  test('without the CRD nothing is said about the custom resource; a CRD file written later is picked up on the file change', async () => {
    const dir = gitModule({ 'cert.yaml': DEPLOYED }, {});
    const client = await startClient({ workspaceFolders: [dir] });
    const uri = client.open(path.join(dir, 'cert.yaml'), EDITED, 'yaml');
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
    writeFiles(dir, { 'deploy/crds.yml': CRD });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: `file://${path.join(dir, 'deploy', 'crds.yml')}`, type: 1 }],
    });
    const diagnostics = await client.waitForDiagnostics(uri, immutable);
    assert.ok(diagnostics[0]!.message.includes(ANSWER));
  });
});
