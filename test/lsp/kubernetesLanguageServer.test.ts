/**
 * Kubernetes manifests in the language server, over a real stdio connection: a git baseline in a
 * temp repository, incremental edits, hover, code lens, trust, and bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CodeLensRequest, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { cleanupTempDirs, gitModule, positionOf, stateModule, tempDir, writeFiles } from '../support/tempModule';

const SEED = readFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const DEPLOYED = SEED.replace('image: nginx:1.23.3', 'image: nginx:1.21.6');

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);
const hasNot = (code: string) => (d: Array<{ code?: string | number }>) => !d.some((x) => x.code === code);

/** The range of `needle` (first occurrence at or after `from`) in `text`. */
function rangeOf(text: string, needle: string) {
  const start = positionOf(text, needle);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

describe('Kubernetes manifests over stdio', () => {
  test('a manifest opened with its rolling update: the lens is pulled before the analysis ends, and the server asks for a refresh after it', async () => {
    const dir = gitModule({ 'nginx-deployment.yaml': DEPLOYED }, { 'nginx-deployment.yaml': SEED });
    const client = await startClient({ codeLensRefresh: true });
    const uri = client.open(path.join(dir, 'nginx-deployment.yaml'), SEED, 'yaml');
    // What an editor does on opening: it asks for lenses at once, before any findings exist.
    const early = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const refreshesBefore = client.codeLensRefreshes;
    await client.waitForDiagnostics(uri, has('kubernetes/rolling-update'));
    await client.waitForCodeLensRefresh(refreshesBefore);
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(
      lenses?.map((l) => l.command?.title),
      ['⟳ Rolling update: spec.template.spec.containers[0].image changed', 'Show rollout timeline'],
      `after the refresh the client gets the lenses (the early pull had ${early?.length ?? 0})`,
    );
  });

  test('the seed scenario: edit the image, get the rolling update; edit the selector, get the immutable-field error; revert, it clears', async () => {
    const dir = gitModule({ 'nginx-deployment.yaml': DEPLOYED }, {});
    const client = await startClient();
    const uri = client.open(path.join(dir, 'nginx-deployment.yaml'), DEPLOYED, 'yaml');
    await client.waitForDiagnostics(uri, (d) => has('kubernetes/no-readiness-probe')(d) && hasNot('kubernetes/rolling-update')(d));

    client.edit(uri, rangeOf(DEPLOYED, 'image: nginx:1.21.6'), 'image: nginx:1.23.3');
    let diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/rolling-update'));
    const rolling = diagnostics.find((d) => d.code === 'kubernetes/rolling-update')!;
    assert.equal(rolling.severity, 3, 'information');
    assert.equal(rolling.source, 'Immutable Infra');
    assert.match(rolling.message, /3 pods replaced, at most 4 running and at least 3 available at once \(maxSurge 25% → 1, maxUnavailable 25% → 0\), about 45 s/);
    assert.deepEqual(rolling.range.start, positionOf(DEPLOYED, 'image: nginx'));
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const kindLine = positionOf(DEPLOYED, 'kind: Deployment').line;
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [kindLine, '⟳ Rolling update: spec.template.spec.containers[0].image changed', '', undefined],
        // The timeline command with what the client needs to find the workload again (JSON, no vscode types).
        [kindLine, 'Show rollout timeline', 'immutableInfra.showRolloutTimeline', [{ uri, kind: 'Deployment', name: 'nginx-deployment', line: kindLine }]],
      ],
    );

    // The selector's `app: nginx` is the second occurrence of the label in the file.
    const selectorLabel = positionOf(DEPLOYED, 'matchLabels:\n      app: nginx');
    const labelRange = { start: { line: selectorLabel.line + 1, character: 11 }, end: { line: selectorLabel.line + 1, character: 16 } };
    client.edit(uri, labelRange, 'web');
    diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/immutable-field'));
    const immutable = diagnostics.find((d) => d.code === 'kubernetes/immutable-field')!;
    assert.equal(immutable.severity, 1, 'error');
    assert.match(
      immutable.message,
      /kubectl apply will fail with `The Deployment "nginx-deployment" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"app":"web"\}\}: field is immutable`/,
    );
    assert.match(immutable.message, /all its pods go down at once/);
    assert.deepEqual(immutable.range.start, positionOf(DEPLOYED, 'selector:'));

    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: immutable.range.start.line, character: 4 } });
    const markdown = (hover?.contents as MarkupContent).value;
    assert.match(markdown, /\*\*Rule:\*\* A Deployment's `spec\.selector` cannot change after creation/);
    assert.match(markdown, /\*\*Source:\*\* kubernetes\/kubernetes pkg\/registry\/apps\/deployment\/strategy\.go ValidateUpdate/);
    assert.match(markdown, /\*\*Baseline:\*\* the manifest at git HEAD \([0-9a-f]{7}\)/);

    client.edit(uri, { start: labelRange.start, end: { line: labelRange.start.line, character: 14 } }, 'nginx');
    await client.waitForDiagnostics(uri, (d) => hasNot('kubernetes/immutable-field')(d) && has('kubernetes/rolling-update')(d));
    client.close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test('an untrusted workspace: no git, a hint says why; trusting it brings the baseline', async () => {
    const dir = gitModule({ 'app.yaml': DEPLOYED }, { 'app.yaml': SEED });
    const client = await startClient({ workspaceTrusted: false });
    const uri = client.open(path.join(dir, 'app.yaml'), SEED, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/baseline-unavailable'));
    assert.ok(hasNot('kubernetes/rolling-update')(diagnostics));
    assert.match(diagnostics.find((d) => d.code === 'kubernetes/baseline-unavailable')!.message, /not trusted, so git is not run/);
    client.connection.sendNotification('immutableInfra/workspaceTrusted', { workspaceTrusted: true, settings: {} }).catch(() => undefined);
    await client.waitForDiagnostics(uri, (d) => has('kubernetes/rolling-update')(d) && hasNot('kubernetes/baseline-unavailable')(d));
  });

  test('a manifest beside a Terraform module: each keeps its own diagnostics', async () => {
    const tf = 'resource "local_file" "example" {\n  content = "x"\n  filename = "./test.txt"\n  file_permission = "0700"\n}\n';
    const dir = stateModule({ 'main.tf': tf }, [
      { type: 'local_file', name: 'example', instances: [{ attributes: { content: 'x', filename: './test.txt', file_permission: '0777' } }] },
    ]);
    writeFiles(dir, { 'app.yaml': SEED });
    const client = await startClient();
    const yamlUri = client.open(path.join(dir, 'app.yaml'), SEED, 'yaml');
    const tfUri = client.open(path.join(dir, 'main.tf'), tf);
    await client.waitForDiagnostics(tfUri, has('terraform/forces-replacement'));
    const yamlDiagnostics = await client.waitForDiagnostics(yamlUri, has('kubernetes/no-readiness-probe'));
    assert.ok(yamlDiagnostics.every((d) => String(d.code).startsWith('kubernetes/')));
    client.edit(yamlUri, rangeOf(SEED, 'image: nginx:1.23.3'), 'image: nginx:latest');
    await client.waitForDiagnostics(yamlUri, has('kubernetes/mutable-image-tag'));
    // The Terraform file was not re-published empty by the YAML analysis.
    await client.waitForDiagnostics(tfUri, has('terraform/forces-replacement'));
  });
});

