/**
 * A corrupt provider file in the real language server: it is refused with one line in the client's
 * log naming it, and the findings of the other providers still appear.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultKnowledgeBaseDir, KNOWLEDGE_DIR_ENV, STATEFUL_FILE } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { writeIndex, writePack } from '../support/knowledgeFiles';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { cleanupTempDirs, stateModule, tempDir } from '../support/tempModule';

const startClient = clientsStoppedAfterEach();
after(cleanupTempDirs);

/** A knowledge directory with hashicorp/local (packed, as shipped) and a hashicorp/x file cut short. */
function knowledgeWithBrokenProvider(): { dir: string; broken: string } {
  const root = tempDir('ii-kb-');
  const dir = path.join(root, 'terraform-providers');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(defaultKnowledgeBaseDir(), '..', STATEFUL_FILE), path.join(root, STATEFUL_FILE));
  fs.copyFileSync(path.join(defaultKnowledgeBaseDir(), 'hashicorp-local.json'), path.join(dir, 'hashicorp-local.json'));
  const broken = path.join(dir, 'hashicorp-x.json');
  fs.writeFileSync(
    broken,
    JSON.stringify({
      formatVersion: 1,
      provider: { source: 'registry.terraform.io/hashicorp/x', version: '1.0.0', sdk: 'sdkv2' },
      generatedBy: 'test fixture',
      resources: { x_thing: { attributes: { name: { replace: 'always', required: true } } } },
    }),
  );
  writeIndex(dir, ['hashicorp-local.json', 'hashicorp-x.json']);
  writePack(path.join(dir, 'hashicorp-local.json'));
  fs.rmSync(path.join(dir, 'hashicorp-local.json'));
  fs.writeFileSync(broken, fs.readFileSync(broken, 'utf8').slice(0, 120));
  return { dir, broken };
}

describe('a refused knowledge file', () => {
  test("is named once in the server's log, and the other providers' findings still appear", async () => {
    const { dir, broken } = knowledgeWithBrokenProvider();
    const module = stateModule(
      { 'main.tf': 'resource "local_file" "a" {\n  content  = "new"\n  filename = "a.txt"\n}\n\nresource "x_thing" "b" {\n  name = "renamed"\n}\n' },
      [
        { type: 'local_file', name: 'a', instances: [{ attributes: { content: 'old', filename: 'a.txt', file_permission: '0777', directory_permission: '0777' } }] },
        { type: 'x_thing', name: 'b', instances: [{ attributes: { name: 'b' } }] },
      ],
    );
    const previous = process.env[KNOWLEDGE_DIR_ENV];
    process.env[KNOWLEDGE_DIR_ENV] = dir;
    let client;
    try {
      client = await startClient();
    } finally {
      if (previous === undefined) delete process.env[KNOWLEDGE_DIR_ENV];
      else process.env[KNOWLEDGE_DIR_ENV] = previous;
    }
    const uri = client.open(path.join(module, 'main.tf'), fs.readFileSync(path.join(module, 'main.tf'), 'utf8'));
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'terraform/forces-replacement'));
    const replacing = diagnostics.filter((d) => d.code === 'terraform/forces-replacement');
    assert.equal(replacing.length, 1, JSON.stringify(diagnostics, null, 2));
    assert.equal(replacing[0].range.start.line, 1, "on local_file.a's content");
    const refused = client.logMessages.filter((m) => m.includes(broken));
    assert.equal(refused.length, 1, client.logMessages.join('\n'));
    assert.match(refused[0], /is not valid JSON: unexpected end of the file/);
    assert.match(refused[0], /The file is refused/);
  });
});
