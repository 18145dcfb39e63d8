/**
 * Value flow and the replacement cascade against a real plan. Each case is a small Terraform workspace —
 * a root module, child modules under `modules/`, tfvars files — written as a `before` and edited to an
 * `after`. The `before` is committed to git, applied for real, the edit written, and planned
 * (`plan -out` + `show -json`); the plan's replaced instances are its `resource_changes` whose actions
 * are `["delete","create"]` or `["create","delete"]`, by `address` exactly as the plan writes it.
 *
 * Our answer is the built CLI, `check . --baseline state --format json` with the state the apply wrote,
 * then `--baseline git` with the state moved out of the folder: the instances we call certainly replaced
 * are the `address` of every `terraform/forces-replacement`, `terraform/cascade-replacement` or
 * `terraform/replace-triggered-by` finding whose replacement is certain, with every address in a
 * finding's `cascade` list; the possibly replaced ones are those of `terraform/may-force-replacement`
 * and of any of those findings whose replacement is possible.
 *
 * A row agrees when our certain set equals the plan's. A plan replacement we only call possible is
 * "possible", accepted only where the case says why; anything else is a disagreement, and the test fails,
 * unless the case names its `reason` (the table shows it). Every case also says which instances it
 * expects the plan to replace: a plan that replaces others means the case exercises something other
 * than it claims, and fails as such.
 *
 * Independent cases share a workspace (one init, one apply, one plan per workspace; a case owns the
 * addresses it names), and workspaces run two at a time. Where the machine has HashiCorp Terraform,
 * every workspace is planned with it too, and its rows must render the same table.
 *
 * The table is printed and compared with the committed `test/e2e-tofu/value-flow-agreement-table.md`
 * (regenerate: `UPDATE_VALUE_FLOW_TABLE=1 node scripts/run-tests.mjs e2e-tofu`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, runCli } from '../support/cli';
import { limiter } from '../support/limiter';
import { cleanupTempDirs, git, tempDir, writeFiles } from '../support/tempModule';
import { assertToolReady, OPENTOFU, repoRoot, toolLabel, toolModule, toolReadinessError, type IacTool, type PlanJson } from '../support/tofu';
import { reportToolsUnderTest, TERRAFORM } from '../support/toolsUnderTest';

const TABLE_FILE = path.join(repoRoot, 'test', 'e2e-tofu', 'value-flow-agreement-table.md');
const UPDATE = process.env.UPDATE_VALUE_FLOW_TABLE === '1';
const CONCURRENCY = 2; // workspaces planned at once (the machines have 2 cores)

// ---------------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------------

/** File contents by path relative to the workspace root. */
type Files = Record<string, string>;

interface ValueFlowCase {
  /** The row's name. */
  name: string;
  /** What of value flow it exercises. */
  covers: string;
  /** The edit, in words, for the table. */
  edit: string;
  /**
   * The case's files before the edit. A path several cases of a workspace give (`terraform.tfvars`)
   * holds all their parts, in case order; names inside are the case's own.
   */
  before: Files;
  /** The edit: the case's part of each file it changes, whole. */
  after: Files;
  /** The addresses the case owns: a resource or module address, with any instance key or nested address under it. */
  owns: string[];
  /** The instances the case expects the plan to replace (checked against the plan). */
  plan: string[];
  /** The edit is a literal in the resource's own block and nothing flows: the ground the analyzer already covered before value flow. */
  literal?: boolean;
  /** Why a plan replacement we only call possible is the right answer here. */
  possibleWhy?: string;
  /** Why a disagreement of this case is accepted (the table shows it). */
  reason?: string;
}

interface Workspace {
  name: string;
  /** Files no case owns (child modules several cases call); the same before and after. */
  shared?: Files;
  /** `-var-file` arguments of the apply and the plan (and `--var-file` of our check), relative to the workspace. */
  varFiles?: string[];
  cases: ValueFlowCase[];
}

/** Where the cases' files go: inside the workspace, whichever module writes them. */
const OUT = '${path.root}/out';

const PERM_FILE_MODULE = `variable "name" {
  type = string
}

variable "perm" {
  type = string
}

resource "local_file" "f" {
  filename        = "${OUT}/\${var.name}.txt"
  content         = var.name
  file_permission = var.perm
}

output "id" {
  value = local_file.f.id
}

output "filename" {
  value = local_file.f.filename
}
`;

const CONTENT_FILE_MODULE = `variable "name" {
  type = string
}

variable "content" {
  type = string
}

resource "local_file" "f" {
  filename = "${OUT}/\${var.name}.txt"
  content  = var.content
}
`;

/** A `local_file` whose `file_permission` is `perm` (an HCL expression). */
function permFile(name: string, perm: string, extra = ''): string {
  return `resource "local_file" "${name}" {
  filename        = "${OUT}/${name}.txt"
  content         = "${name}"
  file_permission = ${perm}${extra}
}
`;
}

/** A `local_file` whose `content` is `content` (an HCL expression). */
function contentFile(name: string, content: string): string {
  return `resource "local_file" "${name}" {
  filename = "${OUT}/${name}.txt"
  content  = ${content}
}
`;
}

function stringVariable(name: string, defaultValue?: string): string {
  return `variable "${name}" {
  type = string${defaultValue === undefined ? '' : `\n  default = ${defaultValue}`}
}
`;
}

const MODULES: Workspace = {
  name: 'modules',
  shared: {
    'modules/perm_file/main.tf': PERM_FILE_MODULE,
    'modules/content_file/main.tf': CONTENT_FILE_MODULE,
    'modules/deep_a/main.tf': `variable "perm" {
  type = string
}

module "b" {
  source = "../deep_b"
  perm   = var.perm
}
`,
    'modules/deep_b/main.tf': `variable "perm" {
  type = string
}

resource "local_file" "f" {
  filename        = "${OUT}/deep.txt"
  content         = "deep"
  file_permission = var.perm
}
`,
    'modules/gen/main.tf': `variable "byte_length" {
  type = number
}

resource "random_id" "r" {
  byte_length = var.byte_length
}

output "hex" {
  value = random_id.r.hex
}
`,
    'modules/counted/main.tf': `variable "names" {
  type = list(string)
}

resource "local_file" "f" {
  count    = length(var.names)
  filename = "${OUT}/cm-\${count.index}.txt"
  content  = var.names[count.index]
}
`,
  },
  cases: [
    {
      name: 'module arguments two levels deep',
      covers: 'module arguments',
      edit: 'root `module "deep" { perm = "0777" }` → `"0700"`; modules/deep_a passes `var.perm` to modules/deep_b, whose `local_file.f` has `file_permission = var.perm`',
      before: { 'deep.tf': `module "deep" {\n  source = "./modules/deep_a"\n  perm   = "0777"\n}\n` },
      after: { 'deep.tf': `module "deep" {\n  source = "./modules/deep_a"\n  perm   = "0700"\n}\n` },
      owns: ['module.deep'],
      plan: ['module.deep.module.b.local_file.f'],
    },
    {
      name: 'module output (random_id.hex) into another module',
      covers: 'module outputs, cascade',
      edit: '`module "gen" { byte_length = 4 }` → `5` (forces `random_id.r`); its output `hex` is `module "hex_use"`\'s `content`',
      before: {
        'gen.tf': `module "gen" {\n  source      = "./modules/gen"\n  byte_length = 4\n}\n\nmodule "hex_use" {\n  source  = "./modules/content_file"\n  name    = "hex-use"\n  content = module.gen.hex\n}\n`,
      },
      after: {
        'gen.tf': `module "gen" {\n  source      = "./modules/gen"\n  byte_length = 5\n}\n\nmodule "hex_use" {\n  source  = "./modules/content_file"\n  name    = "hex-use"\n  content = module.gen.hex\n}\n`,
      },
      owns: ['module.gen', 'module.hex_use'],
      plan: ['module.gen.random_id.r', 'module.hex_use.local_file.f'],
    },
    {
      name: "module output (a local_file's computed id) into another module",
      covers: 'module outputs, cascade',
      edit: '`module "id_src" { perm = "0777" }` → `"0700"`; its output `id` (`local_file.f.id`) is `module "id_use"`\'s `content`',
      before: {
        'id.tf': `module "id_src" {\n  source = "./modules/perm_file"\n  name   = "id-src"\n  perm   = "0777"\n}\n\nmodule "id_use" {\n  source  = "./modules/content_file"\n  name    = "id-use"\n  content = module.id_src.id\n}\n`,
      },
      after: {
        'id.tf': `module "id_src" {\n  source = "./modules/perm_file"\n  name   = "id-src"\n  perm   = "0700"\n}\n\nmodule "id_use" {\n  source  = "./modules/content_file"\n  name    = "id-use"\n  content = module.id_src.id\n}\n`,
      },
      owns: ['module.id_src', 'module.id_use'],
      plan: ['module.id_src.local_file.f', 'module.id_use.local_file.f'],
    },
    {
      name: 'module output that survives the replacement (a configured filename)',
      covers: 'counter-case, module outputs',
      edit: '`module "fn_src" { perm = "0777" }` → `"0700"`; its output `filename` (configured, the same after the replacement) is `module "fn_use"`\'s `content`',
      before: {
        'fn.tf': `module "fn_src" {\n  source = "./modules/perm_file"\n  name   = "fn-src"\n  perm   = "0777"\n}\n\nmodule "fn_use" {\n  source  = "./modules/content_file"\n  name    = "fn-use"\n  content = module.fn_src.filename\n}\n`,
      },
      after: {
        'fn.tf': `module "fn_src" {\n  source = "./modules/perm_file"\n  name   = "fn-src"\n  perm   = "0700"\n}\n\nmodule "fn_use" {\n  source  = "./modules/content_file"\n  name    = "fn-use"\n  content = module.fn_src.filename\n}\n`,
      },
      owns: ['module.fn_src', 'module.fn_use'],
      plan: ['module.fn_src.local_file.f'],
    },
    {
      name: 'module for_each: one instance of two',
      covers: 'module for_each, instance addresses',
      edit: '`module "m" { for_each = { x = "0777", y = "0777" } … perm = each.value }`: `y` → `"0700"`',
      before: {
        'm.tf': `module "m" {\n  for_each = { x = "0777", y = "0777" }\n  source   = "./modules/perm_file"\n  name     = "m-\${each.key}"\n  perm     = each.value\n}\n`,
      },
      after: {
        'm.tf': `module "m" {\n  for_each = { x = "0777", y = "0700" }\n  source   = "./modules/perm_file"\n  name     = "m-\${each.key}"\n  perm     = each.value\n}\n`,
      },
      owns: ['module.m'],
      plan: ['module.m["y"].local_file.f'],
    },
    {
      name: 'count on a resource inside a module',
      covers: 'count, instance addresses, module arguments',
      edit: '`module "cm" { names = ["a", "b", "c"] }` → `["a", "x", "c"]`; the module\'s `local_file.f` has `count = length(var.names)`, `content = var.names[count.index]`',
      before: { 'cm.tf': `module "cm" {\n  source = "./modules/counted"\n  names  = ["a", "b", "c"]\n}\n` },
      after: { 'cm.tf': `module "cm" {\n  source = "./modules/counted"\n  names  = ["a", "x", "c"]\n}\n` },
      owns: ['module.cm'],
      plan: ['module.cm.local_file.f[1]'],
    },
  ],
};

