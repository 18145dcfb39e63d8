/**
 * Loading that scales: a provider file is opened when one of its types is met and a resource's
 * entry parsed when that type is met; the shipped packs decode to the committed files exactly; a
 * corrupt file or entry is refused, named in one message, and the other providers still answer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { defaultKnowledgeBaseDir, INDEX_FILE, KNOWLEDGE_DIR_ENV, ReplacementKnowledgeBase, STATEFUL_FILE } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { packProviderFile, readProviderPack } from '../../core/src/terraform/knowledgeBase/knowledgePack';
import { joinProviderFile, splitProviderFile } from '../../core/src/terraform/knowledgeBase/providerFileParts';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { oneResourcePerLine, writeIndex, writePack } from '../support/knowledgeFiles';
import { cleanupTempDirs, stateModule, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

const dataDir = defaultKnowledgeBaseDir();
const committedProviderFiles = fs
  .readdirSync(dataDir)
  .filter((file) => file.endsWith('.json') && file !== INDEX_FILE)
  .sort();

/** A provider of `count` resources `<prefix>0 …`, each with a replacing `name` and an in-place `tags`. */
function syntheticProvider(prefix: string, count: number): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    resources[`${prefix}${String(i).padStart(4, '0')}`] = {
      attributes: {
        name: { replace: 'always', required: true, type: 'string', source: 'ForceNew: true' },
        tags: { replace: 'never', optional: true, type: 'map(string)', source: 'no ForceNew' },
        arn: { replace: 'never', computed: true, type: 'string', source: 'Computed' },
      },
      blocks: { timeouts: { nesting: 'single', replace: 'never', attributes: { create: { replace: 'never', optional: true, type: 'string' } } } },
    };
  }
  return {
    formatVersion: 1,
    provider: { source: `registry.terraform.io/hashicorp/${prefix.replace(/_$/, '')}`, version: '1.0.0', sdk: 'sdkv2' },
    generatedBy: 'test fixture',
    resources,
    aliases: { [`${prefix}alias`]: `${prefix}0001` },
  };
}

