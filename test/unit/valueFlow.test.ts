/**
 * Values through variables, variable definitions files, locals and modules, instance addresses
 * of `count` and `for_each`, and the replacement cascade, through the pure harness: module texts
 * before and after an edit (and a state), analysed with the real parser, evaluator and knowledge.
 * Each expectation is what `tofu plan` says of the same edit (the end-to-end agreement table holds
 * the same cases against real plans).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, positionOf, stateModule, type StateResourceSpec } from '../support/tempModule';
import { analyseTerraform, MODULE_DIR } from './terraformTestSupport';

const MAIN = path.join(MODULE_DIR, 'main.tf');
const TFVARS = path.join(MODULE_DIR, 'terraform.tfvars');

/** A deployed local_file with the attributes the provider records. */
function deployedFile(name: string, permission: string, extra: Record<string, unknown> = {}, module?: string, index_key?: string | number): StateResourceSpec {
  return {
    type: 'local_file',
    name,
    ...(module ? { module } : {}),
    instances: [{ ...(index_key !== undefined ? { index_key } : {}), attributes: fileAttributes(name, permission, extra) }],
  };
}

function fileAttributes(name: string, permission: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    content: 'hello',
    filename: `./${name}.txt`,
    file_permission: permission,
    directory_permission: '0777',
    id: `sha-${name}`,
    content_md5: 'md5',
    content_sha1: 'sha1',
    content_sha256: 'sha256',
    content_sha512: 'sha512',
    content_base64sha256: 'b64',
    content_base64sha512: 'b64',
    sensitive_content: null,
    content_base64: null,
    source: null,
    ...extra,
  };
}

const replacing = (findings: Finding[]) =>
  findings.filter(
    (f) => ['terraform/forces-replacement', 'terraform/cascade-replacement', 'terraform/replace-triggered-by'].includes(f.code) && f.replacement === 'certain',
  );

/** The instance addresses called replaced, the way the agreement table reads them. */
function replacedAddresses(findings: Finding[]): string[] {
  const addresses = new Set<string>();
  for (const f of replacing(findings)) {
    if (f.address) addresses.add(f.address);
    for (const a of f.cascade ?? []) addresses.add(a);
  }
  return [...addresses].sort();
}

const FILE_WITH_VAR = `variable "perm" {\n  type    = string\n  default = "0777"\n}\n\nresource "local_file" "a" {\n  content         = "hello"\n  filename        = "\${path.module}/a.txt"\n  file_permission = var.perm\n}\n`;

describe('values through variables and variable definitions files', () => {
  test('a terraform.tfvars edit: the warning on the tfvars line, the related one at the attribute', async () => {
    const before = { 'main.tf': FILE_WITH_VAR, 'terraform.tfvars': 'perm = "0777"\n' };
    const after = { 'main.tf': FILE_WITH_VAR, 'terraform.tfvars': 'perm = "0700"\n' };
    const { findings } = await analyseTerraform(before, after, { state: [deployedFile('a', '0777')] });
    assert.deepEqual(replacedAddresses(findings), ['local_file.a'], JSON.stringify(findings, null, 2));
    const atTfvars = findings.find((f) => f.file === TFVARS);
    assert.ok(atTfvars, 'a finding on the tfvars line');
    assert.equal(atTfvars.code, 'terraform/forces-replacement');
    assert.equal(atTfvars.message, 'Changing `perm` ("0777" → "0700") forces replacement of `local_file.a` (`file_permission`).');
    assert.equal(atTfvars.range.start.line, 0);
    const atAttribute = findings.find((f) => f.file === MAIN && f.code === 'terraform/forces-replacement');
    assert.ok(atAttribute);
    assert.deepEqual(atAttribute.range.start, positionOf(FILE_WITH_VAR, 'file_permission'));
    assert.equal(atAttribute.related?.[0].file, TFVARS);
    assert.equal(atTfvars.related?.[0].file, MAIN);
  });

  test('the same edit against git HEAD (the tfvars as committed)', async () => {
    const { findings } = await analyseTerraform(
      { 'main.tf': FILE_WITH_VAR, 'terraform.tfvars': 'perm = "0777"\n' },
      { 'main.tf': FILE_WITH_VAR, 'terraform.tfvars': 'perm = "0700"\n' },
    );
    assert.deepEqual(replacedAddresses(findings), ['local_file.a']);
    assert.ok(findings.some((f) => f.file === TFVARS && f.code === 'terraform/forces-replacement'));
  });

  test('override.auto.tfvars wins over terraform.tfvars: the same value as deployed says nothing', async () => {
    const after = { 'main.tf': FILE_WITH_VAR, 'terraform.tfvars': 'perm = "0700"\n', 'override.auto.tfvars': 'perm = "0777"\n' };
    const { findings } = await analyseTerraform(undefined, after, { state: [deployedFile('a', '0777')] });
    assert.deepEqual(findings, []);
  });

  test('a variable default edit, on the default line', async () => {
    const edited = FILE_WITH_VAR.replace('default = "0777"', 'default = "0700"');
    const { findings } = await analyseTerraform({ 'main.tf': FILE_WITH_VAR }, { 'main.tf': edited }, { state: [deployedFile('a', '0777')] });
    assert.deepEqual(replacedAddresses(findings), ['local_file.a']);
    const atDefault = findings.find((f) => f.range.start.line === positionOf(edited, 'default').line);
    assert.ok(atDefault, JSON.stringify(findings, null, 2));
    assert.match(atDefault.message, /^Changing `perm` \("0777" → "0700"\) forces replacement of `local_file.a`/);
  });
});