const VARIABLES: Workspace = {
  name: 'variables',
  cases: [
    {
      name: 'terraform.tfvars edit',
      covers: 'tfvars',
      edit: 'terraform.tfvars `tv_perm = "0777"` → `"0700"`; `file_permission = var.tv_perm`',
      before: { 'tv.tf': stringVariable('tv_perm') + permFile('tv', 'var.tv_perm'), 'terraform.tfvars': 'tv_perm = "0777"\n' },
      after: { 'terraform.tfvars': 'tv_perm = "0700"\n' },
      owns: ['local_file.tv'],
      plan: ['local_file.tv'],
    },
    {
      name: 'x.auto.tfvars edit, over terraform.tfvars',
      covers: 'auto tfvars',
      edit: 'terraform.tfvars `av_perm = "0777"`, x.auto.tfvars `av_perm = "0755"` → `"0700"`',
      before: { 'av.tf': stringVariable('av_perm') + permFile('av', 'var.av_perm'), 'terraform.tfvars': 'av_perm = "0777"\n', 'x.auto.tfvars': 'av_perm = "0755"\n' },
      after: { 'x.auto.tfvars': 'av_perm = "0700"\n' },
      owns: ['local_file.av'],
      plan: ['local_file.av'],
    },
    {
      name: 'terraform.tfvars edit that x.auto.tfvars overrides',
      covers: 'auto tfvars (no change)',
      edit: 'terraform.tfvars `sv_perm = "0777"` → `"0700"`, x.auto.tfvars keeps `sv_perm = "0755"`',
      before: { 'sv.tf': stringVariable('sv_perm') + permFile('sv', 'var.sv_perm'), 'terraform.tfvars': 'sv_perm = "0777"\n', 'x.auto.tfvars': 'sv_perm = "0755"\n' },
      after: { 'terraform.tfvars': 'sv_perm = "0700"\n' },
      owns: ['local_file.sv'],
      plan: [],
    },
    {
      name: 'override.auto.tfvars edit, over terraform.tfvars',
      covers: 'auto tfvars',
      edit: 'terraform.tfvars `ov_perm = "0777"`, override.auto.tfvars `ov_perm = "0755"` → `"0700"`',
      before: {
        'ov.tf': stringVariable('ov_perm') + permFile('ov', 'var.ov_perm'),
        'terraform.tfvars': 'ov_perm = "0777"\n',
        'override.auto.tfvars': 'ov_perm = "0755"\n',
      },
      after: { 'override.auto.tfvars': 'ov_perm = "0700"\n' },
      owns: ['local_file.ov'],
      plan: ['local_file.ov'],
    },
    {
      name: 'terraform.tfvars edit that override.auto.tfvars overrides',
      covers: 'auto tfvars (no change)',
      edit: 'terraform.tfvars `so_perm = "0777"` → `"0700"`, override.auto.tfvars keeps `so_perm = "0755"`',
      before: {
        'so.tf': stringVariable('so_perm') + permFile('so', 'var.so_perm'),
        'terraform.tfvars': 'so_perm = "0777"\n',
        'override.auto.tfvars': 'so_perm = "0755"\n',
      },
      after: { 'terraform.tfvars': 'so_perm = "0700"\n' },
      owns: ['local_file.so'],
      plan: [],
    },
    {
      name: 'override.auto.tfvars edit that x.auto.tfvars overrides (lexical order)',
      covers: 'auto tfvars (no change)',
      edit: 'override.auto.tfvars `lx_perm = "0777"` → `"0700"`, x.auto.tfvars (read after it) keeps `lx_perm = "0755"`',
      before: {
        'lx.tf': stringVariable('lx_perm') + permFile('lx', 'var.lx_perm'),
        'override.auto.tfvars': 'lx_perm = "0777"\n',
        'x.auto.tfvars': 'lx_perm = "0755"\n',
      },
      after: { 'override.auto.tfvars': 'lx_perm = "0700"\n' },
      owns: ['local_file.lx'],
      plan: [],
    },
    {
      name: 'variable default edit',
      covers: 'variable defaults',
      edit: '`variable "dv_perm" { default = "0777" }` → `"0700"`',
      before: { 'dv.tf': stringVariable('dv_perm', '"0777"') + permFile('dv', 'var.dv_perm') },
      after: { 'dv.tf': stringVariable('dv_perm', '"0700"') + permFile('dv', 'var.dv_perm') },
      owns: ['local_file.dv'],
      plan: ['local_file.dv'],
    },
    {
      name: 'object-typed variable, nested attribute edit',
      covers: 'object-typed variables, tfvars',
      edit: 'terraform.tfvars `ob = { name = "ob", file = { perm = "0777", … } }`: `file.perm` → `"0700"`',
      before: {
        'ob.tf': `variable "ob" {
  type = object({
    name = string
    file = object({ perm = string, content = string })
  })
}

resource "local_file" "ob" {
  filename        = "${OUT}/\${var.ob.name}.txt"
  content         = var.ob.file.content
  file_permission = var.ob.file.perm
}
`,
        'terraform.tfvars': 'ob = {\n  name = "ob"\n  file = { perm = "0777", content = "ob" }\n}\n',
      },
      after: { 'terraform.tfvars': 'ob = {\n  name = "ob"\n  file = { perm = "0700", content = "ob" }\n}\n' },
      owns: ['local_file.ob'],
      plan: ['local_file.ob'],
    },
  ],
};

const EXPRESSIONS: Workspace = {
  name: 'expressions',
  cases: [
    {
      name: 'local with a template',
      covers: 'locals, templates',
      edit: '`variable "tp_a" { default = "one" }` → `"two"`; `locals { tp_content = "${var.tp_a}-x" }` is the `content`',
      before: { 'tp.tf': `${stringVariable('tp_a', '"one"')}\nlocals {\n  tp_content = "\${var.tp_a}-x"\n}\n\n${contentFile('tp', 'local.tp_content')}` },
      after: { 'tp.tf': `${stringVariable('tp_a', '"two"')}\nlocals {\n  tp_content = "\${var.tp_a}-x"\n}\n\n${contentFile('tp', 'local.tp_content')}` },
      owns: ['local_file.tp'],
      plan: ['local_file.tp'],
    },
    {
      name: 'local with a conditional',
      covers: 'locals, conditionals',
      edit: '`variable "cd_big" { default = false }` → `true`; `file_permission = local.cd_perm`, `cd_perm = var.cd_big ? "0700" : "0777"`',
      before: {
        'cd.tf': `variable "cd_big" {\n  type    = bool\n  default = false\n}\n\nlocals {\n  cd_perm = var.cd_big ? "0700" : "0777"\n}\n\n${permFile('cd', 'local.cd_perm')}`,
      },
      after: {
        'cd.tf': `variable "cd_big" {\n  type    = bool\n  default = true\n}\n\nlocals {\n  cd_perm = var.cd_big ? "0700" : "0777"\n}\n\n${permFile('cd', 'local.cd_perm')}`,
      },
      owns: ['local_file.cd'],
      plan: ['local_file.cd'],
    },
    {
      name: 'functions: format and upper',
      covers: 'locals, functions',
      edit: '`variable "fu_name" { default = "one" }` → `"two"`; `content = upper(format("%s-%03d", var.fu_name, 7))`',
      before: { 'fu.tf': `${stringVariable('fu_name', '"one"')}\n${contentFile('fu', 'upper(format("%s-%03d", var.fu_name, 7))')}` },
      after: { 'fu.tf': `${stringVariable('fu_name', '"two"')}\n${contentFile('fu', 'upper(format("%s-%03d", var.fu_name, 7))')}` },
      owns: ['local_file.fu'],
      plan: ['local_file.fu'],
    },
    {
      name: 'functions: join',
      covers: 'locals, functions',
      edit: '`variable "jn_parts" { default = ["a", "b"] }` → `["a", "c"]`; `locals { jn_content = join("-", var.jn_parts) }` is the `content`',
      before: {
        'jn.tf': `variable "jn_parts" {\n  type    = list(string)\n  default = ["a", "b"]\n}\n\nlocals {\n  jn_content = join("-", var.jn_parts)\n}\n\n${contentFile('jn', 'local.jn_content')}`,
      },
      after: {
        'jn.tf': `variable "jn_parts" {\n  type    = list(string)\n  default = ["a", "c"]\n}\n\nlocals {\n  jn_content = join("-", var.jn_parts)\n}\n\n${contentFile('jn', 'local.jn_content')}`,
      },
      owns: ['local_file.jn'],
      plan: ['local_file.jn'],
    },
    {
      name: 'functions: merge and lookup',
      covers: 'locals, functions',
      edit: '`variable "ml_overrides" { default = {} }` → `{ perm = "0700" }`; `file_permission = lookup(merge({ perm = "0777" }, var.ml_overrides), "perm", "0777")`',
      before: {
        'ml.tf': `variable "ml_overrides" {\n  type    = map(string)\n  default = {}\n}\n\nlocals {\n  ml_settings = merge({ perm = "0777" }, var.ml_overrides)\n}\n\n${permFile('ml', 'lookup(local.ml_settings, "perm", "0777")')}`,
      },
      after: {
        'ml.tf': `variable "ml_overrides" {\n  type    = map(string)\n  default = { perm = "0700" }\n}\n\nlocals {\n  ml_settings = merge({ perm = "0777" }, var.ml_overrides)\n}\n\n${permFile('ml', 'lookup(local.ml_settings, "perm", "0777")')}`,
      },
      owns: ['local_file.ml'],
      plan: ['local_file.ml'],
    },
    {
      name: 'no change: an expression moved into a local',
      covers: 'edits that change nothing',
      edit: '`content = "${var.mv_a}-moved"` → `content = local.mv_content` with `mv_content = "${var.mv_a}-moved"`',
      before: { 'mv.tf': `${stringVariable('mv_a', '"one"')}\n${contentFile('mv', '"${var.mv_a}-moved"')}` },
      after: { 'mv.tf': `${stringVariable('mv_a', '"one"')}\nlocals {\n  mv_content = "\${var.mv_a}-moved"\n}\n\n${contentFile('mv', 'local.mv_content')}` },
      owns: ['local_file.mv'],
      plan: [],
    },
    {
      name: 'no change: reformatting',
      covers: 'edits that change nothing',
      edit: 'the block re-indented, split over more lines, commented, its arguments reordered',
      before: { 'rf.tf': permFile('rf', '"0700"') },
      after: {
        'rf.tf': `# the same resource, laid out differently
resource "local_file" "rf" {
  file_permission = "0700" # unchanged


  content = "rf"
  filename    =    "${OUT}/rf.txt"
}
`,
      },
      owns: ['local_file.rf'],
      plan: [],
      literal: true,
    },
    {
      name: 'no change: an equivalent expression',
      covers: 'edits that change nothing',
      edit: '`content = "4"` → `content = "${2 * 2}"`; `file_permission = "0777"` → `format("%04o", 511)`',
      before: { 'eq.tf': `resource "local_file" "eq" {\n  filename        = "${OUT}/eq.txt"\n  content         = "4"\n  file_permission = "0777"\n}\n` },
      after: {
        'eq.tf': `resource "local_file" "eq" {\n  filename        = "${OUT}/eq.txt"\n  content         = "\${2 * 2}"\n  file_permission = format("%04o", 511)\n}\n`,
      },
      owns: ['local_file.eq'],
      plan: [],
    },
  ],
};

