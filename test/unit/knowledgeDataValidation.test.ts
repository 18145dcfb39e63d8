/**
 * The committed knowledge base (data/terraform-providers) as FORMAT.md describes it: every provider
 * file's schema (format version, required fields, the closed enumerations, a condition for every
 * conditional rule), its recorded coverage counts against its resources, index.json against the
 * files, and the generated coverage table (docs/knowledge-coverage.md) against all of them. The data
 * is read as plain JSON here, not through the loader: this checks the files, whoever reads them.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const DATA_DIR = path.join(repoRoot, 'data', 'terraform-providers');
const COVERAGE_FILE = path.join(repoRoot, 'docs', 'knowledge-coverage.md');
const REGENERATE = 'cd tools/kbgen && GOTOOLCHAIN=local go run . coverage -dir ../../data/terraform-providers -o ../../docs/knowledge-coverage.md';

const FORMAT_VERSION = 1;
const SDKS = ['framework', 'sdkv2', 'builtin'];
const ATTRIBUTE_RULES = ['never', 'always', 'if-configured', 'conditional'];
const BLOCK_RULES = ['never', 'always', 'on-add-remove', 'if-configured', 'conditional'];
const ATTRIBUTE_NESTINGS = ['single', 'list', 'set', 'map'];
const BLOCK_NESTINGS = ['single', 'list', 'set', 'map', 'group'];
const REPLACEMENT_KINDS = ['plan', 'time', 'refresh'];

type Json = Record<string, unknown>;

interface Counts {
  resources: number;
  aliases: number;
  forceNewPaths: number;
  conditional: number;
  conditionalReplacements: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Every problem of one provider file's content, each naming where it is. */