describe('values through locals and functions, known before plan', () => {
  const withLocal = (expression: string, extra = '') =>
    `variable "big" {\n  default = true\n}\n${extra}\nlocals {\n  perm = ${expression}\n}\n\nresource "local_file" "a" {\n  content         = "hello"\n  filename        = "\${path.module}/a.txt"\n  file_permission = local.perm\n}\n`;

  for (const [expression, expected] of [
    ['var.big ? "0700" : "0777"', 'replaced'],
    ['var.big ? "0777" : "0700"', 'unchanged'],
    ['format("%04d", 700)', 'replaced'],
    ['upper("0777")', 'unchanged'],
    ['join("", ["07", "77"])', 'unchanged'],
    ['merge({ p = "0700" }, { q = 1 }).p', 'replaced'],
    ['lookup({ a = "0777" }, "a", "0700")', 'unchanged'],
    ['"0${7 * 100 + 77}"', 'unchanged'],
  ] as const) {
    test(`${expression}: ${expected}, with no "may"`, async () => {
      const { findings } = await analyseTerraform(undefined, { 'main.tf': withLocal(expression) }, { state: [deployedFile('a', '0777')] });
      assert.ok(!findings.some((f) => f.code === 'terraform/may-force-replacement'), JSON.stringify(findings, null, 2));
      assert.deepEqual(replacedAddresses(findings), expected === 'replaced' ? ['local_file.a'] : []);
    });
  }

  test('an equivalent expression (2 * 2 for 4) is no change', async () => {
    const text = (v: string) => `resource "local_file" "a" {\n  content  = "\${${v}}"\n  filename = "\${path.module}/a.txt"\n}\n`;
    const { findings } = await analyseTerraform({ 'main.tf': text('4') }, { 'main.tf': text('2 * 2') });
    assert.deepEqual(findings, []);
  });

  test('an expression moved into a local, and reformatting, change nothing', async () => {
    const before = `resource "local_file" "a" {\n  content  = upper("x")\n  filename = "\${path.module}/a.txt"\n}\n`;
    const after = `locals {\n  c = upper("x")\n}\nresource "local_file" "a" {\n  content  =   local.c\n  filename = "\${path.module}/a.txt"\n}\n`;
    assert.deepEqual((await analyseTerraform({ 'main.tf': before }, { 'main.tf': after })).findings, []);
  });
});

describe('instances as the plan addresses them', () => {
  const forEach = (perms: string) =>
    `resource "local_file" "b" {\n  for_each        = ${perms}\n  content         = each.key\n  filename        = "\${path.module}/\${each.key}.txt"\n  file_permission = each.value\n}\n`;
  const state = (perms: Record<string, string>): StateResourceSpec[] => [
    {
      type: 'local_file',
      name: 'b',
      instances: Object.entries(perms).map(([k, p]) => ({ index_key: k, attributes: fileAttributes(k, p, { content: k, filename: `./${k}.txt` }) })),
    },
  ];

  test('for_each: only the instance whose value changes, addressed with its key', async () => {
    const { findings } = await analyseTerraform(undefined, { 'main.tf': forEach('{ x = "0777", y = "0700" }') }, { state: state({ x: '0777', y: '0777' }) });
    assert.deepEqual(replacedAddresses(findings), ['local_file.b["y"]']);
  });

  test('for_each: every instance it replaces, one finding each', async () => {
    const { findings } = await analyseTerraform(undefined, { 'main.tf': forEach('{ x = "0700", y = "0700" }') }, { state: state({ x: '0777', y: '0777' }) });
    assert.deepEqual(replacedAddresses(findings), ['local_file.b["x"]', 'local_file.b["y"]']);
    assert.equal(findings.filter((f) => f.code === 'terraform/forces-replacement').length, 2);
  });

  test('inside a module called with for_each: module.m["k"].local_file.f', async () => {
    const child = {
      'main.tf':
        'variable "perm" {}\nresource "local_file" "f" {\n  content         = "hello"\n  filename        = "${path.module}/f.txt"\n  file_permission = var.perm\n}\n',
    };
    const root = (p: string) => `module "m" {\n  source   = "./modules/m"\n  for_each = { k = "${p}", l = "0777" }\n  perm     = each.value\n}\n`;
    const deployed: StateResourceSpec[] = ['k', 'l'].map((k) => ({ ...deployedFile('f', '0777', { filename: 'modules/m/f.txt' }), module: `module.m["${k}"]` }));
    const { findings } = await analyseTerraform({ 'main.tf': root('0777') }, { 'main.tf': root('0700') }, { state: deployed, childModules: { './modules/m': child } });
    assert.deepEqual(replacedAddresses(findings), ['module.m["k"].local_file.f']);
    const atArgument = findings.find((f) => f.file === MAIN);
    assert.ok(atArgument, JSON.stringify(findings, null, 2));
  });
});