const INSTANCES: Workspace = {
  name: 'instances',
  cases: [
    {
      name: "for_each: one key's value changes",
      covers: 'for_each, instance addresses',
      edit: '`variable "fv_perms" { default = { x = "0777", y = "0777" } }`: `y` → `"0700"`; `for_each = var.fv_perms`, `file_permission = each.value`',
      before: { 'fv.tf': forEachPerms('fv', '{ x = "0777", y = "0777" }') },
      after: { 'fv.tf': forEachPerms('fv', '{ x = "0777", y = "0700" }') },
      owns: ['local_file.fv'],
      plan: ['local_file.fv["y"]'],
    },
    {
      name: 'for_each: a key added',
      covers: 'for_each (no replacement: a create)',
      edit: '`for_each = toset(var.fa_keys)`, `fa_keys` `["x"]` → `["x", "y"]`',
      before: { 'fa.tf': forEachKeys('fa', '["x"]') },
      after: { 'fa.tf': forEachKeys('fa', '["x", "y"]') },
      owns: ['local_file.fa'],
      plan: [],
    },
    {
      name: 'for_each: a key removed',
      covers: 'for_each (no replacement: a destroy)',
      edit: '`for_each = toset(var.fr_keys)`, `fr_keys` `["x", "y"]` → `["x"]`',
      before: { 'fr.tf': forEachKeys('fr', '["x", "y"]') },
      after: { 'fr.tf': forEachKeys('fr', '["x"]') },
      owns: ['local_file.fr'],
      plan: [],
    },
    {
      name: 'count: one element of the list changes',
      covers: 'count, count.index',
      edit: '`count = length(var.cc_names)`, `content = var.cc_names[count.index]`; `["a", "b", "c"]` → `["a", "x", "c"]`',
      before: { 'cc.tf': countedNames('cc', '["a", "b", "c"]') },
      after: { 'cc.tf': countedNames('cc', '["a", "x", "c"]') },
      owns: ['local_file.cc'],
      plan: ['local_file.cc[1]'],
    },
    {
      name: 'count: the first element removed (the rest shift)',
      covers: 'count, count.index',
      edit: '`["a", "b", "c"]` → `["b", "c"]`: `[0]` and `[1]` get new content, `[2]` is destroyed',
      before: { 'cr.tf': countedNames('cr', '["a", "b", "c"]') },
      after: { 'cr.tf': countedNames('cr', '["b", "c"]') },
      owns: ['local_file.cr'],
      plan: ['local_file.cr[0]', 'local_file.cr[1]'],
    },
    {
      name: 'for_each over a map written in the block',
      covers: 'for_each, each.value, instance addresses',
      edit: '`for_each = { x = "0777", y = "0777" }`, `file_permission = each.value`: `y` → `"0700"`',
      before: { 'lf.tf': literalForEach('{ x = "0777", y = "0777" }') },
      after: { 'lf.tf': literalForEach('{ x = "0777", y = "0700" }') },
      owns: ['local_file.lf'],
      plan: ['local_file.lf["y"]'],
    },
  ],
};

function forEachPerms(name: string, perms: string): string {
  return `variable "${name}_perms" {
  type    = map(string)
  default = ${perms}
}

resource "local_file" "${name}" {
  for_each        = var.${name}_perms
  filename        = "${OUT}/${name}-\${each.key}.txt"
  content         = each.key
  file_permission = each.value
}
`;
}

function forEachKeys(name: string, keys: string): string {
  return `variable "${name}_keys" {
  type    = list(string)
  default = ${keys}
}

resource "local_file" "${name}" {
  for_each = toset(var.${name}_keys)
  filename = "${OUT}/${name}-\${each.key}.txt"
  content  = each.key
}
`;
}

function countedNames(name: string, names: string): string {
  return `variable "${name}_names" {
  type    = list(string)
  default = ${names}
}

resource "local_file" "${name}" {
  count    = length(var.${name}_names)
  filename = "${OUT}/${name}-\${count.index}.txt"
  content  = var.${name}_names[count.index]
}
`;
}

function literalForEach(perms: string): string {
  return `resource "local_file" "lf" {
  for_each        = ${perms}
  filename        = "${OUT}/lf-\${each.key}.txt"
  content         = each.key
  file_permission = each.value
}
`;
}

const IGNORE_PERMISSION = '\n\n  lifecycle {\n    ignore_changes = [file_permission]\n  }';

const CASCADES: Workspace = {
  name: 'cascades',
  cases: [
    {
      name: 'cascade of three: local_file → null_resource → random_id',
      covers: 'cascade',
      edit: '`local_file.ca` `file_permission` `"0777"` → `"0700"`; `null_resource.cb` `triggers = { x = local_file.ca.id }`; `random_id.cc` `keepers = { x = null_resource.cb.id }`',
      before: { 'ca.tf': cascadeOfThree('"0777"') },
      after: { 'ca.tf': cascadeOfThree('"0700"') },
      owns: ['local_file.ca', 'null_resource.cb', 'random_id.cc'],
      plan: ['local_file.ca', 'null_resource.cb', 'random_id.cc'],
    },
    {
      name: 'cascade of three: terraform_data triggers_replace chain',
      covers: 'cascade',
      edit: '`terraform_data.ta` `triggers_replace` `"one"` → `"two"`; `tb` and `tc` each `triggers_replace = <previous>.id`',
      before: { 'ta.tf': terraformDataChain('"one"') },
      after: { 'ta.tf': terraformDataChain('"two"') },
      owns: ['terraform_data.ta', 'terraform_data.tb', 'terraform_data.tc'],
      plan: ['terraform_data.ta', 'terraform_data.tb', 'terraform_data.tc'],
    },
    {
      name: 'counter-case: the referenced filename survives the replacement',
      covers: 'counter-case',
      edit: '`local_file.sa` `file_permission` `"0777"` → `"0700"`; `null_resource.sb` `triggers = { x = local_file.sa.filename }` (configured: the same after)',
      before: {
        'sa.tf': `${permFile('sa', '"0777"')}\nresource "null_resource" "sb" {\n  triggers = { x = local_file.sa.filename }\n}\n`,
      },
      after: {
        'sa.tf': `${permFile('sa', '"0700"')}\nresource "null_resource" "sb" {\n  triggers = { x = local_file.sa.filename }\n}\n`,
      },
      owns: ['local_file.sa', 'null_resource.sb'],
      plan: ['local_file.sa'],
    },
    {
      name: "counter-case: terraform_data's input survives the replacement",
      covers: 'counter-case',
      edit: '`terraform_data.ia` `triggers_replace` `"one"` → `"two"`, `input = "kept"`; `terraform_data.ib` `triggers_replace = terraform_data.ia.input`',
      before: { 'ia.tf': inputSurvives('"one"') },
      after: { 'ia.tf': inputSurvives('"two"') },
      owns: ['terraform_data.ia', 'terraform_data.ib'],
      plan: ['terraform_data.ia'],
    },
    {
      name: 'replace_triggered_by a resource updated in place',
      covers: 'replace_triggered_by',
      edit: '`terraform_data.ru` `input` `"one"` → `"two"` (an update); `terraform_data.rd` has `replace_triggered_by = [terraform_data.ru]`',
      before: { 'ru.tf': triggeredByUpdate('"one"') },
      after: { 'ru.tf': triggeredByUpdate('"two"') },
      owns: ['terraform_data.ru', 'terraform_data.rd'],
      plan: ['terraform_data.rd'],
    },
    {
      name: 'replace_triggered_by a replaced resource',
      covers: 'replace_triggered_by, cascade',
      edit: '`local_file.rs` `file_permission` `"0777"` → `"0700"`; `terraform_data.rt` has `replace_triggered_by = [local_file.rs]`',
      before: { 'rs.tf': `${permFile('rs', '"0777"')}\n${triggeredBy('rt', 'local_file.rs')}` },
      after: { 'rs.tf': `${permFile('rs', '"0700"')}\n${triggeredBy('rt', 'local_file.rs')}` },
      owns: ['local_file.rs', 'terraform_data.rt'],
      plan: ['local_file.rs', 'terraform_data.rt'],
    },
    {
      name: 'ignore_changes on a force-new argument',
      covers: 'ignore_changes',
      edit: '`local_file.ig` `file_permission` `"0777"` → `"0700"`, with `lifecycle { ignore_changes = [file_permission] }`',
      before: { 'ig.tf': permFile('ig', '"0777"', IGNORE_PERMISSION) },
      after: { 'ig.tf': permFile('ig', '"0700"', IGNORE_PERMISSION) },
      owns: ['local_file.ig'],
      plan: [],
      literal: true,
    },
  ],
};

function cascadeOfThree(perm: string): string {
  return `${permFile('ca', perm)}
resource "null_resource" "cb" {
  triggers = { x = local_file.ca.id }
}

resource "random_id" "cc" {
  byte_length = 4
  keepers     = { x = null_resource.cb.id }
}
`;
}

function terraformDataChain(first: string): string {
  return `resource "terraform_data" "ta" {
  triggers_replace = ${first}
}

resource "terraform_data" "tb" {
  triggers_replace = terraform_data.ta.id
}

resource "terraform_data" "tc" {
  triggers_replace = terraform_data.tb.id
}
`;
}

function inputSurvives(trigger: string): string {
  return `resource "terraform_data" "ia" {
  triggers_replace = ${trigger}
  input            = "kept"
}

resource "terraform_data" "ib" {
  triggers_replace = terraform_data.ia.input
}
`;
}

function triggeredBy(name: string, target: string): string {
  return `resource "terraform_data" "${name}" {
  input = "${name}"

  lifecycle {
    replace_triggered_by = [${target}]
  }
}
`;
}

function triggeredByUpdate(input: string): string {
  return `resource "terraform_data" "ru" {
  input = ${input}
}

${triggeredBy('rd', 'terraform_data.ru')}`;
}

/** Edits of a literal in the resource's own block: the ground the analyzer covered before value flow, so the harness is seen to agree there. */
const LITERALS: Workspace = {
  name: 'literals',
  cases: [
    {
      name: 'literal: local_file file_permission',
      covers: 'literal (harness check)',
      edit: '`file_permission = "0777"` → `"0700"`',
      before: { 'lp.tf': permFile('lp', '"0777"') },
      after: { 'lp.tf': permFile('lp', '"0700"') },
      owns: ['local_file.lp'],
      plan: ['local_file.lp'],
      literal: true,
    },
    {
      name: 'literal: random_id byte_length',
      covers: 'literal (harness check)',
      edit: '`byte_length = 4` → `5`',
      before: { 'lr.tf': 'resource "random_id" "lr" {\n  byte_length = 4\n}\n' },
      after: { 'lr.tf': 'resource "random_id" "lr" {\n  byte_length = 5\n}\n' },
      owns: ['random_id.lr'],
      plan: ['random_id.lr'],
      literal: true,
    },
    {
      name: 'literal: terraform_data triggers_replace',
      covers: 'literal (harness check)',
      edit: '`triggers_replace = "one"` → `"two"`',
      before: { 'lt.tf': 'resource "terraform_data" "lt" {\n  triggers_replace = "one"\n}\n' },
      after: { 'lt.tf': 'resource "terraform_data" "lt" {\n  triggers_replace = "two"\n}\n' },
      owns: ['terraform_data.lt'],
      plan: ['terraform_data.lt'],
      literal: true,
    },
  ],
};

// ---------------------------------------------------------------------------------------------------
// Harder cases: the shapes real configurations have
// ---------------------------------------------------------------------------------------------------

/** A `local_file` whose `file_permission` is `var.<name>_perm`, with that variable declared by `variable` (its whole block). */
function permFromVariable(name: string, variable: string): string {
  return `${variable}\n${permFile(name, `var.${name}_perm`)}`;
}