function providerFileProblems(file: string, data: unknown): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${file}: ${where}: ${what}`);
  if (!isObject(data)) return [`${file}: not a JSON object`];
  if (data.formatVersion !== FORMAT_VERSION) problem('formatVersion', `${JSON.stringify(data.formatVersion)} is not ${FORMAT_VERSION}`);
  const provider = data.provider;
  if (!isObject(provider)) problem('provider', 'missing');
  else {
    if (!nonEmptyString(provider.source)) problem('provider.source', 'missing');
    if (!nonEmptyString(provider.version) || provider.version.startsWith('v'))
      problem('provider.version', `${JSON.stringify(provider.version)} is not a version without "v"`);
    if (!SDKS.includes(provider.sdk as string)) problem('provider.sdk', `${JSON.stringify(provider.sdk)} is not one of ${SDKS.join(', ')}`);
    const readElsewhere = nonEmptyString(provider.sourceRepository) && nonEmptyString(provider.sourceCommit);
    if (!nonEmptyString(provider.commit) && !nonEmptyString(provider.moduleSum) && !readElsewhere)
      problem('provider', 'neither commit nor moduleSum (nor sourceRepository with sourceCommit) says which source it was read from');
  }
  if (!nonEmptyString(data.generatedBy)) problem('generatedBy', 'missing');
  if (!isObject(data.resources)) {
    problem('resources', 'missing');
    return problems;
  }
  for (const [type, resource] of Object.entries(data.resources)) {
    if (!isObject(resource)) {
      problem(type, 'not an object');
      continue;
    }
    if (!isObject(resource.attributes)) problem(type, 'no attributes');
    else checkAttributes(type, resource.attributes, problem);
    if (resource.blocks !== undefined) checkBlocks(type, resource.blocks, problem);
    if (resource.stateful === true && !nonEmptyString(resource.statefulReason)) problem(type, 'stateful without statefulReason');
    if (resource.sdk !== undefined && !SDKS.includes(resource.sdk as string)) problem(`${type}.sdk`, `${JSON.stringify(resource.sdk)} is not an SDK`);
    if (resource.conditionalReplacements !== undefined) {
      if (!Array.isArray(resource.conditionalReplacements)) problem(`${type}.conditionalReplacements`, 'not a list');
      else
        resource.conditionalReplacements.forEach((entry: unknown, i) => {
          const where = `${type}.conditionalReplacements[${i}]`;
          if (!isObject(entry)) return problem(where, 'not an object');
          if (!Array.isArray(entry.attributes) || !entry.attributes.every(nonEmptyString)) problem(where, 'attributes is not a list of paths');
          if (!nonEmptyString(entry.condition)) problem(where, 'no condition');
          if (entry.kind !== undefined && !REPLACEMENT_KINDS.includes(entry.kind as string))
            problem(where, `kind ${JSON.stringify(entry.kind)} is not one of ${REPLACEMENT_KINDS.join(', ')}`);
        });
    }
  }
  if (data.aliases !== undefined) {
    if (!isObject(data.aliases)) problem('aliases', 'not an object');
    else
      for (const [alias, canonical] of Object.entries(data.aliases)) {
        if (typeof canonical !== 'string' || !isObject(data.resources[canonical]))
          problem(`aliases.${alias}`, `${JSON.stringify(canonical)} is not a resource of the file`);
        if (data.resources[alias] !== undefined) problem(`aliases.${alias}`, 'also a resource of its own');
      }
  }
  if (data.coverage !== undefined) {
    const recorded = data.coverage as Json;
    const counted = countResources(data);
    for (const key of Object.keys(counted) as Array<keyof Counts>) {
      const value = recorded[key] ?? 0; // omitted when zero (aliases)
      if (value !== counted[key]) problem(`coverage.${key}`, `says ${JSON.stringify(value)}, the resources count ${counted[key]}`);
    }
  }
  return problems;
}

type Problem = (where: string, what: string) => void;

function checkRule(where: string, rule: Json, allowed: string[], problem: Problem): void {
  if (!allowed.includes(rule.replace as string)) problem(where, `replace ${JSON.stringify(rule.replace)} is not one of ${allowed.join(', ')}`);
  if (rule.replace === 'conditional' && !nonEmptyString(rule.condition)) problem(where, 'conditional without a condition');
}

function checkAttributes(where: string, attributes: Json, problem: Problem): void {
  for (const [name, attribute] of Object.entries(attributes)) {
    const at = `${where}.${name}`;
    if (!isObject(attribute)) {
      problem(at, 'not an object');
      continue;
    }
    checkRule(at, attribute, ATTRIBUTE_RULES, problem);
    if (attribute.nesting !== undefined || attribute.attributes !== undefined) {
      if (!ATTRIBUTE_NESTINGS.includes(attribute.nesting as string))
        problem(at, `nesting ${JSON.stringify(attribute.nesting)} is not one of ${ATTRIBUTE_NESTINGS.join(', ')}`);
      if (!isObject(attribute.attributes)) problem(at, 'nested attribute without attributes');
      else checkAttributes(at, attribute.attributes, problem);
    }
  }
}

function checkBlocks(where: string, blocks: unknown, problem: Problem): void {
  if (!isObject(blocks)) return problem(`${where} blocks`, 'not an object');
  for (const [name, block] of Object.entries(blocks)) {
    const at = `${where}.${name}`;
    if (!isObject(block)) {
      problem(at, 'not an object');
      continue;
    }
    checkRule(at, block, BLOCK_RULES, problem);
    if (!BLOCK_NESTINGS.includes(block.nesting as string)) problem(at, `nesting ${JSON.stringify(block.nesting)} is not one of ${BLOCK_NESTINGS.join(', ')}`);
    if (!isObject(block.attributes)) problem(at, 'block without attributes');
    else checkAttributes(at, block.attributes, problem);
    if (block.blocks !== undefined) checkBlocks(at, block.blocks, problem);
  }
}

/** The counts FORMAT.md defines, from a file's resources: force-new paths are attribute and block paths (nested included) not `never`. */
function countResources(data: Json): Counts {
  const counts: Counts = {
    resources: 0,
    aliases: Object.keys((data.aliases as Json | undefined) ?? {}).length,
    forceNewPaths: 0,
    conditional: 0,
    conditionalReplacements: 0,
  };
  const rule = (r: Json) => {
    if (r.replace !== 'never') counts.forceNewPaths++;
    if (r.replace === 'conditional') counts.conditional++;
  };
  const attributes = (list: unknown) => {
    for (const a of Object.values((list as Json | undefined) ?? {}) as Json[]) {
      rule(a);
      attributes(a.attributes);
    }
  };
  const blocks = (list: unknown) => {
    for (const b of Object.values((list as Json | undefined) ?? {}) as Json[]) {
      rule(b);
      attributes(b.attributes);
      blocks(b.blocks);
    }
  };
  for (const resource of Object.values(data.resources as Json) as Json[]) {
    counts.resources++;
    attributes(resource.attributes);
    blocks(resource.blocks);
    counts.conditionalReplacements += ((resource.conditionalReplacements as unknown[] | undefined) ?? []).length;
  }
  return counts;
}

function providerFiles(): Array<{ file: string; data: Json }> {
  return fs
    .readdirSync(DATA_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((file) => ({ file, data: JSON.parse(fs.readFileSync(path.join(DATA_DIR, file), 'utf8')) as Json }));
}

/** The coverage table's rows, by provider file: the cells after the file name. */
function coverageTableRows(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    const match = /^\| `([^`]+\.json)` \|(.*)\|$/.exec(line);
    if (match)
      rows.set(
        match[1],
        match[2].split(' | ').map((c) => c.trim()),
      );
  }
  return rows;
}

