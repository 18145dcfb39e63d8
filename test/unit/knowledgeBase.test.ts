import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  defaultKnowledgeBaseDir,
  globToRegExp,
  INDEX_FILE,
  loadIndexFile,
  loadProviderFile,
  loadStatefulFile,
  ReplacementKnowledgeBase,
} from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import type { ProviderKnowledge } from '../../core/src/terraform/knowledgeBase/format';

const dataDir = defaultKnowledgeBaseDir();
const statefulFile = path.join(dataDir, '..', 'stateful-resources.json');

const temps: string[] = [];
function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-test-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function fixtureProvider(overrides: Partial<ProviderKnowledge> = {}): ProviderKnowledge {
  return {
    formatVersion: 1,
    provider: { source: 'registry.terraform.io/example/thing', version: '1.0.0', sdk: 'sdkv2' },
    generatedBy: 'test fixture',
    resources: {
      thing_lb: {
        attributes: {
          name: { replace: 'always', required: true, type: 'string', source: 'ForceNew: true' },
          tags: { replace: 'never', optional: true, type: 'map(string)' },
          settings: {
            replace: 'never',
            optional: true,
            nesting: 'single',
            attributes: { mode: { replace: 'always', optional: true, type: 'string' } },
          },
        },
        blocks: {
          disk: {
            nesting: 'list',
            replace: 'on-add-remove',
            attributes: { size: { replace: 'never', optional: true, type: 'number' }, kind: { replace: 'always', optional: true, type: 'string' } },
            blocks: { encryption: { nesting: 'list', replace: 'never', maxItems: 1, attributes: { key: { replace: 'always', optional: true, type: 'string' } } } },
          },
        },
        stateful: true,
        statefulReason: 'a thing: replacing it loses its things',
      },
    },
    aliases: { thing_alb: 'thing_lb' },
    ...overrides,
  };
}

const fixtureIndex = {
  formatVersion: 1,
  resources: { thing_lb: 'example-thing.json', thing_alb: 'example-thing.json', other_x: 'example-other.json' },
  prefixes: { thing_: 'example-thing.json' },
};

describe('knowledge base files', () => {
  test('the default directory is the repository data/terraform-providers', () => {
    assert.ok(fs.existsSync(path.join(dataDir, INDEX_FILE)), dataDir);
    assert.equal(path.basename(dataDir), 'terraform-providers');
  });

  test('every provider file validates, and the index covers exactly their resources and aliases', () => {
    const index = loadIndexFile(path.join(dataDir, INDEX_FILE));
    const files = fs
      .readdirSync(dataDir)
      .filter((f) => f.endsWith('.json') && f !== INDEX_FILE)
      .sort();
    assert.deepEqual(files, [
      'builtin-terraform.json',
      'hashicorp-archive.json',
      'hashicorp-aws.json',
      'hashicorp-azurerm.json',
      'hashicorp-cloudinit.json',
      'hashicorp-external.json',
      'hashicorp-google.json',
      'hashicorp-helm.json',
      'hashicorp-http.json',
      'hashicorp-kubernetes.json',
      'hashicorp-local.json',
      'hashicorp-null.json',
      'hashicorp-random.json',
      'hashicorp-time.json',
      'hashicorp-tls.json',
    ]);
    const expected: Record<string, string> = {};
    for (const file of files) {
      const knowledge = loadProviderFile(path.join(dataDir, file));
      // A file read from an index of the source rather than the provider's repository (aws) names
      // the index's commit instead (provider.sourceCommit, an optional field readers may ignore).
      const sourceCommit = (knowledge.provider as { sourceCommit?: string }).sourceCommit;
      assert.ok(knowledge.provider.commit || knowledge.provider.moduleSum || sourceCommit, `${file} pins a commit or module sum`);
      assert.ok(knowledge.provider.module, `${file} names its module`);
      for (const type of [...Object.keys(knowledge.resources), ...Object.keys(knowledge.aliases ?? {})]) expected[type] = file;
      for (const [type, resource] of Object.entries(knowledge.resources)) {
        for (const [name, attribute] of Object.entries(resource.attributes)) {
          assert.ok(attribute.source, `${type}.${name} records its source`);
          // A custom type the generator does not evaluate is said in a note instead.
          assert.ok(attribute.type || attribute.note?.includes('Its type is not recorded'), `${type}.${name} records its type`);
        }
      }
    }
    assert.deepEqual(index.resources, expected);
    for (const file of Object.values(index.prefixes ?? {})) assert.ok(files.includes(file), file);
  });

  test('the stateful-resource list validates, has no duplicates and well-formed names', () => {
    const list = loadStatefulFile(statefulFile);
    assert.ok(list.entries.length >= 60 && list.entries.length <= 110, String(list.entries.length));
    const names = list.entries.map((e) => e.type ?? e.pattern);
    assert.equal(new Set(names).size, names.length);
    for (const entry of list.entries) {
      assert.match(entry.type ?? entry.pattern ?? '', /^(aws|google|azurerm|kubernetes|local|tls)_[a-z0-9_*]+$/);
      assert.ok(entry.reason.length > 20 && !entry.reason.endsWith('.'), entry.reason);
    }
  });
});