const TYPED: Workspace = {
  name: 'typed-variables',
  cases: [
    {
      name: 'optional() attribute set in tfvars, over its default',
      covers: 'object-typed variables, optional() defaults, tfvars',
      edit: '`type = object({ name = string, perm = optional(string, "0777") })`; terraform.tfvars `op = { name = "op" }` → `{ name = "op", perm = "0700" }`',
      before: { 'op.tf': optionalPerm('op'), 'terraform.tfvars': 'op = { name = "op" }\n' },
      after: { 'terraform.tfvars': 'op = { name = "op", perm = "0700" }\n' },
      owns: ['local_file.op'],
      plan: ['local_file.op'],
    },
    {
      name: 'no change: optional() attribute spelled out as its default',
      covers: 'object-typed variables, optional() defaults (no change)',
      edit: 'terraform.tfvars `on = { name = "on" }` → `{ name = "on", perm = "0777" }` (the `optional()` default)',
      before: { 'on.tf': optionalPerm('on'), 'terraform.tfvars': 'on = { name = "on" }\n' },
      after: { 'terraform.tfvars': 'on = { name = "on", perm = "0777" }\n' },
      owns: ['local_file.on'],
      plan: [],
    },
    {
      name: 'map(object) for_each: each.value.perm of one key',
      covers: 'for_each over map(object), optional() defaults, tfvars',
      edit: 'terraform.tfvars `mo = { a = { perm = "0777" }, b = { perm = "0777", content = "b" } }`: `b.perm` → `"0700"`, and `a.content = "mo"` spelled out (its `optional()` default)',
      before: {
        'mo.tf': `variable "mo" {
  type = map(object({
    perm    = string
    content = optional(string, "mo")
  }))
}

resource "local_file" "mo" {
  for_each        = var.mo
  filename        = "${OUT}/mo-\${each.key}.txt"
  content         = each.value.content
  file_permission = each.value.perm
}
`,
        'terraform.tfvars': 'mo = {\n  a = { perm = "0777" }\n  b = { perm = "0777", content = "b" }\n}\n',
      },
      after: { 'terraform.tfvars': 'mo = {\n  a = { perm = "0777", content = "mo" }\n  b = { perm = "0700", content = "b" }\n}\n' },
      owns: ['local_file.mo'],
      plan: ['local_file.mo["b"]'],
    },
    {
      name: 'for_each over a filtered for expression',
      covers: 'for_each, locals, for expressions',
      edit: '`for_each = local.fe_enabled`, `{ for k, v in var.fe : k => v if v.enabled }`: the perm of `b` (disabled) and of `c` (enabled) → `"0700"`',
      before: { 'fe.tf': filteredForEach('"0777"', '"0777"') },
      after: { 'fe.tf': filteredForEach('"0700"', '"0700"') },
      owns: ['local_file.fe'],
      plan: ['local_file.fe["c"]'],
    },
    {
      name: 'count = var.on ? 1 : 0, the instance edited',
      covers: 'count, conditionals',
      edit: '`count = var.ce_on ? 1 : 0` (`true`), `file_permission = var.ce_perm`: default `"0777"` → `"0700"`',
      before: { 'ce.tf': conditionalCount('ce', 'true', '"0777"') },
      after: { 'ce.tf': conditionalCount('ce', 'true', '"0700"') },
      owns: ['local_file.ce'],
      plan: ['local_file.ce[0]'],
    },
    {
      name: 'count = var.on ? 1 : 0 turned off (a destroy)',
      covers: 'count (no replacement: a destroy)',
      edit: '`variable "cf_on"` default `true` → `false`, and `cf_perm` `"0777"` → `"0700"` with it',
      before: { 'cf.tf': conditionalCount('cf', 'true', '"0777"') },
      after: { 'cf.tf': conditionalCount('cf', 'false', '"0700"') },
      owns: ['local_file.cf'],
      plan: [],
    },
    {
      name: 'count: an element inserted in the middle (the rest shift)',
      covers: 'count, count.index',
      edit: '`count = length(var.ci_names)`: `["a", "b", "c"]` → `["a", "x", "b", "c"]`: `[1]`, `[2]` get new content, `[3]` is created',
      before: { 'ci.tf': countedNames('ci', '["a", "b", "c"]') },
      after: { 'ci.tf': countedNames('ci', '["a", "x", "b", "c"]') },
      owns: ['local_file.ci'],
      plan: ['local_file.ci[1]', 'local_file.ci[2]'],
    },
    {
      name: 'for_each = toset(list): an element renamed',
      covers: 'for_each (no replacement: a destroy and a create)',
      edit: '`for_each = toset(var.ts_keys)`: `["a", "b"]` → `["a", "c"]`',
      before: { 'ts.tf': forEachKeys('ts', '["a", "b"]') },
      after: { 'ts.tf': forEachKeys('ts', '["a", "c"]') },
      owns: ['local_file.ts'],
      plan: [],
    },
    {
      name: 'nullable = false: null in tfvars takes the default',
      covers: 'variables: nullable, tfvars',
      edit: '`variable "nn_perm" { default = "0777", nullable = false }`; terraform.tfvars `nn_perm = "0700"` → `null`',
      before: {
        'nn.tf': permFromVariable('nn', 'variable "nn_perm" {\n  type     = string\n  default  = "0777"\n  nullable = false\n}\n'),
        'terraform.tfvars': 'nn_perm = "0700"\n',
      },
      after: { 'terraform.tfvars': 'nn_perm = null\n' },
      owns: ['local_file.nn'],
      plan: ['local_file.nn'],
    },
    {
      name: "nullable: null in tfvars is null, and the provider's default is the old value",
      covers: 'variables: null, provider defaults (no change)',
      edit: '`variable "nl_perm" { default = "0700" }`; terraform.tfvars `nl_perm = "0777"` → `null` (`file_permission` defaults to `"0777"`)',
      before: { 'nl.tf': permFromVariable('nl', stringVariable('nl_perm', '"0700"')), 'terraform.tfvars': 'nl_perm = "0777"\n' },
      after: { 'terraform.tfvars': 'nl_perm = null\n' },
      owns: ['local_file.nl'],
      plan: [],
    },
    {
      name: 'a variable with a validation block',
      covers: 'variables: validation, defaults',
      edit: '`variable "vd_perm"` (validated by `can(regex(...))`) default `"0777"` → `"0700"`',
      before: { 'vd.tf': permFromVariable('vd', validatedVariable('"0777"')) },
      after: { 'vd.tf': permFromVariable('vd', validatedVariable('"0700"')) },
      owns: ['local_file.vd'],
      plan: ['local_file.vd'],
    },
    {
      name: 'a sensitive variable',
      covers: 'variables: sensitive',
      edit: '`variable "se_content" { sensitive = true, default = "one" }` → `"two"`; `content = var.se_content`',
      before: { 'se.tf': `variable "se_content" {\n  type      = string\n  default   = "one"\n  sensitive = true\n}\n\n${contentFile('se', 'var.se_content')}` },
      after: { 'se.tf': `variable "se_content" {\n  type      = string\n  default   = "two"\n  sensitive = true\n}\n\n${contentFile('se', 'var.se_content')}` },
      owns: ['local_file.se'],
      plan: ['local_file.se'],
    },
    {
      name: 'no change: a tfvars line that repeated the default, removed',
      covers: 'tfvars, variable defaults (no change)',
      edit: '`variable "bd_perm" { default = "0777" }`; terraform.tfvars `bd_perm = "0777"` removed',
      before: { 'bd.tf': permFromVariable('bd', stringVariable('bd_perm', '"0777"')), 'terraform.tfvars': 'bd_perm = "0777"\n' },
      after: { 'terraform.tfvars': '' },
      owns: ['local_file.bd'],
      plan: [],
    },
    {
      name: 'terraform.tfvars.json edit',
      covers: 'tfvars (JSON)',
      edit: 'terraform.tfvars.json `{ "js_perm": "0777" }` → `"0700"`',
      before: { 'js.tf': permFromVariable('js', stringVariable('js_perm')), 'terraform.tfvars.json': '{\n  "js_perm": "0777"\n}\n' },
      after: { 'terraform.tfvars.json': '{\n  "js_perm": "0700"\n}\n' },
      owns: ['local_file.js'],
      plan: ['local_file.js'],
    },
  ],
};

function optionalPerm(name: string): string {
  return `variable "${name}" {
  type = object({
    name = string
    perm = optional(string, "0777")
  })
}

resource "local_file" "${name}" {
  filename        = "${OUT}/\${var.${name}.name}.txt"
  content         = var.${name}.name
  file_permission = var.${name}.perm
}
`;
}

function filteredForEach(disabledPerm: string, enabledPerm: string): string {
  return `variable "fe" {
  type = map(object({ enabled = bool, perm = string }))
  default = {
    a = { enabled = true, perm = "0777" }
    b = { enabled = false, perm = ${disabledPerm} }
    c = { enabled = true, perm = ${enabledPerm} }
  }
}

locals {
  fe_enabled = { for k, v in var.fe : k => v if v.enabled }
}

resource "local_file" "fe" {
  for_each        = local.fe_enabled
  filename        = "${OUT}/fe-\${each.key}.txt"
  content         = each.key
  file_permission = each.value.perm
}
`;
}

function conditionalCount(name: string, on: string, perm: string): string {
  return `variable "${name}_on" {
  type    = bool
  default = ${on}
}

${stringVariable(`${name}_perm`, perm)}
resource "local_file" "${name}" {
  count           = var.${name}_on ? 1 : 0
  filename        = "${OUT}/${name}.txt"
  content         = "${name}"
  file_permission = var.${name}_perm
}
`;
}

function validatedVariable(defaultValue: string): string {
  return `variable "vd_perm" {
  type    = string
  default = ${defaultValue}

  validation {
    condition     = can(regex("^0[0-7]{3}$", var.vd_perm))
    error_message = "An octal file mode."
  }
}
`;
}

/** A `-var-file`: the plan and our check both read `env/prod.tfvars`, after terraform.tfvars. */
const VAR_FILE: Workspace = {
  name: 'var-file',
  varFiles: ['env/prod.tfvars'],
  cases: [
    {
      name: '-var-file edit, over terraform.tfvars',
      covers: '-var-file',
      edit: 'terraform.tfvars `vf_perm = "0777"`; `-var-file=env/prod.tfvars` `vf_perm = "0755"` → `"0700"`',
      before: { 'vf.tf': permFromVariable('vf', stringVariable('vf_perm')), 'terraform.tfvars': 'vf_perm = "0777"\n', 'env/prod.tfvars': 'vf_perm = "0755"\n' },
      after: { 'env/prod.tfvars': 'vf_perm = "0700"\n' },
      owns: ['local_file.vf'],
      plan: ['local_file.vf'],
    },
    {
      name: 'terraform.tfvars edit that the -var-file overrides',
      covers: '-var-file (no change)',
      edit: 'terraform.tfvars `vo_perm = "0777"` → `"0700"`; `-var-file=env/prod.tfvars` keeps `vo_perm = "0755"`',
      before: { 'vo.tf': permFromVariable('vo', stringVariable('vo_perm')), 'terraform.tfvars': 'vo_perm = "0777"\n', 'env/prod.tfvars': 'vo_perm = "0755"\n' },
      after: { 'terraform.tfvars': 'vo_perm = "0700"\n' },
      owns: ['local_file.vo'],
      plan: [],
    },
  ],
};