/** A knowledge directory holding `files` (name → text) and an index of them. */
function knowledgeDir(files: Record<string, string>): string {
  const dir = tempDir('ii-kb-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  writeIndex(dir, Object.keys(files));
  return dir;
}

function reporting(dir: string): { kb: ReplacementKnowledgeBase; messages: string[] } {
  const messages: string[] = [];
  return { kb: new ReplacementKnowledgeBase(dir, path.join(dir, 'none.json'), { report: (m) => messages.push(m) }), messages };
}

describe('provider files cut into entries', () => {
  test('every committed provider file is cut and joined back exactly, pretty-printed or one resource per line', () => {
    assert.ok(committedProviderFiles.length >= 6, committedProviderFiles.join(', '));
    for (const file of committedProviderFiles) {
      const text = fs.readFileSync(path.join(dataDir, file), 'utf8');
      const parts = splitProviderFile(text);
      assert.equal(joinProviderFile(parts), text, file);
      const data = JSON.parse(text) as { resources: Record<string, unknown> };
      assert.deepEqual(parts.types, Object.keys(data.resources), file);
      parts.types.forEach((type, i) => assert.deepEqual(JSON.parse(parts.entries[i]), data.resources[type], `${file} ${type}`));
      const lines = oneResourcePerLine(data);
      const lineParts = splitProviderFile(lines);
      assert.equal(joinProviderFile(lineParts), lines);
      assert.equal(lineParts.entries.length, parts.entries.length);
      lineParts.entries.forEach((entry) => assert.ok(!entry.includes('\n') && entry.startsWith('{') && entry.endsWith('}'), entry));
    }
  });

  test('each committed provider file packs into what decodes to exactly the committed JSON', () => {
    for (const file of committedProviderFiles) {
      const text = fs.readFileSync(path.join(dataDir, file), 'utf8');
      const pack = readProviderPack(packProviderFile(splitProviderFile(text)));
      assert.equal(joinProviderFile({ types: pack.types, skeleton: pack.skeleton, entries: pack.types.map((_, i) => pack.entry(i)) }), text, file);
    }
  });

  test('in the one-per-line layout a broken line is only its own entry', () => {
    const text = oneResourcePerLine(syntheticProvider('x_', 3)).replace('"x_0001":{"attributes":{"name"', '"x_0001":{"attributes":{"name"{{');
    const parts = splitProviderFile(text);
    assert.deepEqual(parts.types, ['x_0000', 'x_0001', 'x_0002']);
    assert.throws(() => JSON.parse(parts.entries[1]) as unknown);
    assert.ok(JSON.parse(parts.entries[2]));
  });
});

describe('lazy loading', () => {
  test('opens a provider only when its type is met, and parses only the entries met, once', () => {
    const dir = knowledgeDir({ 'example-x.json': oneResourcePerLine(syntheticProvider('x_', 2000)), 'example-y.json': oneResourcePerLine(syntheticProvider('y_', 10)) });
    const { kb, messages } = reporting(dir);
    assert.deepEqual(kb.loadCounts(), { providerFilesRead: 0, entriesParsed: 0 });
    assert.equal(kb.rule('x_0042', ['name'])?.rule.replace, 'always');
    assert.deepEqual(kb.loadCounts(), { providerFilesRead: 1, entriesParsed: 1 });
    assert.equal(kb.rule('x_0042', ['tags'])?.rule.replace, 'never');
    assert.equal(kb.resource('x_alias')?.type, 'x_0001');
    assert.equal(kb.resource('x_missing'), undefined);
    assert.deepEqual(kb.loadCounts(), { providerFilesRead: 1, entriesParsed: 2 });
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/x']);
    assert.deepEqual(messages, []);
  });

  test('reads the pack beside a provider file when there is one', () => {
    const provider = syntheticProvider('x_', 5);
    const dir = knowledgeDir({ 'example-x.json': oneResourcePerLine(provider) });
    ((provider.resources as Record<string, { attributes: Record<string, { replace: string }> }>).x_0003.attributes.tags as { replace: string }).replace = 'always';
    fs.writeFileSync(path.join(dir, 'example-x.json.pack'), packProviderFile(splitProviderFile(oneResourcePerLine(provider))));
    const { kb } = reporting(dir);
    assert.equal(kb.rule('x_0003', ['tags'])?.rule.replace, 'always', 'the pack, not the JSON, was read');
  });

  test('a re-analysis after an edit reads no file and parses no entry', async () => {
    const dir = knowledgeDir({ 'example-x.json': oneResourcePerLine(syntheticProvider('x_', 500)) });
    writePack(path.join(dir, 'example-x.json'));
    const kb = new ReplacementKnowledgeBase(dir);
    const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), kb);
    const module = (name: string) => `resource "x_0007" "a" {\n  name = "${name}"\n}\nresource "x_0008" "b" {\n  name = "b"\n}\n`;
    const moduleDir = stateModule({ 'main.tf': module('a') }, [
      { type: 'x_0007', name: 'a', instances: [{ attributes: { name: 'a' } }] },
      { type: 'x_0008', name: 'b', instances: [{ attributes: { name: 'b' } }] },
    ]);
    const options = { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false } as const;
    const first = await analyzer.analyze(moduleDir, options);
    assert.deepEqual(
      first.findings.map((f) => f.code),
      [],
    );
    const afterFirst = kb.loadCounts();
    assert.deepEqual(afterFirst, { providerFilesRead: 1, entriesParsed: 2 });
    fs.writeFileSync(path.join(moduleDir, 'main.tf'), module('renamed'));
    const edited = await analyzer.analyze(moduleDir, options);
    assert.ok(
      edited.findings.some((f) => f.code === 'terraform/forces-replacement'),
      JSON.stringify(edited.findings),
    );
    assert.deepEqual(kb.loadCounts(), afterFirst);
  });
});

