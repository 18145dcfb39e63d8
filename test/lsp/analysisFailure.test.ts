/**
 * An analysis that throws, in the real language server: the stale findings are withdrawn and one
 * diagnostic says the analysis failed and why, until an analysis succeeds again.
 *
 * The throw comes from a real input: a folder named like a Terraform file (`broken.tf/`) beside
 * the module's files. The module analysis lists it as one of the module's files and reading it
 * fails with EISDIR, an error no rule turns into a finding of its own.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CodeActionRequest, CodeLensRequest, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { cleanupTempDirs, positionOf, stateModule } from '../support/tempModule';
import { seedConfiguration, seedStateResources } from '../support/seedModule';

const seed = (permission: string) => seedConfiguration(permission);
const seedState = seedStateResources();

const FAILED =
  'Immutable Infra could not analyse the Terraform module in this folder: EISDIR: illegal operation on a directory, read. ' +
  "The earlier findings are withdrawn until an analysis succeeds: they may be out of date. The language server's log has the details.";

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);

describe('an analysis that throws', () => {
  test('withdraws the stale findings of every open file of the module and says why, until an analysis succeeds', async () => {
    const dir = stateModule({ 'main.tf': seed('0700'), 'other.tf': 'locals {\n  mode = "0700"\n}\n' }, seedState);
    const client = await startClient();
    const text = seed('0700');
    const uri = client.open(path.join(dir, 'main.tf'), text);
    const otherUri = client.open(path.join(dir, 'other.tf'), 'locals {\n  mode = "0700"\n}\n');
    await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    await client.waitForDiagnostics(otherUri, (d) => d.length === 0);

    // The next analysis throws: an edit elsewhere in the file re-runs it.
    mkdirSync(path.join(dir, 'broken.tf'));
    const contentAt = positionOf(text, 'This is');
    client.edit(uri, { start: contentAt, end: { line: contentAt.line, character: contentAt.character + 4 } }, 'That');
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/analysis-failed'));
    assert.deepEqual(
      diagnostics.map((d) => ({ code: d.code, source: d.source, severity: d.severity, range: d.range, message: d.message })),
      [
        {
          code: 'terraform/analysis-failed',
          source: 'Immutable Infra',
          severity: 2,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          message: FAILED,
        },
      ],
    );
    const other = await client.waitForDiagnostics(otherUri, has('terraform/analysis-failed'));
    assert.deepEqual(
      other.map((d) => d.message),
      [FAILED],
    );

    // Nothing of the withdrawn finding is offered any more: no hover, no quick fix, no code lens.
    const attribute = positionOf(text, 'file_permission');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: attribute.line, character: 20 } });
    assert.equal(hover, null);
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: attribute, end: { line: attribute.line, character: 30 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.deepEqual(lenses, []);
    // The failure's own diagnostic has a hover with the same text.
    const failureHover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.match((failureHover?.contents as MarkupContent).value, /could not analyse the Terraform module in this folder: EISDIR/);

    // The input is fixed: the next analysis succeeds and the real findings come back.
    rmdirSync(path.join(dir, 'broken.tf'));
    client.edit(uri, { start: contentAt, end: { line: contentAt.line, character: contentAt.character + 4 } }, 'This');
    const again = await client.waitForDiagnostics(uri, (d) => has('terraform/forces-replacement')(d) && !has('terraform/analysis-failed')(d));
    assert.deepEqual(
      again.map((d) => d.code),
      ['terraform/forces-replacement'],
    );
    await client.waitForDiagnostics(otherUri, (d) => d.length === 0);
  });
});