const FUNCTIONS: Workspace = {
  name: 'functions',
  cases: [
    {
      name: 'functions: cidrsubnet',
      covers: 'functions',
      edit: '`content = cidrsubnet(var.cs_cidr, 8, 2)`: `"10.0.0.0/16"` → `"10.1.0.0/16"`',
      before: { 'cs.tf': `${stringVariable('cs_cidr', '"10.0.0.0/16"')}\n${contentFile('cs', 'cidrsubnet(var.cs_cidr, 8, 2)')}` },
      after: { 'cs.tf': `${stringVariable('cs_cidr', '"10.1.0.0/16"')}\n${contentFile('cs', 'cidrsubnet(var.cs_cidr, 8, 2)')}` },
      owns: ['local_file.cs'],
      plan: ['local_file.cs'],
    },
    {
      name: 'no change: jsonencode of a map with its keys reordered',
      covers: 'functions: jsonencode (no change)',
      edit: '`content = jsonencode(var.jm)`: default `{ b = "1", a = "2" }` → `{ a = "2", b = "1" }`',
      before: { 'jm.tf': `variable "jm" {\n  type    = map(string)\n  default = { b = "1", a = "2" }\n}\n\n${contentFile('jm', 'jsonencode(var.jm)')}` },
      after: { 'jm.tf': `variable "jm" {\n  type    = map(string)\n  default = { a = "2", b = "1" }\n}\n\n${contentFile('jm', 'jsonencode(var.jm)')}` },
      owns: ['local_file.jm'],
      plan: [],
    },
    {
      name: 'functions: jsondecode in a local',
      covers: 'locals, functions: jsondecode',
      edit: '`file_permission = local.jd.perm`, `jd = jsondecode(var.jd_json)`: `{"perm":"0777"}` → `{ "perm" : "0700" }`',
      before: { 'jd.tf': jsonDecoded('{\\"perm\\":\\"0777\\"}') },
      after: { 'jd.tf': jsonDecoded('{ \\"perm\\" : \\"0700\\" }') },
      owns: ['local_file.jd'],
      plan: ['local_file.jd'],
    },
    {
      name: 'no change: replace() with a regex maps both values alike',
      covers: 'functions: replace with a regex (no change)',
      edit: '`content = replace(var.rx_name, "/[^a-z]+/", "-")`: `"a.b"` → `"a__b"`',
      before: { 'rx.tf': `${stringVariable('rx_name', '"a.b"')}\n${contentFile('rx', 'replace(var.rx_name, "/[^a-z]+/", "-")')}` },
      after: { 'rx.tf': `${stringVariable('rx_name', '"a__b"')}\n${contentFile('rx', 'replace(var.rx_name, "/[^a-z]+/", "-")')}` },
      owns: ['local_file.rx'],
      plan: [],
    },
    {
      name: 'functions: coalesce over a null default',
      covers: 'functions: coalesce, null',
      edit: '`file_permission = coalesce(var.co_perm, "0777")`: default `null` → `"0700"`',
      before: { 'co.tf': `${stringVariable('co_perm', 'null')}\n${permFile('co', 'coalesce(var.co_perm, "0777")')}` },
      after: { 'co.tf': `${stringVariable('co_perm', '"0700"')}\n${permFile('co', 'coalesce(var.co_perm, "0777")')}` },
      owns: ['local_file.co'],
      plan: ['local_file.co'],
    },
    {
      name: 'no change: try() falls back to what the map now says',
      covers: 'functions: try (no change)',
      edit: '`file_permission = try(var.tr_cfg.perm, "0777")`: default `{}` → `{ perm = "0777" }`',
      before: { 'tr.tf': `variable "tr_cfg" {\n  type    = map(string)\n  default = {}\n}\n\n${permFile('tr', 'try(var.tr_cfg.perm, "0777")')}` },
      after: { 'tr.tf': `variable "tr_cfg" {\n  type    = map(string)\n  default = { perm = "0777" }\n}\n\n${permFile('tr', 'try(var.tr_cfg.perm, "0777")')}` },
      owns: ['local_file.tr'],
      plan: [],
    },
    {
      name: "functions: lookup's default no longer used",
      covers: 'functions: lookup with a default',
      edit: '`file_permission = lookup(var.lk, "perm", "0700")`: default `{}` → `{ perm = "0777" }`',
      before: { 'lk.tf': `variable "lk" {\n  type    = map(string)\n  default = {}\n}\n\n${permFile('lk', 'lookup(var.lk, "perm", "0700")')}` },
      after: { 'lk.tf': `variable "lk" {\n  type    = map(string)\n  default = { perm = "0777" }\n}\n\n${permFile('lk', 'lookup(var.lk, "perm", "0700")')}` },
      owns: ['local_file.lk'],
      plan: ['local_file.lk'],
    },
    {
      name: 'templatefile: the template file in the module edited',
      covers: 'functions: templatefile, module files',
      edit: 'modules/tpl `content = templatefile("${path.module}/body.tftpl", { name = var.name })`; body.tftpl `hello ${name}` → `hi ${name}`',
      before: {
        'tf.tf': 'module "tf" {\n  source = "./modules/tpl"\n  name   = "tf"\n}\n',
        'modules/tpl/main.tf': `variable "name" {\n  type = string\n}\n\n${contentFile('tpl', 'templatefile("${path.module}/body.tftpl", { name = var.name })')}`,
        'modules/tpl/body.tftpl': 'hello ${name}\n',
      },
      after: { 'modules/tpl/body.tftpl': 'hi ${name}\n' },
      owns: ['module.tf'],
      plan: ['module.tf.local_file.tpl'],
    },
    {
      name: 'file(): a file in the module edited',
      covers: 'functions: file, module files',
      edit: 'modules/filed `content = file("${path.module}/data.txt")`; data.txt `one` → `two`',
      before: {
        'fi.tf': 'module "fi" {\n  source = "./modules/filed"\n}\n',
        'modules/filed/main.tf': contentFile('filed', 'file("${path.module}/data.txt")'),
        'modules/filed/data.txt': 'one\n',
      },
      after: { 'modules/filed/data.txt': 'two\n' },
      owns: ['module.fi'],
      plan: ['module.fi.local_file.filed'],
    },
    {
      name: 'sha1(file()) in null_resource triggers',
      covers: 'functions: sha1, file',
      edit: '`null_resource.sh` `triggers = { h = sha1(file("${path.module}/sh-data.txt")) }`; sh-data.txt `one` → `two`',
      before: { 'sh.tf': 'resource "null_resource" "sh" {\n  triggers = { h = sha1(file("${path.module}/sh-data.txt")) }\n}\n', 'sh-data.txt': 'one\n' },
      after: { 'sh-data.txt': 'two\n' },
      owns: ['null_resource.sh'],
      plan: ['null_resource.sh'],
    },
    {
      name: 'md5(base64encode()) in null_resource triggers',
      covers: 'functions: md5, base64encode',
      edit: '`triggers = { h = md5(base64encode(var.b6)) }`: default `"one"` → `"two"`',
      before: { 'b6.tf': `${stringVariable('b6', '"one"')}\nresource "null_resource" "b6" {\n  triggers = { h = md5(base64encode(var.b6)) }\n}\n` },
      after: { 'b6.tf': `${stringVariable('b6', '"two"')}\nresource "null_resource" "b6" {\n  triggers = { h = md5(base64encode(var.b6)) }\n}\n` },
      owns: ['null_resource.b6'],
      plan: ['null_resource.b6'],
    },
    {
      name: 'for_each = zipmap(keys, perms): one perm',
      covers: 'for_each, functions: zipmap',
      edit: '`for_each = zipmap(var.zm_keys, var.zm_perms)`: `zm_perms` `["0777", "0777", "0777"]` → `["0777", "0700", "0777"]`',
      before: { 'zm.tf': zipmapForEach('["0777", "0777", "0777"]') },
      after: { 'zm.tf': zipmapForEach('["0777", "0700", "0777"]') },
      owns: ['local_file.zm'],
      plan: ['local_file.zm["b"]'],
    },
    {
      name: 'for_each over a flatten()ed nested for',
      covers: 'for_each, locals, functions: flatten, nested for',
      edit: '`fl = { for p in flatten([for g, ns in var.fl_groups : [for n in ns : { key = "${g}-${n}", perm = var.fl_perms[g] }]]) : p.key => p }`: `fl_perms.web` `"0777"` → `"0700"`',
      before: { 'fl.tf': flattenedForEach('"0777"') },
      after: { 'fl.tf': flattenedForEach('"0700"') },
      owns: ['local_file.fl'],
      plan: ['local_file.fl["web-a"]', 'local_file.fl["web-b"]'],
    },
    {
      name: 'no change: split, sort, join',
      covers: 'functions: split, sort, join (no change)',
      edit: '`content = join(",", sort(split(",", var.sj)))`: `"b,a"` → `"a,b"`',
      before: { 'sj.tf': `${stringVariable('sj', '"b,a"')}\n${contentFile('sj', 'join(",", sort(split(",", var.sj)))')}` },
      after: { 'sj.tf': `${stringVariable('sj', '"a,b"')}\n${contentFile('sj', 'join(",", sort(split(",", var.sj)))')}` },
      owns: ['local_file.sj'],
      plan: [],
    },
    {
      name: 'format("%03d") over count.index',
      covers: 'count, functions: format',
      edit: '`count = 2`, `content = format("%03d", var.fm_base + count.index)`: `fm_base` `1` → `2`',
      before: { 'fm.tf': formattedCount('1') },
      after: { 'fm.tf': formattedCount('2') },
      owns: ['local_file.fm'],
      plan: ['local_file.fm[0]', 'local_file.fm[1]'],
    },
    {
      name: 'no change: tostring(5), a heredoc, a map literal reordered',
      covers: 'edits that change nothing',
      edit: '`content = "5"` → `tostring(5)`; `content = "a\\nb\\n"` → a `<<-EOT` heredoc; `for_each = { x = "0777", y = "0700" }` → `{ y = "0700", x = "0777" }`',
      before: { 'nc.tf': noChangeForms(false) },
      after: { 'nc.tf': noChangeForms(true) },
      owns: ['local_file.nc_num', 'local_file.nc_heredoc', 'local_file.nc_map'],
      plan: [],
    },
  ],
};

function jsonDecoded(json: string): string {
  return `${stringVariable('jd_json', `"${json}"`)}
locals {
  jd = jsondecode(var.jd_json)
}

${permFile('jd', 'local.jd.perm')}`;
}

function zipmapForEach(perms: string): string {
  return `variable "zm_keys" {
  type    = list(string)
  default = ["a", "b", "c"]
}

variable "zm_perms" {
  type    = list(string)
  default = ${perms}
}

resource "local_file" "zm" {
  for_each        = zipmap(var.zm_keys, var.zm_perms)
  filename        = "${OUT}/zm-\${each.key}.txt"
  content         = each.key
  file_permission = each.value
}
`;
}

function flattenedForEach(webPerm: string): string {
  return `variable "fl_groups" {
  type    = map(list(string))
  default = { web = ["a", "b"], db = ["c"] }
}

variable "fl_perms" {
  type    = map(string)
  default = { web = ${webPerm}, db = "0777" }
}

locals {
  fl = {
    for p in flatten([
      for g, ns in var.fl_groups : [
        for n in ns : { key = "\${g}-\${n}", perm = var.fl_perms[g] }
      ]
    ]) : p.key => p
  }
}

resource "local_file" "fl" {
  for_each        = local.fl
  filename        = "${OUT}/fl-\${each.key}.txt"
  content         = each.key
  file_permission = each.value.perm
}
`;
}

function formattedCount(base: string): string {
  return `variable "fm_base" {
  type    = number
  default = ${base}
}

resource "local_file" "fm" {
  count    = 2
  filename = "${OUT}/\${format("fm-%03d", count.index)}.txt"
  content  = format("%03d", var.fm_base + count.index)
}
`;
}

function noChangeForms(rewritten: boolean): string {
  const heredoc = rewritten ? '<<-EOT\n    a\n    b\n  EOT' : '"a\\nb\\n"';
  const map = rewritten ? '{ y = "0700", x = "0777" }' : '{ x = "0777", y = "0700" }';
  return `${contentFile('nc_num', rewritten ? 'tostring(5)' : '"5"')}
${contentFile('nc_heredoc', heredoc)}
resource "local_file" "nc_map" {
  for_each        = ${map}
  filename        = "${OUT}/nc-map-\${each.key}.txt"
  content         = each.key
  file_permission = each.value
}
`;
}