describe('module arguments and outputs', () => {
  const inner = {
    'main.tf':
      'variable "perm" {}\nresource "local_file" "a" {\n  content         = "hello"\n  filename        = "${path.module}/a.txt"\n  file_permission = var.perm\n}\noutput "id" {\n  value = local_file.a.id\n}\n',
  };
  const middle = { 'main.tf': 'variable "perm" {}\nmodule "inner" {\n  source = "../inner"\n  perm   = var.perm\n}\noutput "id" {\n  value = module.inner.id\n}\n' };
  const root = (perm: string) => `module "files" {\n  source = "./modules/middle"\n  perm   = "${perm}"\n}\n`;

  test('two levels deep: the warning on the root argument, naming module.files.module.inner.local_file.a', async () => {
    const { findings, coverage } = await analyseTerraform(
      { 'main.tf': root('0777') },
      { 'main.tf': root('0700') },
      { state: [deployedFile('a', '0777', {}, 'module.files.module.inner')], childModules: { './modules/middle': middle, './modules/inner': inner } },
    );
    assert.deepEqual(replacedAddresses(findings), ['module.files.module.inner.local_file.a']);
    const atArgument = findings.find((f) => f.file === MAIN && f.code === 'terraform/forces-replacement');
    assert.ok(atArgument, JSON.stringify(findings, null, 2));
    assert.equal(atArgument.message, 'Changing `perm` ("0777" → "0700") forces replacement of `module.files.module.inner.local_file.a` (`file_permission`).');
    const inChild = findings.find((f) => f.file === path.join(MODULE_DIR, 'modules/inner/main.tf'));
    assert.ok(inChild, 'the related finding in the child module');
    assert.deepEqual(coverage, { checked: 1, withoutKnowledge: 0, withoutBaseline: 0 }, "the child module's resource counts as checked");
  });

  test('an output of one module into another module: the cascade', async () => {
    const consumer = { 'main.tf': 'variable "content" {}\nresource "local_file" "c" {\n  content  = var.content\n  filename = "${path.module}/c.txt"\n}\n' };
    const text = (perm: string) => `${root(perm)}\nmodule "consumer" {\n  source  = "./modules/consumer"\n  content = module.files.id\n}\n`;
    const { findings } = await analyseTerraform(
      undefined,
      { 'main.tf': text('0700') },
      {
        state: [deployedFile('a', '0777', {}, 'module.files.module.inner'), deployedFile('c', '0777', { content: 'sha-a', filename: './c.txt' }, 'module.consumer')],
        childModules: { './modules/middle': middle, './modules/inner': inner, './modules/consumer': consumer },
      },
    );
    assert.deepEqual(replacedAddresses(findings), ['module.consumer.local_file.c', 'module.files.module.inner.local_file.a']);
    const cascade = findings.find((f) => f.code === 'terraform/cascade-replacement');
    assert.equal(cascade?.address, 'module.consumer.local_file.c');
  });
});