describe('the committed knowledge base data', () => {
  const files = providerFiles();

  test('there are provider files to check', () => {
    assert.ok(files.length >= 10, `only ${files.length} provider files in ${DATA_DIR}`);
  });

  for (const { file, data } of files) {
    test(`${file}: schema as FORMAT.md says, and its coverage counts are its resources'`, () => {
      assert.deepEqual(providerFileProblems(file, data), []);
    });
  }

  test('index.json lists exactly the files, their resource types and aliases', () => {
    const index = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'index.json'), 'utf8')) as {
      formatVersion: number;
      providers: Record<string, { source: string; version: string }>;
      resources: Record<string, string>;
    };
    assert.equal(index.formatVersion, FORMAT_VERSION);
    const providers: Record<string, { source: string; version: string }> = {};
    const resources: Record<string, string> = {};
    for (const { file, data } of files) {
      const provider = data.provider as { source: string; version: string };
      providers[file] = { source: provider.source, version: provider.version };
      for (const type of [...Object.keys(data.resources as Json), ...Object.keys((data.aliases as Json | undefined) ?? {})]) resources[type] = file;
    }
    const regenerate = 'regenerate it: cd tools/kbgen && GOTOOLCHAIN=local go run . index -dir ../../data/terraform-providers';
    assert.deepEqual(index.providers, providers, regenerate);
    assert.deepEqual(index.resources, resources, regenerate);
  });

  test('docs/knowledge-coverage.md is what the data says', () => {
    const table = coverageTableRows(fs.readFileSync(COVERAGE_FILE, 'utf8'));
    const expected = new Map<string, string[]>();
    const actual = new Map<string, string[]>();
    for (const { file, data } of files) {
      const c = countResources(data);
      const coverage = (data.coverage as Json | undefined) ?? {};
      const listed = (key: string) => String(((coverage[key] as unknown[] | undefined) ?? []).length);
      const provider = data.provider as { source: string; version: string };
      // provider, version, then the counts (the source and generator columns are for reading)
      expected.set(file, [
        provider.source,
        provider.version,
        ...[c.resources, c.aliases, c.forceNewPaths, c.conditional, c.conditionalReplacements].map(String),
        listed('couldNotRead'),
        listed('unreadAttributes'),
        listed('unparsedFiles'),
      ]);
      const row = table.get(file);
      if (row) actual.set(file, [row[0], row[1], ...row.slice(4)]);
    }
    assert.deepEqual(
      [...actual.keys()].sort(),
      [...table.keys()].sort(),
      `docs/knowledge-coverage.md has rows for files that are not in data/terraform-providers; regenerate it:\n  ${REGENERATE}`,
    );
    assert.deepEqual(actual, expected, `docs/knowledge-coverage.md is not what data/terraform-providers says; regenerate it:\n  ${REGENERATE}`);
  });
});