const MORE_CASCADES: Workspace = {
  name: 'cascades-more',
  shared: { 'modules/perm_file/main.tf': PERM_FILE_MODULE, 'modules/content_file/main.tf': CONTENT_FILE_MODULE },
  cases: [
    {
      name: 'cascade: tls_private_key → tls_self_signed_cert → local_file',
      covers: 'cascade of three',
      edit: '`tls_private_key.tl` `ecdsa_curve` `"P256"` → `"P384"`; the cert\'s `private_key_pem` is its `private_key_pem`; `local_file.tl` `content` is the `cert_pem`',
      before: { 'tl.tf': tlsChain('"P256"') },
      after: { 'tl.tf': tlsChain('"P384"') },
      owns: ['tls_private_key.tl', 'tls_self_signed_cert.tl', 'local_file.tl'],
      plan: ['local_file.tl', 'tls_private_key.tl', 'tls_self_signed_cert.tl'],
    },
    {
      name: "counter-case: tls_private_key's configured algorithm survives",
      covers: 'counter-case',
      edit: '`tls_private_key.tk` `ecdsa_curve` `"P256"` → `"P384"`; `local_file.tk` `content = tls_private_key.tk.algorithm`',
      before: {
        'tk.tf': `resource "tls_private_key" "tk" {\n  algorithm   = "ECDSA"\n  ecdsa_curve = "P256"\n}\n\n${contentFile('tk', 'tls_private_key.tk.algorithm')}`,
      },
      after: { 'tk.tf': `resource "tls_private_key" "tk" {\n  algorithm   = "ECDSA"\n  ecdsa_curve = "P384"\n}\n\n${contentFile('tk', 'tls_private_key.tk.algorithm')}` },
      owns: ['tls_private_key.tk', 'local_file.tk'],
      plan: ['tls_private_key.tk'],
    },
    {
      name: 'cascade: random_string keepers → random_password keepers',
      covers: 'cascade',
      edit: '`random_string.rs` `keepers = { v = var.rs_v }`: default `"one"` → `"two"`; `random_password.rs` `keepers = { s = random_string.rs.result }`',
      before: { 'rs.tf': randomKeepers('"one"') },
      after: { 'rs.tf': randomKeepers('"two"') },
      owns: ['random_string.rs', 'random_password.rs'],
      plan: ['random_password.rs', 'random_string.rs'],
    },
    {
      name: 'cascade: time_static triggers → local_file content',
      covers: 'cascade',
      edit: '`time_static.tm` `triggers = { v = var.tm_v }`: `"one"` → `"two"`; `local_file.tm` `content = time_static.tm.rfc3339`',
      before: {
        'tm.tf': `${stringVariable('tm_v', '"one"')}\nresource "time_static" "tm" {\n  triggers = { v = var.tm_v }\n}\n\n${contentFile('tm', 'time_static.tm.rfc3339')}`,
      },
      after: {
        'tm.tf': `${stringVariable('tm_v', '"two"')}\nresource "time_static" "tm" {\n  triggers = { v = var.tm_v }\n}\n\n${contentFile('tm', 'time_static.tm.rfc3339')}`,
      },
      owns: ['time_static.tm', 'local_file.tm'],
      plan: ['local_file.tm', 'time_static.tm'],
    },
    {
      name: 'cascade through a splat: one counted random_id into join(",", x[*].id)',
      covers: 'cascade, count, splat',
      edit: '`random_id.sx` `count = 2`, `keepers = { k = var.sx_keys[count.index] }`: `["a", "b"]` → `["a", "c"]`; `null_resource.sx` `triggers = { ids = join(",", random_id.sx[*].id) }`',
      before: { 'sx.tf': splatCascade('["a", "b"]') },
      after: { 'sx.tf': splatCascade('["a", "c"]') },
      owns: ['random_id.sx', 'null_resource.sx'],
      plan: ['null_resource.sx', 'random_id.sx[1]'],
    },
    {
      name: 'terraform_data: triggers_replace = [x.id] replaces, input = x.id updates',
      covers: 'cascade, counter-case (input is an update)',
      edit: '`local_file.td` `file_permission` `"0777"` → `"0700"`; `terraform_data.td_in` `input = local_file.td.id`; `terraform_data.td_tr` `triggers_replace = [local_file.td.id]`',
      before: { 'td.tf': dataInputAndTriggers('"0777"') },
      after: { 'td.tf': dataInputAndTriggers('"0700"') },
      owns: ['local_file.td', 'terraform_data.td_in', 'terraform_data.td_tr'],
      plan: ['local_file.td', 'terraform_data.td_tr'],
    },
    {
      name: "cascade through an update: terraform_data's output unknown again",
      covers: 'cascade (an in-place update whose output is new)',
      edit: '`local_file.up` replaced (`file_permission`); `terraform_data.up` `input = local_file.up.id` (an update); `null_resource.up` `triggers = { o = terraform_data.up.output }`',
      before: { 'up.tf': cascadeThroughUpdate('"0777"') },
      after: { 'up.tf': cascadeThroughUpdate('"0700"') },
      owns: ['local_file.up', 'terraform_data.up', 'null_resource.up'],
      plan: ['local_file.up', 'null_resource.up'],
    },
    {
      name: "no change: terraform_data's output, unchanged, in null_resource triggers",
      covers: 'counter-case (a dynamic-typed attribute read from the state)',
      edit: '`terraform_data.ou` `input = "kept"` gains a comment; `null_resource.ou` `triggers = { o = terraform_data.ou.output }`',
      before: { 'ou.tf': outputIntoTriggers('') },
      after: { 'ou.tf': outputIntoTriggers('  # the same input\n') },
      owns: ['terraform_data.ou', 'null_resource.ou'],
      plan: [],
    },
    {
      name: 'module output into a for_each module',
      covers: 'module outputs, module for_each, cascade',
      edit: '`module "mf_src" { perm = "0777" }` → `"0700"`; `module "mf_use" { for_each = toset(["a", "b"]), content = module.mf_src.id }`',
      before: { 'mf.tf': moduleIntoForEach('"0777"') },
      after: { 'mf.tf': moduleIntoForEach('"0700"') },
      owns: ['module.mf_src', 'module.mf_use'],
      plan: ['module.mf_src.local_file.f', 'module.mf_use["a"].local_file.f', 'module.mf_use["b"].local_file.f'],
    },
    {
      name: 'cascade through a local',
      covers: 'cascade, locals',
      edit: '`local_file.lc` `file_permission` `"0777"` → `"0700"`; `locals { lc_id = local_file.lc.id }`; `null_resource.lc` `triggers = { id = local.lc_id }`',
      before: {
        'lc.tf': `${permFile('lc', '"0777"')}\nlocals {\n  lc_id = local_file.lc.id\n}\n\nresource "null_resource" "lc" {\n  triggers = { id = local.lc_id }\n}\n`,
      },
      after: {
        'lc.tf': `${permFile('lc', '"0700"')}\nlocals {\n  lc_id = local_file.lc.id\n}\n\nresource "null_resource" "lc" {\n  triggers = { id = local.lc_id }\n}\n`,
      },
      owns: ['local_file.lc', 'null_resource.lc'],
      plan: ['local_file.lc', 'null_resource.lc'],
    },
    {
      name: 'counter-case: depends_on only',
      covers: 'counter-case (depends_on does not cascade)',
      edit: '`local_file.dp` `file_permission` `"0777"` → `"0700"`; `null_resource.dp` `depends_on = [local_file.dp]`, `triggers = { x = "fixed" }`',
      before: { 'dp.tf': `${permFile('dp', '"0777"')}\nresource "null_resource" "dp" {\n  triggers   = { x = "fixed" }\n  depends_on = [local_file.dp]\n}\n` },
      after: { 'dp.tf': `${permFile('dp', '"0700"')}\nresource "null_resource" "dp" {\n  triggers   = { x = "fixed" }\n  depends_on = [local_file.dp]\n}\n` },
      owns: ['local_file.dp', 'null_resource.dp'],
      plan: ['local_file.dp'],
    },
    {
      name: 'counter-case: replace_triggered_by an attribute that does not change',
      covers: 'replace_triggered_by (attribute), counter-case',
      edit: '`local_file.ra` replaced (`file_permission`); `terraform_data.ra` `replace_triggered_by = [local_file.ra.filename]` (configured: the same)',
      before: { 'ra.tf': `${permFile('ra', '"0777"')}\n${triggeredBy('ra', 'local_file.ra.filename')}` },
      after: { 'ra.tf': `${permFile('ra', '"0700"')}\n${triggeredBy('ra', 'local_file.ra.filename')}` },
      owns: ['local_file.ra', 'terraform_data.ra'],
      plan: ['local_file.ra'],
    },
    {
      name: 'replace_triggered_by an attribute that becomes unknown',
      covers: 'replace_triggered_by (attribute)',
      edit: '`local_file.rb` replaced (`file_permission`); `terraform_data.rb` `replace_triggered_by = [local_file.rb.id]`',
      before: { 'rb.tf': `${permFile('rb', '"0777"')}\n${triggeredBy('rb', 'local_file.rb.id')}` },
      after: { 'rb.tf': `${permFile('rb', '"0700"')}\n${triggeredBy('rb', 'local_file.rb.id')}` },
      owns: ['local_file.rb', 'terraform_data.rb'],
      plan: ['local_file.rb', 'terraform_data.rb'],
    },
    {
      name: 'create_before_destroy, and the cascade from it',
      covers: 'lifecycle: create_before_destroy, cascade',
      edit: '`random_id.cb` (`create_before_destroy = true`) `byte_length` `4` → `5`; `null_resource.cb` `triggers = { x = random_id.cb.hex }`',
      before: { 'cb.tf': createBeforeDestroy('4') },
      after: { 'cb.tf': createBeforeDestroy('5') },
      owns: ['random_id.cb', 'null_resource.cb'],
      plan: ['null_resource.cb', 'random_id.cb'],
    },
    {
      name: 'ignore_changes = all on the edited resource',
      covers: 'lifecycle: ignore_changes = all',
      edit: '`local_file.ia` `file_permission` `"0777"` → `"0700"`, with `lifecycle { ignore_changes = all }`',
      before: { 'ia.tf': permFile('ia', '"0777"', '\n\n  lifecycle {\n    ignore_changes = all\n  }') },
      after: { 'ia.tf': permFile('ia', '"0700"', '\n\n  lifecycle {\n    ignore_changes = all\n  }') },
      owns: ['local_file.ia'],
      plan: [],
      literal: true,
    },
    {
      name: 'ignore_changes = all stops a cascade',
      covers: 'lifecycle: ignore_changes = all, cascade, counter-case',
      edit: '`local_file.ic` replaced (`file_permission`); `null_resource.ic` `triggers = { x = local_file.ic.id }` with `lifecycle { ignore_changes = all }`',
      before: {
        'ic.tf': `${permFile('ic', '"0777"')}\nresource "null_resource" "ic" {\n  triggers = { x = local_file.ic.id }\n\n  lifecycle {\n    ignore_changes = all\n  }\n}\n`,
      },
      after: {
        'ic.tf': `${permFile('ic', '"0700"')}\nresource "null_resource" "ic" {\n  triggers = { x = local_file.ic.id }\n\n  lifecycle {\n    ignore_changes = all\n  }\n}\n`,
      },
      owns: ['local_file.ic', 'null_resource.ic'],
      plan: ['local_file.ic'],
    },
  ],
};

function tlsChain(curve: string): string {
  return `resource "tls_private_key" "tl" {
  algorithm   = "ECDSA"
  ecdsa_curve = ${curve}
}

resource "tls_self_signed_cert" "tl" {
  private_key_pem       = tls_private_key.tl.private_key_pem
  validity_period_hours = 24
  allowed_uses          = ["digital_signature"]

  subject {
    common_name = "tl.example"
  }
}

${contentFile('tl', 'tls_self_signed_cert.tl.cert_pem')}`;
}

