/**
 * The learned-replacements notification over stdio: the extension sends what real plans taught,
 * and the server re-analyses the open modules with it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { LearnedReplacementsNotification, type LearnedReplacementsParams } from '../../common/src/protocol';
import { replacementsFromPlan } from '../../core/src/terraform/learnedReplacements';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { cleanupTempDirs, gitModule, positionOf } from '../support/tempModule';

const startClient = clientsStoppedAfterEach();
/** Fire-and-forget, as the extension sends it. */
const notify = (client: Awaited<ReturnType<typeof startClient>>, params: unknown) =>
  void client.connection.sendNotification(LearnedReplacementsNotification.method, params).catch(() => undefined);
after(cleanupTempDirs);

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);
const sleep = (duration: string) => `resource "time_sleep" "wait" {\n  create_duration = "${duration}"\n}\n`;
const PLAN = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans', 'opentofu-show-json', 'requires-replace', 'output.json');

describe('replacements learned from plans, sent to the language server', () => {
  test('an attribute the data says updates in place: nothing, then forces replacement once a plan taught it, with the plan in the hover', async () => {
    const dir = gitModule({ 'main.tf': sleep('30s') }, {});
    const client = await startClient();
    const edited = sleep('60s');
    const uri = client.open(path.join(dir, 'main.tf'), edited);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);

    // Not learned replacements: ignored, and the server goes on.
    notify(client, { replacements: 'nonsense' });
    const params: LearnedReplacementsParams = {
      replacements: [
        {
          resourceType: 'time_sleep',
          provider: 'registry.opentofu.org/hashicorp/time',
          path: ['create_duration'],
          origin: { plan: 'tfplan', time: '2026-12-01T08:00:00.000Z' },
        },
      ],
    };
    notify(client, params);
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    assert.equal(
      diagnostics[0].message,
      'Changing `create_duration` ("30s" → "60s") forces replacement of `time_sleep.wait`: Terraform will destroy and re-create it. Learned from the plan of 2026-12-01T08:00:00.000Z/tfplan.',
    );
    const at = positionOf(edited, 'create_duration');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: at.line, character: at.character + 2 } });
    assert.match(
      (hover?.contents as MarkupContent).value,
      /Rule: replace_paths of the plan of 2026-12-01T08:00:00\.000Z\/tfplan \(the hashicorp\/time \S+ knowledge says it updates in place; the real plan replaced on it\)/,
    );

    // An empty list forgets them.
    notify(client, { replacements: [] });
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  test("a type the knowledge base lacks: not checked, until the replace paths of OpenTofu's requires-replace plan arrive", async () => {
    const text = (ami: string) => `resource "test_instance" "test" {\n  ami = "${ami}"\n}\n`;
    const dir = gitModule({ 'main.tf': text('ami-1') }, {});
    const client = await startClient();
    const uri = client.open(path.join(dir, 'main.tf'), text('ami-2'));
    await client.waitForDiagnostics(uri, has('terraform/not-checked'));
    const replacements = replacementsFromPlan(JSON.parse(fs.readFileSync(PLAN, 'utf8')), { plan: 'output.json', time: '2026-12-02T10:00:00.000Z' });
    notify(client, { replacements });
    const diagnostics = await client.waitForDiagnostics(uri, has('terraform/forces-replacement'));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['terraform/forces-replacement'],
    );
    assert.match(diagnostics[0].message, /Learned from the plan of 2026-12-02T10:00:00\.000Z\/output\.json\.$/);
  });
});