describe('Kubernetes bad input over stdio: a clear message or nothing, and the server lives on', () => {
  test('YAML broken while typing, then fixed', async () => {
    const dir = gitModule({ 'app.yaml': SEED }, {});
    const client = await startClient();
    const uri = client.open(path.join(dir, 'app.yaml'), SEED, 'yaml');
    await client.waitForDiagnostics(uri, has('kubernetes/no-readiness-probe'));
    const replicas = rangeOf(SEED, 'replicas: 3');
    client.edit(uri, replicas, 'replicas: [3');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/syntax-error'));
    assert.equal(diagnostics.filter((d) => d.code !== 'kubernetes/syntax-error').length, 0, 'the broken document is not analysed');
    client.edit(uri, { start: replicas.start, end: { line: replicas.start.line, character: replicas.start.character + 12 } }, 'replicas: 3');
    await client.waitForDiagnostics(uri, (d) => hasNot('kubernetes/syntax-error')(d) && has('kubernetes/no-readiness-probe')(d));
  });

  test('YAML that is not Kubernetes, a Helm template, duplicate keys', async () => {
    const dir = tempDir('ii-k8s-lsp-');
    const client = await startClient();
    const compose = client.open(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:latest\n', 'yaml');
    await client.waitForDiagnostics(compose, (d) => d.length === 0);
    const chart = client.open(path.join(dir, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n', 'yaml');
    const templated = await client.waitForDiagnostics(chart, has('kubernetes/templated-file'));
    assert.equal(templated.length, 1);
    assert.equal(templated[0].severity, 3);
    const duplicate = client.open(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  k: w\n', 'yaml');
    const errors = await client.waitForDiagnostics(duplicate, has('kubernetes/syntax-error'));
    assert.match(errors[0].message, /unique/i);
  });
});