function randomKeepers(value: string): string {
  return `${stringVariable('rs_v', value)}
resource "random_string" "rs" {
  length  = 8
  special = false
  keepers = { v = var.rs_v }
}

resource "random_password" "rs" {
  length  = 12
  keepers = { s = random_string.rs.result }
}
`;
}

function splatCascade(keys: string): string {
  return `variable "sx_keys" {
  type    = list(string)
  default = ${keys}
}

resource "random_id" "sx" {
  count       = 2
  byte_length = 4
  keepers     = { k = var.sx_keys[count.index] }
}

resource "null_resource" "sx" {
  triggers = { ids = join(",", random_id.sx[*].id) }
}
`;
}

function dataInputAndTriggers(perm: string): string {
  return `${permFile('td', perm)}
resource "terraform_data" "td_in" {
  input = local_file.td.id
}

resource "terraform_data" "td_tr" {
  triggers_replace = [local_file.td.id]
}
`;
}

function cascadeThroughUpdate(perm: string): string {
  return `${permFile('up', perm)}
resource "terraform_data" "up" {
  input = local_file.up.id
}

resource "null_resource" "up" {
  triggers = { o = terraform_data.up.output }
}
`;
}

function outputIntoTriggers(comment: string): string {
  return `resource "terraform_data" "ou" {
${comment}  input = "kept"
}

resource "null_resource" "ou" {
  triggers = { o = terraform_data.ou.output }
}
`;
}

function moduleIntoForEach(perm: string): string {
  return `module "mf_src" {
  source = "./modules/perm_file"
  name   = "mf-src"
  perm   = ${perm}
}

module "mf_use" {
  for_each = toset(["a", "b"])
  source   = "./modules/content_file"
  name     = "mf-\${each.key}"
  content  = module.mf_src.id
}
`;
}

function createBeforeDestroy(byteLength: string): string {
  return `resource "random_id" "cb" {
  byte_length = ${byteLength}

  lifecycle {
    create_before_destroy = true
  }
}

resource "null_resource" "cb" {
  triggers = { x = random_id.cb.hex }
}
`;
}

const WORKSPACES: Workspace[] = [MODULES, VARIABLES, EXPRESSIONS, INSTANCES, CASCADES, LITERALS, TYPED, VAR_FILE, FUNCTIONS, MORE_CASCADES];

// ---------------------------------------------------------------------------------------------------
// Workspaces: files, ownership
// ---------------------------------------------------------------------------------------------------

/** The workspace's files before (`before`) or after the edit: each case's parts, joined by path in case order. */
function workspaceFiles(workspace: Workspace, which: 'before' | 'after'): Files {
  const parts = new Map<string, string[]>();
  for (const c of workspace.cases) {
    for (const [file, content] of Object.entries(c.before)) {
      const own = which === 'after' && c.after[file] !== undefined ? c.after[file] : content;
      parts.set(file, [...(parts.get(file) ?? []), own]);
    }
    for (const file of Object.keys(c.after)) {
      if (c.before[file] === undefined) throw new Error(`case "${c.name}": the edit writes ${file}, which its before does not have`);
    }
  }
  const files: Files = { ...(workspace.shared ?? {}) };
  for (const [file, contents] of parts) {
    if (files[file] !== undefined) throw new Error(`workspace ${workspace.name}: ${file} is both shared and a case's`);
    files[file] = contents.join('\n');
  }
  return files;
}

/** Whether `address` is `stem`, an instance of it (`stem[…]`) or an address inside it (`stem.…`, a module's resources). */
function ownedBy(address: string, stem: string): boolean {
  return address === stem || address.startsWith(`${stem}[`) || address.startsWith(`${stem}.`);
}

function owner(workspace: Workspace, address: string): ValueFlowCase | undefined {
  return workspace.cases.find((c) => c.owns.some((stem) => ownedBy(address, stem)));
}

// ---------------------------------------------------------------------------------------------------
// The plan's answer and ours
// ---------------------------------------------------------------------------------------------------

/** The plan's replaced instances: `delete` and `create` in either order. */
function planReplacements(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((r) => {
      const actions = r.change.actions.join(',');
      return actions === 'delete,create' || actions === 'create,delete';
    })
    .map((r) => r.address);
}

/** The parts of a `check --format json` finding the comparison reads; `cascade` and `replacement` may be absent. */
interface JsonFinding {
  code: string;
  message?: string;
  address?: string;
  replacement?: 'certain' | 'possible';
  cascade?: Array<string | { address?: string }>;
}

const CERTAIN_CODES = new Set(['terraform/forces-replacement', 'terraform/cascade-replacement', 'terraform/replace-triggered-by']);

/**
 * How certain a replacement finding is: its `replacement` field; without one, what its code means
 * (forcing and cascading are certain by definition, "may force" is possible, and a
 * `replace_triggered_by` finding that does not say is taken as possible — the cautious reading).
 */
function certainty(finding: JsonFinding): 'certain' | 'possible' | undefined {
  if (finding.code === 'terraform/may-force-replacement') return 'possible';
  if (!CERTAIN_CODES.has(finding.code)) return undefined;
  if (finding.replacement) return finding.replacement;
  return finding.code === 'terraform/replace-triggered-by' ? 'possible' : 'certain';
}

interface OurAnswer {
  certain: Set<string>;
  possible: Set<string>;
  /** Findings saying the module could not be analysed. */
  failures: string[];
}

function cascadeAddresses(finding: JsonFinding): string[] {
  return (finding.cascade ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.address)).filter((a): a is string => typeof a === 'string');
}

function ourAnswer(findings: JsonFinding[]): OurAnswer {
  const certain = new Set<string>();
  const possible = new Set<string>();
  const failures: string[] = [];
  for (const f of findings) {
    if (f.code === 'terraform/analysis-failed' || f.code === 'terraform/syntax-error') failures.push(`${f.code}: ${f.message ?? ''}`);
    const how = certainty(f);
    if (!how) continue;
    const into = how === 'certain' ? certain : possible;
    if (f.address) into.add(f.address);
    for (const address of cascadeAddresses(f)) into.add(address);
  }
  for (const address of certain) possible.delete(address);
  return { certain, possible, failures };
}

async function check(dir: string, baseline: 'state' | 'git', varFiles: string[] = []): Promise<OurAnswer> {
  const run = await runCli(['check', '.', '--baseline', baseline, '--format', 'json', ...varFiles.flatMap((file) => ['--var-file', file])], dir);
  let parsed: { findings?: JsonFinding[] };
  try {
    parsed = JSON.parse(run.stdout) as { findings?: JsonFinding[] };
  } catch {
    throw new Error(`check --baseline ${baseline} (exit ${run.code}) printed no JSON:\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(0, 2000)}`);
  }
  return ourAnswer(parsed.findings ?? []);
}

// ---------------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------------

type Verdict = 'agree' | 'possible' | 'reason' | 'DISAGREE';

interface BaselineOutcome {
  certain: string[];
  possible: string[];
  verdict: Verdict;
  problems: string[];
}

interface Row {
  workspace: string;
  c?: ValueFlowCase;
  /** The row of a workspace's findings or plan replacements no case owns, or of a run that failed. */
  label?: string;
  plan: string[];
  /** The plan does not do what the case expects of it: the case exercises something else. */
  caseProblem?: string;
  state: BaselineOutcome;
  git: BaselineOutcome;
}

const sorted = (items: Iterable<string>): string[] => [...items].sort();

function compareBaseline(c: ValueFlowCase, plan: string[], answer: OurAnswer): BaselineOutcome {
  const owns = (a: string) => c.owns.some((stem) => ownedBy(a, stem));
  const certain = sorted([...answer.certain].filter(owns));
  const possible = sorted([...answer.possible].filter(owns));
  const planned = new Set(plan);
  const problems: string[] = [];
  const missing = plan.filter((a) => !answer.certain.has(a) && !answer.possible.has(a));
  const onlyPossible = plan.filter((a) => answer.possible.has(a));
  const extraCertain = certain.filter((a) => !planned.has(a));
  const extraPossible = possible.filter((a) => !planned.has(a));
  if (missing.length) problems.push(`the plan replaces ${missing.join(', ')}; we say nothing of it`);
  if (extraCertain.length) problems.push(`we say ${extraCertain.join(', ')} is replaced; the plan does not replace it`);
  if (extraPossible.length) problems.push(`we say ${extraPossible.join(', ')} may be replaced; the plan does not replace it`);
  if (onlyPossible.length && !c.possibleWhy) problems.push(`the plan replaces ${onlyPossible.join(', ')}; we only say it may be`);
  const verdict: Verdict = problems.length ? (c.reason ? 'reason' : 'DISAGREE') : onlyPossible.length ? 'possible' : 'agree';
  return { certain, possible, verdict, problems };
}

function setsEqual(a: string[], b: string[]): boolean {
  return a.length === b.length && sorted(a).every((x, i) => x === sorted(b)[i]);
}

const failed = (problem: string): BaselineOutcome => ({ certain: [], possible: [], verdict: 'DISAGREE', problems: [problem] });

/** The rows of one workspace: apply `before`, write the edit, plan; then our answer against the state, and against git. */
async function runWorkspace(workspace: Workspace, tool: IacTool): Promise<Row[]> {
  const dir = tempDir(`ii-${tool.cli}-value-flow-${workspace.name}-`);
  writeFiles(dir, { ...workspaceFiles(workspace, 'before'), '.gitignore': '.terraform/\n*.tfstate\n*.tfstate.*\ntfplan\nout/\n' });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'before');
  const tofu = toolModule(dir, tool);
  const varFileArgs = (workspace.varFiles ?? []).map((file) => `-var-file=${file}`);
  await tofu.init();
  if (varFileArgs.length) await tofu.run(['apply', '-auto-approve', '-input=false', '-no-color', ...varFileArgs]);
  else await tofu.apply();
  writeFiles(dir, workspaceFiles(workspace, 'after'));
  if (varFileArgs.length) await tofu.run(['plan', '-input=false', '-no-color', '-out=tfplan', ...varFileArgs]);
  const plan = planReplacements(varFileArgs.length ? await tofu.showJson() : await tofu.planJson());

  const state = await check(dir, 'state', workspace.varFiles);
  // the git baseline alone: no state in the folder to fall back on
  const stateAside = tempDir('ii-value-flow-state-');
  for (const file of ['terraform.tfstate', 'terraform.tfstate.backup']) {
    if (existsSync(path.join(dir, file))) renameSync(path.join(dir, file), path.join(stateAside, file));
  }
  const gitAnswer = await check(dir, 'git', workspace.varFiles);

  const rows: Row[] = workspace.cases.map((c) => {
    const owned = sorted(plan.filter((a) => c.owns.some((stem) => ownedBy(a, stem))));
    const caseProblem = setsEqual(owned, c.plan)
      ? undefined
      : `the plan replaces [${owned.join(', ')}], the case expects [${sorted(c.plan).join(', ')}]: it exercises something else than it says`;
    return { workspace: workspace.name, c, plan: owned, caseProblem, state: compareBaseline(c, owned, state), git: compareBaseline(c, owned, gitAnswer) };
  });

  // replacements no case owns, in the plan or in our answer, and modules we could not analyse
  const stray = (answer: OurAnswer): BaselineOutcome => {
    const addresses = sorted([...answer.certain, ...answer.possible].filter((a) => !owner(workspace, a)));
    const problems = [
      ...(addresses.length ? [`replacement findings outside the cases: ${addresses.join(', ')}`] : []),
      ...answer.failures.map((f) => `not analysed: ${f}`),
    ];
    return { certain: addresses, possible: [], verdict: problems.length ? 'DISAGREE' : 'agree', problems };
  };
  const strayPlan = plan.filter((a) => !owner(workspace, a));
  const strayState = stray(state);
  const strayGit = stray(gitAnswer);
  if (strayPlan.length || strayState.problems.length || strayGit.problems.length) {
    rows.push({
      workspace: workspace.name,
      label: '(outside the cases)',
      plan: strayPlan,
      caseProblem: strayPlan.length ? `the plan replaces instances no case owns: ${strayPlan.join(', ')}` : undefined,
      state: strayState,
      git: strayGit,
    });
  }
  return rows;
}