describe('the replacement cascade', () => {
  const chain = (perm: string, downstream = 'local_file.a.id') =>
    `resource "local_file" "a" {\n  content         = "hello"\n  filename        = "\${path.module}/a.txt"\n  file_permission = "${perm}"\n}\n\nresource "null_resource" "b" {\n  triggers = { x = ${downstream} }\n}\n\nresource "random_id" "c" {\n  byte_length = 4\n  keepers     = { x = null_resource.b.id }\n}\n`;
  const deployed: StateResourceSpec[] = [
    deployedFile('a', '0777'),
    { type: 'null_resource', name: 'b', instances: [{ attributes: { id: '111', triggers: { x: 'sha-a' } } }] },
    {
      type: 'random_id',
      name: 'c',
      instances: [{ attributes: { id: 'AAAA', byte_length: 4, keepers: { x: '111' }, hex: '00', b64_std: 'x', b64_url: 'x', dec: '0', prefix: null } }],
    },
  ];

  test('three levels: a → b (triggers) → c (keepers), with the cascade on the first finding', async () => {
    const { findings } = await analyseTerraform(undefined, { 'main.tf': chain('0700') }, { state: deployed });
    assert.deepEqual(replacedAddresses(findings), ['local_file.a', 'null_resource.b', 'random_id.c'], JSON.stringify(findings, null, 2));
    const first = findings.find((f) => f.code === 'terraform/forces-replacement');
    assert.deepEqual(first?.cascade, ['null_resource.b', 'random_id.c']);
    assert.deepEqual(
      findings.filter((f) => f.code === 'terraform/cascade-replacement').map((f) => [f.address, f.severity]),
      [
        ['null_resource.b', 'warning'],
        ['random_id.c', 'warning'],
      ],
    );
  });

  test('the same against git HEAD', async () => {
    const { findings } = await analyseTerraform({ 'main.tf': chain('0777') }, { 'main.tf': chain('0700') });
    assert.deepEqual(replacedAddresses(findings), ['local_file.a', 'null_resource.b', 'random_id.c']);
  });

  test('a counter-case: the attribute read survives the replacement (filename, configured)', async () => {
    const { findings } = await analyseTerraform(
      undefined,
      { 'main.tf': chain('0700', 'local_file.a.filename') },
      {
        state: [deployed[0], { type: 'null_resource', name: 'b', instances: [{ attributes: { id: '111', triggers: { x: './a.txt' } } }] }, deployed[2]],
      },
    );
    assert.deepEqual(replacedAddresses(findings), ['local_file.a']);
  });

  test('no edit, no cascade', async () => {
    assert.deepEqual((await analyseTerraform(undefined, { 'main.tf': chain('0777') }, { state: deployed })).findings, []);
  });
});

describe('bad input: a note, never a crash', () => {
  test('a cycle between locals stays unknown', async () => {
    const text = 'locals {\n  a = local.b\n  b = local.a\n}\nresource "local_file" "a" {\n  content  = local.a\n  filename = "./a.txt"\n}\n';
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: [deployedFile('a', '0777')] });
    const may = findings.find((f) => f.code === 'terraform/may-force-replacement');
    assert.match(may?.message ?? '', /refers to itself/, JSON.stringify(findings, null, 2));
  });

  test('a module source that does not exist, and one not installed', async () => {
    const text = 'module "gone" {\n  source = "./modules/gone"\n}\n\nmodule "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n';
    const dir = stateModule({ 'main.tf': text }, []);
    const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
    const { findings } = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false });
    assert.deepEqual(
      findings.filter((f) => f.code === 'terraform/module-not-found').map((f) => [f.range.start.line, f.message]),
      [
        [0, 'Module "gone" was not checked: module "gone" (source "./modules/gone"): modules/gone holds no .tf files.'],
        [4, 'Module "vpc" was not checked: module "vpc" (source "terraform-aws-modules/vpc/aws") is not installed: run `terraform init`.'],
      ],
    );
    cleanupTempDirs();
  });

  test('for_each over a value known only after apply: the deployed instances, and a note', async () => {
    const text =
      'resource "random_id" "r" {\n  byte_length = 2\n}\nresource "local_file" "b" {\n  for_each = toset([random_id.r.hex])\n  content  = "x"\n  filename = "./b.txt"\n}\n';
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: [] });
    const note = findings.find((f) => f.code === 'terraform/instances-unknown');
    assert.match(note?.message ?? '', /known only at plan time/);
  });

  test('count = 10000 is bounded, with a note', async () => {
    const text = 'resource "local_file" "b" {\n  count    = 10000\n  content  = "x"\n  filename = "./b${count.index}.txt"\n}\n';
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: [] });
    const note = findings.find((f) => f.code === 'terraform/instances-unknown');
    assert.match(note?.message ?? '', /the first 1000 were checked for replacement, the other 9000 were not/);
  });

  test('a function the analysis does not evaluate: unknown, "may", with the reason', async () => {
    const text = 'resource "local_file" "a" {\n  content  = not_a_function("x")\n  filename = "./a.txt"\n}\n';
    const { findings } = await analyseTerraform({ 'main.tf': text.replace('not_a_function("x")', '"hello"') }, { 'main.tf': text });
    const may = findings.find((f) => f.code === 'terraform/may-force-replacement');
    assert.match(may?.message ?? '', /not_a_function/, JSON.stringify(findings, null, 2));
  });
});