describe('ReplacementKnowledgeBase', () => {
  test('loads only the provider a resource needs', () => {
    const kb = new ReplacementKnowledgeBase(dataDir);
    assert.deepEqual(kb.loadedProviders(), []);
    assert.ok(kb.resource('local_file'));
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/local']);
    assert.ok(kb.rule('local_sensitive_file', ['content']));
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/local']);
    assert.equal(kb.resource('vault_policy'), undefined);
    assert.equal(kb.resource('local_nonexistent'), undefined);
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/local']);
    assert.ok(kb.resource('terraform_data'));
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/local', 'terraform.io/builtin/terraform']);
    assert.ok(kb.resourceTypes().includes('tls_cert_request'));
    assert.deepEqual(kb.loadedProviders(), ['registry.terraform.io/hashicorp/local', 'terraform.io/builtin/terraform']);
  });

  test('resolves aliases, nested attributes and blocks (fixture)', () => {
    const dir = tempDir({ 'index.json': fixtureIndex, 'example-thing.json': fixtureProvider() });
    const kb = new ReplacementKnowledgeBase(dir);
    const alias = kb.resource('thing_alb');
    assert.equal(alias?.type, 'thing_lb');
    assert.equal(alias?.requestedType, 'thing_alb');
    assert.equal(kb.rule('thing_alb', ['name'])?.rule.replace, 'always');
    assert.deepEqual(kb.rule('thing_lb', ['disk']), { kind: 'block', rule: fixtureProvider().resources.thing_lb.blocks!.disk });
    assert.equal(kb.rule('thing_lb', ['disk', 'kind'])?.rule.replace, 'always');
    assert.equal(kb.rule('thing_lb', ['disk', '0', 'size'])?.rule.replace, 'never');
    assert.equal(kb.rule('thing_lb', ['disk', 'encryption', 'key'])?.rule.replace, 'always');
    assert.equal(kb.rule('thing_lb', ['settings', 'mode'])?.rule.replace, 'always');
    assert.equal(kb.rule('thing_lb', ['tags', 'Name'])?.rule.replace, 'never');
    assert.equal(kb.rule('thing_lb', ['missing']), undefined);
    assert.deepEqual(kb.forceNewPaths('thing_alb'), [['name'], ['settings', 'mode'], ['disk'], ['disk', 'kind'], ['disk', 'encryption', 'key']]);
    assert.equal(kb.statefulReason('thing_alb'), 'a thing: replacing it loses its things');
    assert.equal(kb.resource('thing_other'), undefined);
  });

  test('an unknown formatVersion gives a clear error naming the file', () => {
    const dir = tempDir({ 'index.json': fixtureIndex, 'example-thing.json': { ...fixtureProvider(), formatVersion: 2 } });
    const kb = new ReplacementKnowledgeBase(dir);
    assert.throws(
      () => kb.resource('thing_lb'),
      (error: Error) => error.message.includes(path.join(dir, 'example-thing.json')) && /unsupported formatVersion 2/.test(error.message),
    );
  });

  test('broken JSON gives a clear error naming the file', () => {
    const dir = tempDir({ 'index.json': fixtureIndex, 'example-thing.json': '{ "formatVersion": 1, ' });
    const kb = new ReplacementKnowledgeBase(dir);
    assert.throws(
      () => kb.rule('thing_lb', ['name']),
      (error: Error) => error.message.includes(path.join(dir, 'example-thing.json')) && /not valid JSON/.test(error.message),
    );
  });

  test('invalid content is reported field by field', () => {
    const broken = fixtureProvider();
    (broken.resources.thing_lb.attributes.name as { replace: string }).replace = 'sometimes';
    broken.resources.thing_lb.attributes.tags = { replace: 'conditional' };
    (broken as { aliases: Record<string, string> }).aliases = { thing_alb: 'thing_missing' };
    const dir = tempDir({ 'index.json': fixtureIndex, 'example-thing.json': broken });
    assert.throws(
      () => new ReplacementKnowledgeBase(dir).resource('thing_lb'),
      (error: Error) =>
        error.message.includes('example-thing.json') &&
        error.message.includes('resources.thing_lb.name: replace must be one of') &&
        error.message.includes('resources.thing_lb.tags: a conditional rule needs a condition sentence') &&
        error.message.includes('aliases.thing_alb: names thing_missing'),
    );
  });

  test('a missing index names the directory', () => {
    const dir = tempDir({});
    assert.throws(
      () => new ReplacementKnowledgeBase(dir).resource('local_file'),
      (error: Error) => error.message.includes(path.join(dir, 'index.json')),
    );
  });

  test("stateful reasons: exact entries, patterns, and a resource's own flag", () => {
    const kb = new ReplacementKnowledgeBase(dataDir);
    assert.match(kb.statefulReason('aws_db_instance') ?? '', /RDS instance/);
    assert.match(kb.statefulReason('aws_fsx_lustre_file_system') ?? '', /FSx/);
    assert.match(kb.statefulReason('azurerm_cosmosdb_mongo_database') ?? '', /Cosmos DB database/);
    assert.match(kb.statefulReason('kubernetes_persistent_volume_claim_v1') ?? '', /PersistentVolumeClaim/);
    assert.match(kb.statefulReason('tls_private_key') ?? '', /private key/);
    assert.equal(kb.statefulReason('local_file'), undefined);
    assert.equal(kb.statefulReason('aws_security_group'), undefined);
    assert.equal(kb.statefulReason('random_pet'), undefined);
    assert.ok(globToRegExp('aws_fsx_*_file_system').test('aws_fsx_ontap_file_system'));
    assert.ok(!globToRegExp('aws_fsx_*_file_system').test('aws_fsx_file_system'));
  });
});