describe('bad input', () => {
  const good = () => oneResourcePerLine(syntheticProvider('y_', 3));

  test('a file that is not JSON is refused with a message naming it; the other providers answer', () => {
    const dir = knowledgeDir({ 'example-y.json': good(), 'example-x.json': oneResourcePerLine(syntheticProvider('x_', 3)) });
    fs.writeFileSync(path.join(dir, 'example-x.json'), '{"formatVersion":1,"provider":{"source": nope');
    const { kb, messages } = reporting(dir);
    assert.equal(kb.resource('x_0001'), undefined);
    assert.equal(kb.providerFor('x_0001'), undefined);
    assert.equal(kb.rule('y_0001', ['name'])?.rule.replace, 'always');
    assert.equal(kb.resource('x_0002'), undefined);
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.ok(messages[0].includes(path.join(dir, 'example-x.json')), messages[0]);
    assert.match(messages[0], /is not valid JSON/);
    assert.match(messages[0], /The file is refused/);
  });

  test('a truncated or damaged pack is refused with a message naming it', () => {
    const dir = knowledgeDir({ 'example-y.json': good(), 'example-x.json': oneResourcePerLine(syntheticProvider('x_', 50)) });
    const packPath = path.join(dir, 'example-x.json.pack');
    writePack(path.join(dir, 'example-x.json'));
    const pack = fs.readFileSync(packPath);
    fs.writeFileSync(packPath, pack.subarray(0, pack.length - 100));
    const truncated = reporting(dir);
    assert.equal(truncated.kb.resource('x_0001'), undefined);
    assert.equal(truncated.kb.rule('y_0001', ['name'])?.rule.replace, 'always');
    assert.equal(truncated.messages.length, 1);
    assert.ok(truncated.messages[0].includes(`${packPath} is damaged: the pack is truncated`), truncated.messages[0]);

    fs.writeFileSync(packPath, Buffer.from('{"formatVersion":1}'));
    const notAPack = reporting(dir);
    assert.equal(notAPack.kb.resource('x_0001'), undefined);
    assert.ok(notAPack.messages[0].includes(`${packPath} is damaged: not a knowledge pack`), notAPack.messages[0]);
  });

  test('a damaged entry in a pack refuses that resource only', () => {
    const dir = knowledgeDir({ 'example-x.json': oneResourcePerLine(syntheticProvider('x_', 3)) });
    const packPath = path.join(dir, 'example-x.json.pack');
    writePack(path.join(dir, 'example-x.json'));
    const pack = fs.readFileSync(packPath);
    pack[pack.length - 3] ^= 0xff; // inside the last entry: its checksum no longer matches
    fs.writeFileSync(packPath, pack);
    const { kb, messages } = reporting(dir);
    assert.equal(kb.resource('x_0002'), undefined);
    assert.equal(kb.rule('x_0000', ['name'])?.rule.replace, 'always');
    assert.equal(messages.length, 1);
    assert.ok(messages[0].includes(`${packPath}: the entry of x_0002 is invalid`), messages[0]);
  });

  test('an unknown formatVersion is refused with a message naming the file, in JSON and in a pack', () => {
    const future = { ...syntheticProvider('x_', 3), formatVersion: 2 };
    const dir = knowledgeDir({ 'example-y.json': good(), 'example-x.json': oneResourcePerLine(future) });
    const json = reporting(dir);
    assert.equal(json.kb.resource('x_0001'), undefined);
    assert.equal(json.kb.rule('y_0000', ['name'])?.rule.replace, 'always');
    assert.ok(json.messages[0].includes(`${path.join(dir, 'example-x.json')} has unsupported formatVersion 2`), json.messages[0]);
    writePack(path.join(dir, 'example-x.json'));
    const packed = reporting(dir);
    assert.equal(packed.kb.resource('x_0001'), undefined);
    assert.ok(packed.messages[0].includes(`${path.join(dir, 'example-x.json.pack')} has unsupported formatVersion 2`), packed.messages[0]);
  });

  test('a broken resource line is refused naming the file and the resource; its neighbours answer', () => {
    const text = good()
      .replace('"y_0001":{"attributes":{"name":{"replace":"always"', '"y_0001":{"attributes":{"name":{"replace":"always",,')
      .replace('"y_0002":{"attributes":{"name":{"replace":"always"', '"y_0002":{"attributes":{"name":{"replace":"sometimes"');
    const dir = knowledgeDir({ 'example-y.json': good() });
    fs.writeFileSync(path.join(dir, 'example-y.json'), text);
    const { kb, messages } = reporting(dir);
    assert.equal(kb.resource('y_0001'), undefined);
    assert.equal(kb.resource('y_0002'), undefined);
    assert.equal(kb.rule('y_0000', ['name'])?.rule.replace, 'always');
    assert.equal(kb.resource('y_0001'), undefined, 'asked again: answered from memory, not reported twice');
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.ok(messages[0].includes(`${path.join(dir, 'example-y.json')}: the entry of y_0001 is invalid`), messages[0]);
    assert.match(messages[0], /resources\.y_0001: is not valid JSON/);
    assert.match(messages[0], /The entry is refused: y_0001 is not checked/);
    assert.match(messages[1], /resources\.y_0002\.name: replace must be one of/);
  });

  test('without a report the lookup throws the same message', () => {
    const dir = knowledgeDir({ 'example-y.json': good().replace('"y_0001":{"attributes":{"name":{"replace":"always"', '"y_0001":{"attributes":{"name":{"replace":"x"') });
    const kb = new ReplacementKnowledgeBase(dir, path.join(dir, 'none.json'));
    assert.throws(() => kb.resource('y_0001'), /the entry of y_0001 is invalid:\n {2}- resources\.y_0001\.name: replace must be one of/);
  });
});