/** A workspace that could not be run: each of its cases a failed row, saying why. */
function failedWorkspaceRows(workspace: Workspace, error: unknown): Row[] {
  const why = `the workspace could not be run: ${(error as Error).message.split('\n')[0]}`;
  return workspace.cases.map((c) => ({ workspace: workspace.name, c, plan: [], state: failed(why), git: failed(why) }));
}

function rowProblems(row: Row): string[] {
  const name = row.c?.name ?? `${row.workspace} ${row.label}`;
  const problems: string[] = [];
  if (row.caseProblem) problems.push(`${name}: ${row.caseProblem}`);
  for (const baseline of ['state', 'git'] as const) {
    if (row[baseline].verdict === 'DISAGREE') problems.push(...row[baseline].problems.map((p) => `${name} (${baseline} baseline): ${p}`));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------

function cell(text: string): string {
  return (text || '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function addresses(list: string[]): string {
  return list.length ? list.map((a) => `\`${a}\``).join(', ') : '—';
}

function verdictCell(outcome: BaselineOutcome): string {
  return outcome.verdict === 'agree' ? 'yes' : outcome.verdict === 'DISAGREE' ? '**NO**' : outcome.verdict;
}

function renderTable(rows: Row[]): string {
  const caseRows = rows.filter((r) => r.c);
  const count = (list: Row[], baseline: 'state' | 'git', verdict: Verdict) => list.filter((r) => !r.caseProblem && r[baseline].verdict === verdict).length;
  const literal = caseRows.filter((r) => r.c!.literal);
  const summary = (label: string, list: Row[]) =>
    `- ${label}: ${list.length} rows — state baseline: ${count(list, 'state', 'agree')} agree, ${count(list, 'state', 'possible')} "possible", ` +
    `${count(list, 'state', 'reason')} with a reason, ${count(list, 'state', 'DISAGREE')} disagree; git baseline: ${count(list, 'git', 'agree')} agree, ` +
    `${count(list, 'git', 'possible')} "possible", ${count(list, 'git', 'reason')} with a reason, ${count(list, 'git', 'DISAGREE')} disagree`;
  const lines = [
    '# Value flow and the replacement cascade vs. a real OpenTofu plan',
    '',
    'Generated by `test/e2e-tofu/valueFlowAgreement.test.ts` (regenerate: `UPDATE_VALUE_FLOW_TABLE=1 node scripts/run-tests.mjs e2e-tofu`).',
    'Each row: a small workspace (root module, `modules/`, tfvars files) committed to git and applied, then edited and',
    'planned with `plan -out` + `show -json`. "plan replaces": its `delete`/`create` pairs (either order) among the',
    'case\'s instances. "certain" / "possible": what `immutable-infra check --format json` says, with the state the apply wrote',
    '(`--baseline state`) and with the `before` commit (`--baseline git`, the state moved out of the folder). A row agrees',
    'when the certain set is the plan\'s set; "possible" means the plan replaces what we only call possible, accepted where',
    'the case says why.',
    '',
    summary('all cases', caseRows),
    summary('of them literal edits in the resource\'s own block ("literal")', literal),
    ...(caseRows.some((r) => r.caseProblem) ? [`- cases whose plan is not what they expect: ${caseRows.filter((r) => r.caseProblem).length}`] : []),
    ...(rows.some((r) => !r.c) ? [`- rows outside the cases (stray findings or plan replacements, modules not analysed): ${rows.filter((r) => !r.c).length}`] : []),
    '',
    '| workspace | case | covers | edit | plan replaces | state: certain | state: possible | state | git: certain | git: possible | git | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const name = r.c ? `${r.c.name}${r.c.literal ? ' (literal)' : ''}` : r.label!;
    const notes = [
      ...(r.caseProblem ? [`CASE: ${r.caseProblem}`] : []),
      ...(r.state.problems.length ? [`state: ${r.state.problems.join('; ')}`] : []),
      ...(r.git.problems.length ? [`git: ${r.git.problems.join('; ')}`] : []),
      ...(r.c?.possibleWhy && (r.state.verdict === 'possible' || r.git.verdict === 'possible') ? [`possible: ${r.c.possibleWhy}`] : []),
      ...(r.c?.reason && (r.state.verdict === 'reason' || r.git.verdict === 'reason') ? [`reason: ${r.c.reason}`] : []),
    ];
    lines.push(
      `| ${[
        r.workspace,
        name,
        r.c?.covers ?? '—',
        r.c?.edit ?? '—',
        addresses(r.plan),
        addresses(r.state.certain),
        addresses(r.state.possible),
        r.caseProblem ? '**CASE**' : verdictCell(r.state),
        addresses(r.git.certain),
        addresses(r.git.possible),
        r.caseProblem ? '**CASE**' : verdictCell(r.git),
        notes.join(' — '),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------

/** Every workspace run by `tool`, two at a time; a workspace that fails gives failed rows, saying why. */
function runAll(tool: IacTool): Map<string, Promise<Row[]>> {
  const limit = limiter(CONCURRENCY);
  const outcomes = new Map<string, Promise<Row[]>>();
  for (const workspace of WORKSPACES) {
    outcomes.set(
      workspace.name,
      limit(() => runWorkspace(workspace, tool)).catch((error: unknown) => failedWorkspaceRows(workspace, error)),
    );
  }
  return outcomes;
}

function assertCliBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${path.relative(repoRoot, CLI)} is missing: run \`npm run build\` first`);
}

reportToolsUnderTest(__filename);

describe('our answer, read from check --format json', () => {
  test('certain and possible by code and `replacement`; `cascade` entries as strings or objects', () => {
    const answer = ourAnswer([
      { code: 'terraform/forces-replacement', address: 'local_file.a', cascade: ['null_resource.b', { address: 'random_id.c' }] },
      { code: 'terraform/cascade-replacement', address: 'module.m["x"].local_file.f[0]', replacement: 'certain' },
      { code: 'terraform/replace-triggered-by', address: 'terraform_data.t', replacement: 'certain' },
      { code: 'terraform/replace-triggered-by', address: 'terraform_data.u' },
      { code: 'terraform/may-force-replacement', address: 'local_file.p', cascade: [{ address: 'local_file.q' }, {}] },
      { code: 'terraform/may-force-replacement', address: 'local_file.a' },
      { code: 'terraform/stateful-replacement', address: 'local_file.s', replacement: 'certain' },
      { code: 'terraform/analysis-failed', message: 'boom' },
    ]);
    assert.deepEqual(sorted(answer.certain), ['local_file.a', 'module.m["x"].local_file.f[0]', 'null_resource.b', 'random_id.c', 'terraform_data.t']);
    assert.deepEqual(sorted(answer.possible), ['local_file.p', 'local_file.q', 'terraform_data.u']);
    assert.deepEqual(answer.failures, ['terraform/analysis-failed: boom']);
  });

  test('a plan replacement we only call possible is "possible" where the case says why, else a disagreement', () => {
    const c: ValueFlowCase = { name: 'c', covers: '', edit: '', before: {}, after: {}, owns: ['local_file.a', 'module.m'], plan: ['local_file.a'] };
    const answer = { certain: new Set<string>(), possible: new Set(['local_file.a']), failures: [] };
    assert.equal(compareBaseline(c, ['local_file.a'], answer).verdict, 'DISAGREE');
    assert.equal(compareBaseline({ ...c, possibleWhy: 'known after apply' }, ['local_file.a'], answer).verdict, 'possible');
    const extra = { certain: new Set(['local_file.a', 'module.m.local_file.f', 'local_file.other']), possible: new Set<string>(), failures: [] };
    const outcome = compareBaseline(c, ['local_file.a'], extra);
    assert.equal(outcome.verdict, 'DISAGREE');
    assert.deepEqual(outcome.certain, ['local_file.a', 'module.m.local_file.f']); // local_file.other is no business of this case
    assert.equal(compareBaseline({ ...c, reason: 'why' }, ['local_file.a'], extra).verdict, 'reason');
  });
});

describe(`${toolLabel(OPENTOFU)} value flow and the cascade agree with a real OpenTofu plan`, () => {
  let outcomes = new Map<string, Promise<Row[]>>();
  let started = 0;

  before(() => {
    if (toolReadinessError(OPENTOFU) || !existsSync(CLI)) return; // every test below fails saying why
    started = Date.now();
    outcomes = runAll(OPENTOFU);
  });
  after(cleanupTempDirs);

  for (const workspace of WORKSPACES) {
    for (const c of workspace.cases) {
      test(`${workspace.name}: ${c.name}`, async () => {
        assertToolReady(OPENTOFU);
        assertCliBuilt();
        const rows = await outcomes.get(workspace.name)!;
        assert.deepEqual(rowProblems(rows.find((r) => r.c === c)!), []);
      });
    }
  }

  test('the value-flow agreement table', async () => {
    assertToolReady(OPENTOFU);
    assertCliBuilt();
    const rows = (await Promise.all(WORKSPACES.map((w) => outcomes.get(w.name)!))).flat();
    const table = renderTable(rows);
    console.log(`\n${table}`);
    console.log(`value-flow agreement (${toolLabel(OPENTOFU)}): ${((Date.now() - started) / 1000).toFixed(1)} s for ${WORKSPACES.length} workspaces`);
    const problems = rows.flatMap(rowProblems);
    if (UPDATE) writeFileSync(TABLE_FILE, table);
    else if (!existsSync(TABLE_FILE) || readFileSync(TABLE_FILE, 'utf8') !== table) {
      problems.push(`${path.relative(repoRoot, TABLE_FILE)} is out of date: regenerate it with UPDATE_VALUE_FLOW_TABLE=1 node scripts/run-tests.mjs e2e-tofu`);
    }
    assert.equal(problems.length, 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
  });
});

/**
 * Every workspace planned with Terraform too, where the machine has it: the providers are the same
 * builds and our answer does not depend on the tool, so its rows must render the committed table exactly.
 */
if (TERRAFORM) {
  const terraform = TERRAFORM;
  describe(`${toolLabel(terraform)} value flow and the cascade agree with a real Terraform plan`, () => {
    let outcomes = new Map<string, Promise<Row[]>>();

    before(() => {
      if (toolReadinessError(terraform) || !existsSync(CLI)) return; // every test below fails saying why
      outcomes = runAll(terraform);
    });
    after(cleanupTempDirs);

    for (const workspace of WORKSPACES) {
      for (const c of workspace.cases) {
        test(`${toolLabel(terraform)} ${workspace.name}: ${c.name}`, async () => {
          assertToolReady(terraform);
          assertCliBuilt();
          const rows = await outcomes.get(workspace.name)!;
          assert.deepEqual(rowProblems(rows.find((r) => r.c === c)!), []);
        });
      }
    }

    test(`${toolLabel(terraform)} its rows make the committed value-flow table, row for row`, async () => {
      assertToolReady(terraform);
      assertCliBuilt();
      const rows = (await Promise.all(WORKSPACES.map((w) => outcomes.get(w.name)!))).flat();
      assert.equal(renderTable(rows), readFileSync(TABLE_FILE, 'utf8'));
    });
  });
}