/** Facts checked against the provider source at the pinned versions (see FORMAT.md). */
describe('known facts', () => {
  const kb = new ReplacementKnowledgeBase(dataDir);
  const replace = (type: string, ...p: string[]) => kb.rule(type, p)?.rule.replace;

  const facts: Array<[string, string[], string]> = [
    ['terraform_data', ['triggers_replace'], 'always'],
    ['terraform_data', ['input'], 'never'],
    ['terraform_data', ['output'], 'never'],
    ['local_file', ['file_permission'], 'always'],
    ['local_file', ['content'], 'always'],
    ['local_file', ['filename'], 'always'],
    ['local_file', ['sensitive_content'], 'always'],
    ['local_sensitive_file', ['content'], 'always'],
    ['local_file', ['content_md5'], 'never'],
    ['null_resource', ['triggers'], 'always'],
    ['random_password', ['length'], 'always'],
    ['random_password', ['keepers'], 'always'],
    ['random_password', ['numeric'], 'always'],
    ['random_password', ['result'], 'never'],
    ['random_pet', ['separator'], 'always'],
    ['random_shuffle', ['input'], 'always'],
    ['random_bytes', ['keepers'], 'always'],
    ['time_static', ['rfc3339'], 'always'],
    ['time_static', ['triggers'], 'always'],
    ['time_offset', ['offset_days'], 'never'],
    ['time_offset', ['base_rfc3339'], 'never'],
    ['time_sleep', ['create_duration'], 'never'],
    ['time_rotating', ['rotation_days'], 'never'],
    ['time_rotating', ['rotation_rfc3339'], 'conditional'],
    ['time_rotating', ['rfc3339'], 'always'],
    ['tls_private_key', ['algorithm'], 'always'],
    ['tls_private_key', ['rsa_bits'], 'always'],
    ['tls_self_signed_cert', ['validity_period_hours'], 'always'],
    ['tls_self_signed_cert', ['early_renewal_hours'], 'conditional'],
    ['tls_self_signed_cert', ['is_ca_certificate'], 'always'],
    ['tls_self_signed_cert', ['ready_for_renewal'], 'conditional'],
    ['tls_self_signed_cert', ['subject'], 'always'],
    ['tls_self_signed_cert', ['subject', 'common_name'], 'always'],
    ['tls_cert_request', ['subject', 'organization'], 'always'],
    ['tls_locally_signed_cert', ['ca_cert_pem'], 'always'],
  ];
  for (const [type, p, expected] of facts) {
    test(`${type}.${p.join('.')} is ${expected}`, () => assert.equal(replace(type, ...p), expected));
  }

  test('flags and defaults', () => {
    const filePermission = kb.rule('local_file', ['file_permission'])?.rule;
    assert.equal(filePermission && 'default' in filePermission ? filePermission.default : undefined, '0777');
    assert.equal((kb.rule('local_sensitive_file', ['file_permission'])?.rule as { default?: unknown }).default, '0700');
    assert.equal(kb.rule('local_file', ['sensitive_content'])?.rule.deprecated, true);
    assert.equal((kb.rule('random_password', ['result'])?.rule as { sensitive?: boolean }).sensitive, true);
    assert.equal((kb.rule('random_id', ['hex'])?.rule as { useStateForUnknown?: boolean }).useStateForUnknown, true);
    const subject = kb.rule('tls_self_signed_cert', ['subject']);
    assert.equal(subject?.kind, 'block');
    assert.equal(subject?.kind === 'block' ? subject.rule.maxItems : undefined, 1);
  });

  test('time- and refresh-driven recreation is recorded', () => {
    assert.deepEqual(
      kb.resource('time_rotating')?.knowledge.conditionalReplacements?.map((c) => c.kind),
      ['time'],
    );
    assert.deepEqual(
      kb.resource('local_file')?.knowledge.conditionalReplacements?.map((c) => c.kind),
      ['refresh'],
    );
    assert.deepEqual(
      kb.resource('tls_locally_signed_cert')?.knowledge.conditionalReplacements?.map((c) => [c.kind, c.attributes]),
      [['time', []]],
    );
  });

  test('forceNewPaths lists exactly the non-never paths', () => {
    assert.deepEqual(kb.forceNewPaths('terraform_data'), [['triggers_replace']]);
    assert.deepEqual(kb.forceNewPaths('time_sleep'), [['triggers']]);
    assert.deepEqual(kb.forceNewPaths('null_resource'), [['triggers']]);
    assert.deepEqual(kb.forceNewPaths('random_uuid'), [['keepers']]);
    assert.deepEqual(kb.forceNewPaths('vault_policy'), []);
    const cert = kb.forceNewPaths('tls_cert_request').map((p) => p.join('.'));
    assert.ok(cert.includes('subject') && cert.includes('subject.serial_number') && cert.includes('private_key_pem'));
  });
});