describe('the data validation itself', () => {
  const valid = (): Json => ({
    formatVersion: 1,
    provider: { source: 'registry.terraform.io/fake/x', version: '1.0.0', sdk: 'framework', commit: 'abc' },
    generatedBy: 'generator kbgen 0.1.0',
    resources: {
      x_thing: {
        attributes: { name: { replace: 'always' }, size: { replace: 'conditional', condition: 'the size shrinks' } },
        blocks: { rule: { nesting: 'list', replace: 'on-add-remove', attributes: { port: { replace: 'never' } } } },
        conditionalReplacements: [{ attributes: [], kind: 'time', condition: 'the clock passes the rotation time' }],
      },
    },
    aliases: { x_old_thing: 'x_thing' },
    coverage: { resources: 1, aliases: 1, forceNewPaths: 3, conditional: 1, conditionalReplacements: 1 },
  });

  test('a valid file has no problems', () => {
    assert.deepEqual(providerFileProblems('fake-x.json', valid()), []);
  });

  test('each kind of bad content is named', () => {
    const cases: Array<[string, (d: Json) => void, RegExp]> = [
      ['unknown format version', (d) => (d.formatVersion = 2), /formatVersion: 2 is not 1/],
      [
        'a replace value outside the enumeration',
        (d) => (((d.resources as Json).x_thing as Json).attributes = { name: { replace: 'sometimes' } }),
        /x_thing\.name: replace "sometimes"/,
      ],
      [
        'conditional without a condition',
        (d) => (((d.resources as Json).x_thing as Json).attributes = { size: { replace: 'conditional' } }),
        /x_thing\.size: conditional without a condition/,
      ],
      [
        'a block rule outside the enumeration',
        (d) => ((((d.resources as Json).x_thing as Json).blocks as Json).rule = { nesting: 'list', replace: 'on-add', attributes: {} }),
        /x_thing\.rule: replace "on-add"/,
      ],
      ['no source version', (d) => delete (d.provider as Json).version, /provider\.version/],
      ['an unknown sdk', (d) => ((d.provider as Json).sdk = 'sdkv3'), /provider\.sdk/],
      ['neither commit nor module sum', (d) => delete (d.provider as Json).commit, /neither commit nor moduleSum/],
      [
        'a source repository without its commit',
        (d) => (delete (d.provider as Json).commit, ((d.provider as Json).sourceRepository = 'github.com/example/index')),
        /neither commit nor moduleSum/,
      ],
      ['an alias of a missing resource', (d) => (d.aliases = { x_old: 'x_gone' }), /aliases\.x_old/],
      ['coverage counts that contradict the resources', (d) => ((d.coverage as Json).forceNewPaths = 4), /coverage\.forceNewPaths: says 4, the resources count 3/],
      [
        'a resource-level entry without a condition',
        (d) => (((d.resources as Json).x_thing as Json).conditionalReplacements = [{ attributes: [] }]),
        /conditionalReplacements\[0\]: no condition/,
      ],
    ];
    for (const [what, corrupt, expected] of cases) {
      const data = valid();
      corrupt(data);
      const problems = providerFileProblems('fake-x.json', data);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${what}: expected a problem matching ${expected}, got ${JSON.stringify(problems)}`,
      );
    }
  });

  test('the coverage table parser reads a row', () => {
    const rows = coverageTableRows('| `fake-x.json` | registry.terraform.io/fake/x | 1.0.0 | — | kbgen | 1 | 0 | 3 | 1 | 1 | 0 | 0 | 0 |\n');
    assert.deepEqual(rows.get('fake-x.json'), ['registry.terraform.io/fake/x', '1.0.0', '—', 'kbgen', '1', '0', '3', '1', '1', '0', '0', '0']);
  });
});