describe('analysis goes on when a provider file is refused', () => {
  let parser: HclParser;
  before(async () => {
    parser = await HclParser.create();
  });

  test("the other providers' findings still appear, and the refused file is reported once", async () => {
    const dir = knowledgeDir({
      'hashicorp-local.json': fs.readFileSync(path.join(dataDir, 'hashicorp-local.json'), 'utf8'),
      'example-x.json': oneResourcePerLine(syntheticProvider('x_', 3)),
    });
    writePack(path.join(dir, 'hashicorp-local.json'));
    fs.writeFileSync(path.join(dir, 'example-x.json'), '{"formatVersion":1,"resources":{\n"x_0000":{');
    const { kb, messages } = reporting(dir);
    const analyzer = new TerraformModuleAnalyzer(parser, kb);
    const moduleDir = stateModule(
      {
        'main.tf': 'resource "local_file" "a" {\n  content  = "new"\n  filename = "a.txt"\n}\nresource "x_0000" "b" {\n  name = "renamed"\n}\n',
      },
      [
        { type: 'local_file', name: 'a', instances: [{ attributes: { content: 'old', filename: 'a.txt', file_permission: '0777', directory_permission: '0777' } }] },
        { type: 'x_0000', name: 'b', instances: [{ attributes: { name: 'b' } }] },
      ],
    );
    const options = { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false } as const;
    const findings = (await analyzer.analyze(moduleDir, options)).findings;
    const replacing = findings.filter((f) => f.code === 'terraform/forces-replacement');
    assert.equal(replacing.length, 1, JSON.stringify(findings, null, 2));
    assert.match(replacing[0].message, /local_file\.a/);
    await analyzer.analyze(moduleDir, options);
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.ok(messages[0].includes(path.join(dir, 'example-x.json')), messages[0]);
    assert.match(messages[0], /is not valid JSON: unexpected end of the file/);
  });
});

describe('immutable-infra check with a refused provider file', () => {
  const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

  test("names the file once on stderr and still reports the other providers' findings", async () => {
    const root = tempDir('ii-kb-');
    const dir = path.join(root, 'terraform-providers');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(dataDir, '..', STATEFUL_FILE), path.join(root, STATEFUL_FILE));
    fs.copyFileSync(path.join(dataDir, 'hashicorp-local.json'), path.join(dir, 'hashicorp-local.json'));
    fs.writeFileSync(path.join(dir, 'hashicorp-x.json'), oneResourcePerLine(syntheticProvider('x_', 3)));
    writeIndex(dir, ['hashicorp-local.json', 'hashicorp-x.json']);
    fs.writeFileSync(path.join(dir, 'hashicorp-x.json'), '{"formatVersion":7}');
    const moduleDir = stateModule(
      { 'main.tf': 'resource "local_file" "a" {\n  content  = "new"\n  filename = "a.txt"\n}\nresource "x_0000" "b" {\n  name = "renamed"\n}\n' },
      [
        { type: 'local_file', name: 'a', instances: [{ attributes: { content: 'old', filename: 'a.txt', file_permission: '0777', directory_permission: '0777' } }] },
        { type: 'x_0000', name: 'b', instances: [{ attributes: { name: 'b' } }] },
      ],
    );
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'check'], { cwd: moduleDir, env: { ...process.env, [KNOWLEDGE_DIR_ENV]: dir } }, (_error, out, err) =>
        resolve({ stdout: out, stderr: err }),
      );
    });
    assert.match(stdout, /local_file\.a/);
    assert.match(stdout, /forces-replacement/);
    const refused = stderr.split('\n').filter((line) => line.includes(path.join(dir, 'hashicorp-x.json')));
    assert.equal(refused.length, 1, stderr);
    assert.match(refused[0], /^immutable-infra: Replacement knowledge base: .* has unsupported formatVersion 7/);
  });
});
