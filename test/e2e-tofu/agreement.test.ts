/**
 * The knowledge base against a real OpenTofu. For every attribute the knowledge base marks as forcing
 * replacement (`forceNewPaths`) of `terraform_data` and of every resource type of every provider that
 * setup-tools builds (hashicorp local, null, random, time and tls: the providers come from the
 * knowledge base's files, the built ones from `.tools/versions.json`, so a provider added to either
 * without cases here fails) — and for a sample of the configurable attributes it marks `never` — a module is
 * applied for real with a first value, edited to a second value, and planned; tofu's `actions` /
 * `replace_paths` are compared with what the analyzer says about the edit (baseline: the state tofu
 * wrote). One module per resource type, one resource instance per edit, so one apply and one plan
 * cover a whole type; modules run two at a time in their own temp folders.
 *
 * Where the machine has HashiCorp Terraform, every case is planned with it too, and its rows must render
 * the same table (the providers are the same builds).
 *
 * The result is the agreement table, printed and compared with the committed
 * `test/e2e-tofu/agreement-table.md` (regenerate: `UPDATE_AGREEMENT_TABLE=1 node scripts/run-tests.mjs e2e-tofu`).
 * The test fails listing every disagreement. Two kinds of difference are explained instead, each by the
 * case itself and counted apart from agreement:
 * - "version": the built provider's version differs from the knowledge base's and that alone explains it
 *   (VERSION_EXPLAINED, read in both versions' source);
 * - "note" / "gap": an edge edit whose behaviour the knowledge base records in the attribute's `note`
 *   (which the case checks) because no rule or `default` of the format can express it, while the
 *   analyzer applies rules and flags only ("note": it warns, tofu does not replace; "gap": tofu replaces,
 *   it says nothing).
 * Beyond the ordinary edit of each attribute, edge edits exercise what the knowledge base's defaults and
 * notes claim: removals (defaults, optional+computed), null map values, a type change, a rename.
 *
 * Every planned row is also analysed with the module's own provider binaries asked (the plugin
 * protocol client, as `check --ask-providers` does): that column admits no explanation — "note", "gap"
 * and conditional rows included, it must say "forces" exactly where tofu replaces, and nothing where it
 * does not. `terraform_data` has no binary (it is built into the tools): its rows keep the analyzer's verdict.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import type { ProviderKnowledge } from '../../core/src/terraform/knowledgeBase/format';
import { defaultKnowledgeBaseDir, ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { readProviderLockFile } from '../../core/src/terraform/providerLockFile';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { ProviderAsker } from '../../core/src/providerPlugin/providerAsker';
import { DEFAULT_POOL_OPTIONS, ProviderPool } from '../../core/src/providerPlugin/providerPool';
import { limiter } from '../support/limiter';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import {
  assertToolReady,
  assertTofuProvisioned,
  OPENTOFU,
  repoRoot,
  Tofu,
  toolLabel,
  toolModule,
  toolReadinessError,
  toolVersions,
  tofuProvisioningError,
  type IacTool,
  type PlanJson,
} from '../support/tofu';
import { reportToolsUnderTest, TERRAFORM } from '../support/toolsUnderTest';

const TABLE_FILE = path.join(repoRoot, 'test', 'e2e-tofu', 'agreement-table.md');
const UPDATE = process.env.UPDATE_AGREEMENT_TABLE === '1';
const CONCURRENCY = 2; // modules planned at once (the machines have 2 cores)

// ---------------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------------

/** An HCL expression; `FIXTURE(name)` stands for a value made by the tls fixture module (a PEM). */
type Hcl = string;

interface EditCase {
  /** The attribute under test, dotted (`subject.common_name`; `subject` for the block itself). */
  path: string;
  /** Distinguishes several cases of one attribute (becomes part of the instance name). */
  variant?: string;
  /** The argument the edit sets, when it is not `path` itself (a block is added through one of its arguments). */
  argument?: string;
  /** Value before and after the edit; undefined = argument absent. */
  first: Hcl | undefined;
  second: Hcl | undefined;
  /** Arguments of this instance that differ from the type's base (undefined removes a base argument). */
  with?: Record<string, Hcl | undefined>;
  /** For `conditional` rules: whether this edit meets the condition (so tofu must replace), and why. */
  conditionMet?: boolean;
  why?: string;
  /** Why tofu rightly plans no change at all for this edit (else a no-op means the case exercises nothing). */
  noChange?: string;
  /** Arguments that differ from the base in the second configuration only (a rename: one argument goes, another comes). */
  secondWith?: Record<string, Hcl | undefined>;
  /**
   * The edit is an exception the knowledge base records, as FORMAT.md prescribes, in the attribute's `note`
   * (which must match `pattern`) because no rule or `default` can express it; `tofu` says what the plan
   * does. Where the analyzer, which reports the rule, says otherwise, the table shows "note" (it warns,
   * tofu does not replace) or "gap" (tofu replaces, it says nothing) instead of a disagreement.
   */
  exceptionInNote?: { pattern: RegExp; tofu: 'replaces' | 'does not replace' };
  /** An edge edit (removal, default, null map value, type change) rather than the attribute's ordinary change. */
  edge?: boolean;
}

/** Edits of the edge cases the knowledge base's notes and defaults describe (removals, null map values, types). */
function edge(path: string, variant: string, first: Hcl | undefined, second: Hcl | undefined, more: Partial<EditCase> = {}): EditCase {
  return { path, variant, first, second, edge: true, ...more };
}

interface TypeSpec {
  type: string;
  /** Arguments every instance has (its required arguments), by instance name. */
  base: (name: string) => Record<string, Hcl | undefined>;
  cases: EditCase[];
  files?: Record<string, string>;
}

const NULL_ENTRIES_NOTE = { pattern: /Null-valued map entries are ignored/, tofu: 'does not replace' } as const;
const KEEPERS: [Hcl, Hcl] = ['{ rotation = "1" }', '{ rotation = "2" }'];
const RFC3339_A = '"2024-01-01T00:00:00Z"';
const RFC3339_B = '"2024-01-02T00:00:00Z"';

function randomStringCases(): EditCase[] {
  return [
    { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
    { path: 'length', first: '16', second: '20' },
    { path: 'special', first: 'true', second: 'false' },
    { path: 'upper', first: 'true', second: 'false' },
    { path: 'lower', first: 'true', second: 'false' },
    { path: 'number', first: 'true', second: 'false' },
    { path: 'numeric', first: 'true', second: 'false' },
    { path: 'min_numeric', first: '0', second: '1' },
    { path: 'min_upper', first: '0', second: '1' },
    { path: 'min_lower', first: '0', second: '1' },
    { path: 'min_special', first: '0', second: '1' },
    { path: 'override_special', first: '"!@"', second: '"#%"' },
  ];
}

function randomStringEdges(): EditCase[] {
  return [
    edge('special', 'removed', 'false', undefined), // plans the default true
    // no schema Default: NumberNumericAttributePlanModifier plans true when neither is configured …
    edge('number', 'removed', 'false', undefined, { exceptionInNote: { pattern: /When neither is configured both plan true/, tofu: 'replaces' } }),
    edge('numeric', 'removed', 'false', undefined, { exceptionInNote: { pattern: /When neither is configured both plan true/, tofu: 'replaces' } }),
    // … and the configured one's value when only the other is configured
    edge('number', 'removed_numeric_kept', 'false', undefined, {
      with: { numeric: 'false' },
      exceptionInNote: { pattern: /removing one of the two, changes nothing/, tofu: 'does not replace' },
    }),
    edge('number', 'renamed_to_numeric', 'false', undefined, {
      secondWith: { numeric: 'false' },
      exceptionInNote: { pattern: /renaming `number = false` to `numeric = false`/, tofu: 'does not replace' },
    }),
    edge('override_special', 'empty_removed', '""', undefined, { exceptionInNote: { pattern: /except removing an empty string/, tofu: 'does not replace' } }),
    edge('keepers', 'null_value_added', KEEPERS[0], '{ rotation = "1", other = null }', { exceptionInNote: NULL_ENTRIES_NOTE }),
  ];
}

function localFileCases(withSensitiveContent: boolean): EditCase[] {
  const noContent = { content: undefined };
  return [
    { path: 'filename', first: '"files/filename-1.txt"', second: '"files/filename-2.txt"' },
    { path: 'content', first: '"one"', second: '"two"' },
    { path: 'content_base64', first: '"b25l"', second: '"dHdv"', with: noContent },
    { path: 'source', first: '"src-one.txt"', second: '"src-two.txt"', with: noContent },
    { path: 'file_permission', first: '"0777"', second: '"0700"' },
    { path: 'directory_permission', first: '"0777"', second: '"0755"' },
    ...(withSensitiveContent ? [{ path: 'sensitive_content', first: '"one"', second: '"two"', with: noContent }] : []),
  ];
}

const SUBJECT_FIELDS: Array<[string, Hcl, Hcl]> = [
  ['organization', '"Org One"', '"Org Two"'],
  ['common_name', '"one.example"', '"two.example"'],
  ['organizational_unit', '"Unit One"', '"Unit Two"'],
  ['street_address', '["1 One Street"]', '["2 Two Street"]'],
  ['locality', '"Onetown"', '"Twotown"'],
  ['province', '"One"', '"Two"'],
  ['country', '"NL"', '"BE"'],
  ['postal_code', '"1000"', '"2000"'],
  ['serial_number', '"1"', '"2"'],
  ['email_address', '"one@example.com"', '"two@example.com"'],
];

function subjectCases(): EditCase[] {
  return [
    // the block itself: absent, then added (through one of its arguments)
    { path: 'subject', variant: 'added', argument: 'subject.common_name', first: undefined, second: '"added.example"' },
    ...SUBJECT_FIELDS.map(([field, first, second]) => ({ path: `subject.${field}`, first, second })),
  ];
}

/** The cases both certificate resources share; a self-signed CA certificate needs a subject of its own. */
const certCommonCases = (caSubject: Record<string, Hcl>): EditCase[] => [
  { path: 'validity_period_hours', first: '100', second: '200' },
  { path: 'allowed_uses', first: '["digital_signature"]', second: '["key_encipherment"]' },
  { path: 'is_ca_certificate', first: 'false', second: 'true' },
  { path: 'max_path_length', first: '1', second: '2', with: { is_ca_certificate: 'true', ...caSubject } },
  { path: 'set_subject_key_id', first: 'false', second: 'true' },
  {
    path: 'early_renewal_hours',
    variant: 'not_due',
    first: '1',
    second: '2',
    conditionMet: false,
    why: 'validity 100 h: now is before validity_end_time - 2 h, not ready for renewal',
  },
  {
    path: 'early_renewal_hours',
    variant: 'due',
    first: '1',
    second: '200',
    conditionMet: true,
    why: 'validity 100 h: now is past validity_end_time - 200 h, ready for renewal',
  },
];

const SPECS: TypeSpec[] = [
  // tls first: the longest pipeline (a fixture module, then three modules)
  {
    type: 'tls_self_signed_cert',
    base: () => ({ private_key_pem: 'FIXTURE(k1_pem)', validity_period_hours: '100', allowed_uses: '["digital_signature"]' }),
    cases: [
      { path: 'private_key_pem', first: 'FIXTURE(k1_pem)', second: 'FIXTURE(k2_pem)' },
      ...certCommonCases({ 'subject.common_name': '"ca.example"' }),
      { path: 'dns_names', first: '["one.example"]', second: '["two.example"]' },
      { path: 'ip_addresses', first: '["10.0.0.1"]', second: '["10.0.0.2"]' },
      { path: 'uris', first: '["https://one.example"]', second: '["https://two.example"]' },
      { path: 'set_authority_key_id', first: 'false', second: 'true' },
      ...subjectCases(),
    ],
  },
  {
    type: 'tls_locally_signed_cert',
    base: () => ({
      cert_request_pem: 'FIXTURE(csr1_pem)',
      ca_private_key_pem: 'FIXTURE(ca_key_pem)',
      ca_cert_pem: 'FIXTURE(ca1_cert_pem)',
      validity_period_hours: '100',
      allowed_uses: '["digital_signature"]',
    }),
    cases: [
      { path: 'cert_request_pem', first: 'FIXTURE(csr1_pem)', second: 'FIXTURE(csr2_pem)' },
      // the same CA key written as SEC1 and as PKCS#8: the text changes, the key does not
      { path: 'ca_private_key_pem', first: 'FIXTURE(ca_key_pem)', second: 'FIXTURE(ca_key_pkcs8_pem)' },
      // a second certificate of the same CA key
      { path: 'ca_cert_pem', first: 'FIXTURE(ca1_cert_pem)', second: 'FIXTURE(ca2_cert_pem)' },
      ...certCommonCases({}),
    ],
  },
  {
    type: 'tls_cert_request',
    base: () => ({ private_key_pem: 'FIXTURE(k1_pem)' }),
    cases: [
      { path: 'private_key_pem', first: 'FIXTURE(k1_pem)', second: 'FIXTURE(k2_pem)' },
      { path: 'dns_names', first: '["one.example"]', second: '["two.example"]' },
      { path: 'ip_addresses', first: '["10.0.0.1"]', second: '["10.0.0.2"]' },
      { path: 'uris', first: '["https://one.example"]', second: '["https://two.example"]' },
      ...subjectCases(),
    ],
  },
  {
    type: 'tls_private_key',
    base: () => ({ algorithm: '"ECDSA"', ecdsa_curve: '"P256"' }),
    cases: [
      { path: 'algorithm', first: '"ECDSA"', second: '"ED25519"' },
      { path: 'rsa_bits', first: '2048', second: '3072', with: { algorithm: '"RSA"', ecdsa_curve: undefined } },
      { path: 'ecdsa_curve', first: '"P256"', second: '"P384"' },
      edge('ecdsa_curve', 'removed', '"P384"', undefined), // plans the default P224
    ],
  },
  {
    type: 'terraform_data',
    base: () => ({}),
    cases: [
      { path: 'triggers_replace', first: '"one"', second: '"two"' },
      { path: 'input', first: '"one"', second: '"two"' },
      edge('triggers_replace', 'type_change', '"1"', '1'),
      edge('triggers_replace', 'removed', '"one"', undefined),
    ],
  },
  {
    type: 'local_file',
    base: (name) => ({ filename: `"files/${name}.txt"`, content: '"hello"' }),
    cases: [
      ...localFileCases(true),
      edge('file_permission', 'removed_non_default', '"0700"', undefined), // plans the default "0777"
      edge('file_permission', 'removed_default', '"0777"', undefined, { noChange: 'the default "0777" equals the state' }),
      edge('file_permission', 'added_default', undefined, '"0777"', { noChange: 'the state holds the default "0777" already' }),
    ],
    files: { 'src-one.txt': 'one\n', 'src-two.txt': 'two\n' },
  },
  {
    type: 'local_sensitive_file',
    base: (name) => ({ filename: `"files/${name}.txt"`, content: '"hello"' }),
    cases: [...localFileCases(false), edge('file_permission', 'removed_non_default', '"0777"', undefined)], // default "0700"
    files: { 'src-one.txt': 'one\n', 'src-two.txt': 'two\n' },
  },
  {
    type: 'null_resource',
    base: () => ({}),
    cases: [
      { path: 'triggers', first: KEEPERS[0], second: KEEPERS[1] },
      edge('triggers', 'null_value_added', KEEPERS[0], '{ rotation = "1", other = null }', { exceptionInNote: NULL_ENTRIES_NOTE }),
      edge('triggers', 'removed', KEEPERS[0], undefined),
    ],
  },
  {
    type: 'random_bytes',
    base: () => ({ length: '8' }),
    cases: [
      { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'length', first: '8', second: '9' },
      edge('keepers', 'null_value_added', KEEPERS[0], '{ rotation = "1", other = null }'), // plain RequiresReplace here
    ],
  },
  {
    type: 'random_id',
    base: () => ({ byte_length: '4' }),
    cases: [
      { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'byte_length', first: '4', second: '5' },
      { path: 'prefix', first: '"one-"', second: '"two-"' },
    ],
  },
  {
    type: 'random_integer',
    base: () => ({ min: '1', max: '100' }),
    cases: [
      { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'min', first: '1', second: '2' },
      { path: 'max', first: '100', second: '101' },
      { path: 'seed', first: '"one"', second: '"two"' },
    ],
  },
  { type: 'random_password', base: () => ({ length: '16' }), cases: [...randomStringCases(), ...randomStringEdges()] },
  { type: 'random_string', base: () => ({ length: '16' }), cases: [...randomStringCases(), ...randomStringEdges()] },
  {
    type: 'random_pet',
    base: () => ({}),
    cases: [
      { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'length', first: '2', second: '3' },
      { path: 'prefix', first: '"one"', second: '"two"' },
      { path: 'separator', first: '"-"', second: '"_"' },
      edge('length', 'removed', '3', undefined), // plans the default 2
    ],
  },
  {
    type: 'random_shuffle',
    base: () => ({ input: '["a", "b", "c"]' }),
    cases: [
      { path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'seed', first: '"one"', second: '"two"' },
      { path: 'input', first: '["a", "b", "c"]', second: '["a", "b", "d"]' },
      { path: 'result_count', first: '2', second: '1' },
    ],
  },
  { type: 'random_uuid', base: () => ({}), cases: [{ path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] }] },
  { type: 'random_uuid4', base: () => ({}), cases: [{ path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] }] },
  { type: 'random_uuid7', base: () => ({}), cases: [{ path: 'keepers', first: KEEPERS[0], second: KEEPERS[1] }] },
  {
    type: 'time_offset',
    base: () => ({ offset_days: '1' }),
    cases: [
      { path: 'triggers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'base_rfc3339', first: RFC3339_A, second: RFC3339_B },
      { path: 'offset_years', first: '1', second: '2' },
      { path: 'offset_months', first: '1', second: '2' },
      { path: 'offset_days', first: '1', second: '2' },
      { path: 'offset_hours', first: '1', second: '2' },
      { path: 'offset_minutes', first: '1', second: '2' },
      { path: 'offset_seconds', first: '1', second: '2' },
    ],
  },
  {
    type: 'time_rotating',
    // a base time in the future, so no rotation is due while the suite runs
    base: () => ({ rfc3339: '"2090-01-01T00:00:00Z"', rotation_days: '1' }),
    cases: [
      { path: 'rfc3339', first: '"2090-01-01T00:00:00Z"', second: '"2090-01-02T00:00:00Z"' },
      {
        path: 'rotation_rfc3339',
        first: '"2099-01-01T00:00:00Z"',
        second: '"2099-02-01T00:00:00Z"',
        with: { rfc3339: undefined, rotation_days: undefined },
        conditionMet: false,
        why: 'the stored rotation time (2099) has not passed',
      },
      { path: 'triggers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'rotation_years', first: '1', second: '2', with: { rotation_days: undefined } },
      { path: 'rotation_months', first: '1', second: '2', with: { rotation_days: undefined } },
      { path: 'rotation_days', first: '1', second: '2' },
      { path: 'rotation_hours', first: '1', second: '2', with: { rotation_days: undefined } },
      { path: 'rotation_minutes', first: '1', second: '2', with: { rotation_days: undefined } },
      edge('rotation_days', 'base_not_configured', '1', '2', { with: { rfc3339: undefined } }),
      edge('rfc3339', 'removed', '"2090-01-01T00:00:00Z"', undefined, { noChange: 'a removed optional+computed argument keeps its state value' }),
    ],
  },
  {
    type: 'time_sleep',
    base: () => ({ create_duration: '"1ms"' }),
    cases: [
      { path: 'triggers', first: KEEPERS[0], second: KEEPERS[1] },
      { path: 'create_duration', first: '"1ms"', second: '"2ms"' },
      { path: 'destroy_duration', first: '"1ms"', second: '"2ms"' },
    ],
  },
  {
    type: 'time_static',
    base: () => ({}),
    cases: [
      { path: 'rfc3339', first: RFC3339_A, second: RFC3339_B },
      { path: 'triggers', first: KEEPERS[0], second: KEEPERS[1] },
      edge('rfc3339', 'removed', RFC3339_A, undefined, { noChange: 'a removed optional+computed argument keeps its state value' }),
    ],
  },
];

/**
 * Differences the built provider's version alone explains (the built versions differ from the knowledge
 * base's pins; see the table header). Each was read in the source of both versions. None at present:
 * null's versions differ, but no edit of the table tells them apart.
 */
const VERSION_EXPLAINED: Record<string, string> = {};

/**
 * Providers of the knowledge base that setup-tools does not build, and why: their rows are listed as
 * "not built" (every force-new path, so the table shows what no real plan checks).
 */
const NOT_BUILT: Record<string, string> = {
  archive: 'the Go module proxy refuses the commits of v2.8.0, v2.7.1 and v2.7.0 (403)',
  cloudinit: 'the Go module proxy refuses the commits of v2.4.0, v2.3.7 and v2.3.6 (403)',
  external: 'the Go module proxy refuses the commits of v2.4.0, v2.3.5 and v2.3.4 (403); it has no resources (data sources only)',
  http: 'the Go module proxy refuses the commits of v3.6.0, v3.5.0 and v3.4.5 (403); it has no resources (data sources only)',
};

/**
 * Providers whose every plan calls a real service that cannot run here (a cloud API) or that the
 * agreement does not yet start (a Kubernetes API server for kubernetes and helm): not built, and
 * their force-new paths are not listed row by row (25,000 of them); the table's header names them,
 * and the paths read by hand in their source are checked in test/unit/knowledgeSpotChecks.test.ts.
 */
const NEEDS_A_REAL_SERVICE: Record<string, string> = {
  aws: 'every plan calls the AWS API (no account or endpoint here)',
  azurerm: 'every plan calls the Azure Resource Manager API (no subscription or endpoint here)',
  google: 'every plan calls the Google Cloud APIs (no project or endpoint here)',
  helm: 'its plans need a Kubernetes API server and a chart repository',
  kubernetes: 'its plans need a Kubernetes API server',
};

/** Why a provider of the knowledge base is not built by setup-tools, when it is not. */
function notBuiltReason(name: string): string | undefined {
  return NOT_BUILT[name] ?? NEEDS_A_REAL_SERVICE[name];
}

/** What reading both versions' source found, for the table header (pins: `.tools/versions.json`, the knowledge base files). */
const VERSION_DIFFERENCES_READ = [
  'null 2.1.2 (`8d3d85a6`, SDKv2) vs 3.3.1 (`cd8ea346`, framework): `triggers` is `ForceNew: true` there and `RequiresReplaceIfValuesNotNull()` here — the same for every edit in the table; a key added with a null value is dropped by 2.1.2 (no change) and updated in place by 3.3.1: neither replaces.',
];

/** Force-new paths no edit can reach (computed only): listed in the table, not compared. */
function notConfigurable(knowledge: ReplacementKnowledgeBase, type: string, dotted: string): string | undefined {
  const found = knowledge.rule(type, dotted.split('.'));
  if (found?.kind === 'attribute' && !found.rule.optional && !found.rule.required) return 'computed only: no edit reaches it';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// HCL rendering
// ---------------------------------------------------------------------------------------------------

function hclString(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** `type.path`, or `type.path#variant`: the key of VERSION_EXPLAINED. */
function caseKey(spec: TypeSpec, c: EditCase): string {
  return `${spec.type}.${c.path}${c.variant ? `#${c.variant}` : ''}`;
}

function instanceName(c: EditCase): string {
  return [c.path.replace(/\./g, '_'), c.variant].filter(Boolean).join('_');
}

function resolveFixtures(expr: Hcl, fixtures: Record<string, string>): Hcl {
  return expr.replace(/FIXTURE\((\w+)\)/g, (_, name: string) => {
    const value = fixtures[name];
    if (value === undefined) throw new Error(`no fixture ${name}`);
    return hclString(value);
  });
}

function instanceArguments(spec: TypeSpec, c: EditCase, which: 'first' | 'second'): Record<string, Hcl> {
  const name = instanceName(c);
  const args: Record<string, Hcl | undefined> = { ...spec.base(name), ...(c.with ?? {}), ...(which === 'second' ? (c.secondWith ?? {}) : {}) };
  args[c.argument ?? c.path] = c[which];
  return Object.fromEntries(Object.entries(args).filter((e): e is [string, Hcl] => e[1] !== undefined));
}

function renderResource(type: string, name: string, args: Record<string, Hcl>, fixtures: Record<string, string>): string {
  const top: string[] = [];
  const blocks = new Map<string, string[]>();
  for (const [key, value] of Object.entries(args)) {
    const [first, second] = key.split('.');
    const line = (indent: string, k: string) => `${indent}${k} = ${resolveFixtures(value, fixtures)}`;
    if (second === undefined) top.push(line('  ', first));
    else {
      if (!blocks.has(first)) blocks.set(first, []);
      blocks.get(first)!.push(line('    ', second));
    }
  }
  const body = [...top, ...[...blocks].map(([block, lines]) => `  ${block} {\n${lines.join('\n')}\n  }`)];
  return `resource "${type}" "${name}" {\n${body.join('\n')}\n}\n`;
}

function renderModule(spec: TypeSpec, cases: EditCase[], which: 'first' | 'second', fixtures: Record<string, string>): string {
  return cases.map((c) => renderResource(spec.type, instanceName(c), instanceArguments(spec, c, which), fixtures)).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Running and comparing
// ---------------------------------------------------------------------------------------------------

type Status = 'agree' | 'DISAGREE' | 'version' | 'note' | 'gap' | 'n/a' | 'not built';

interface Row {
  type: string;
  attribute: string;
  variant?: string;
  edge: boolean;
  edit: string;
  rule: string;
  ours: string;
  tofuActions: string;
  tofuReplacePaths: string;
  status: Status;
  note: string;
  /** The analyzer asking the module's provider binaries (`--ask-providers`): its findings, and whether they agree with the plan. */
  asked: string;
  askedStatus: 'agree' | 'DISAGREE' | '';
  askedNote: string;
}

interface TypeOutcome {
  type: string;
  rows: Row[];
  durationMs: number;
}

/** Which resource types and attributes the built providers have: `tofu providers schema -json`. */
async function builtSchemas(): Promise<Map<string, { attributes: Set<string>; blocks: Map<string, Set<string>> }>> {
  const dir = tempDir('ii-tofu-schema-');
  const providers = Object.keys(toolVersions().providers).sort();
  writeFiles(dir, {
    'main.tf': `terraform {\n  required_providers {\n${providers.map((p) => `    ${p} = { source = "hashicorp/${p}" }`).join('\n')}\n  }\n}\n`,
  });
  const tofu = new Tofu(dir);
  await tofu.init();
  const schema = JSON.parse((await tofu.run(['providers', 'schema', '-json'])).stdout);
  const out = new Map<string, { attributes: Set<string>; blocks: Map<string, Set<string>> }>();
  for (const provider of Object.values(schema.provider_schemas) as Array<{ resource_schemas?: Record<string, { block: SchemaBlock }> }>) {
    for (const [type, resource] of Object.entries(provider.resource_schemas ?? {})) {
      const blocks = new Map<string, Set<string>>();
      for (const [name, nested] of Object.entries(resource.block.block_types ?? {})) blocks.set(name, new Set(Object.keys(nested.block.attributes ?? {})));
      out.set(type, { attributes: new Set(Object.keys(resource.block.attributes ?? {})), blocks });
    }
  }
  // terraform_data is built into tofu itself
  out.set('terraform_data', { attributes: new Set(['input', 'output', 'triggers_replace', 'id']), blocks: new Map() });
  return out;
}

interface SchemaBlock {
  attributes?: Record<string, unknown>;
  block_types?: Record<string, { block: SchemaBlock }>;
}

function inBuiltSchema(schemas: Awaited<ReturnType<typeof builtSchemas>>, type: string, dotted: string): boolean {
  const schema = schemas.get(type);
  if (!schema) return false;
  const [first, second] = dotted.split('.');
  if (second === undefined) return schema.attributes.has(first) || schema.blocks.has(first);
  return schema.blocks.get(first)?.has(second) ?? false;
}

/** The tls inputs: two keys, a CA key with two certificates, two certificate requests (PEMs). */
async function tlsFixtures(): Promise<Record<string, string>> {
  const dir = tempDir('ii-tofu-tls-fixture-');
  writeFiles(dir, {
    'main.tf': `
resource "tls_private_key" "k1" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}
resource "tls_private_key" "k2" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}
resource "tls_private_key" "ca" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}
resource "tls_self_signed_cert" "ca1" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  validity_period_hours = 1000
  allowed_uses          = ["cert_signing"]
  is_ca_certificate     = true
  subject {
    common_name = "ca one"
  }
}
resource "tls_self_signed_cert" "ca2" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  validity_period_hours = 1000
  allowed_uses          = ["cert_signing"]
  is_ca_certificate     = true
  subject {
    common_name = "ca two"
  }
}
resource "tls_cert_request" "r1" {
  private_key_pem = tls_private_key.k2.private_key_pem
  subject {
    common_name = "one.example"
  }
}
resource "tls_cert_request" "r2" {
  private_key_pem = tls_private_key.k2.private_key_pem
  subject {
    common_name = "two.example"
  }
}
`,
  });
  const tofu = new Tofu(dir);
  await tofu.init();
  await tofu.apply();
  const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as StateFile;
  const attr = (type: string, name: string, key: string): string => {
    const value = state.resources.find((r) => r.type === type && r.name === name)?.instances[0]?.attributes[key];
    if (typeof value !== 'string' || value === '') throw new Error(`tls fixture: ${type}.${name}.${key} is missing`);
    return value;
  };
  return {
    k1_pem: attr('tls_private_key', 'k1', 'private_key_pem'),
    k2_pem: attr('tls_private_key', 'k2', 'private_key_pem'),
    ca_key_pem: attr('tls_private_key', 'ca', 'private_key_pem'),
    ca_key_pkcs8_pem: attr('tls_private_key', 'ca', 'private_key_pem_pkcs8'),
    ca1_cert_pem: attr('tls_self_signed_cert', 'ca1', 'cert_pem'),
    ca2_cert_pem: attr('tls_self_signed_cert', 'ca2', 'cert_pem'),
    csr1_pem: attr('tls_cert_request', 'r1', 'cert_request_pem'),
    csr2_pem: attr('tls_cert_request', 'r2', 'cert_request_pem'),
  };
}

interface StateFile {
  resources: Array<{ type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
}

function showEdit(c: EditCase): string {
  const show = (v: Hcl | undefined) => (v === undefined ? '(absent)' : v.replace(/FIXTURE\((\w+)\)/g, '<$1>'));
  const also = Object.entries(c.secondWith ?? {}).map(([k, v]) => (v === undefined ? `, ${k} removed` : `, ${k} = ${show(v)} added`));
  if (c.argument) return `${show(c.first)} → ${c.argument.split('.').slice(-1)[0]} = ${show(c.second)}`;
  return `${show(c.first)} → ${show(c.second)}${also.join('')}`;
}

function ruleText(knowledge: ReplacementKnowledgeBase, type: string, dotted: string): string {
  const found = knowledge.rule(type, dotted.split('.'));
  if (!found) return '(not in KB)';
  return `${found.kind === 'block' ? 'block ' : ''}${found.rule.replace}`;
}

function sentenceMatching(text: string, pattern: RegExp): string {
  return text.split(/(?<=[.;])\s+(?=[A-Z`])/).find((sentence) => pattern.test(sentence)) ?? text;
}

function segmentsMatch(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeFindings(findings: Finding[]): string {
  if (findings.length === 0) return '—';
  return findings
    .map((f) => `${f.code === 'terraform/forces-replacement' ? 'forces' : 'may force'} (${f.attribute ?? 'resource'})`)
    .sort()
    .join(', ');
}

function compare(
  knowledge: ReplacementKnowledgeBase,
  spec: TypeSpec,
  c: EditCase,
  findings: Finding[],
  change: NonNullable<PlanJson['resource_changes']>[number] | undefined,
  configured: Set<string>,
): Pick<Row, 'status' | 'note' | 'ours' | 'tofuActions' | 'tofuReplacePaths'> {
  const actions = change?.change.actions ?? ['(no change)'];
  const replacePaths = (change?.change.replace_paths ?? []).map((p) => p.filter((s) => typeof s === 'string') as string[]);
  const tofuReplaces = actions.includes('delete') && actions.includes('create');
  const ours = findings.filter((f) => f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement');
  const base = {
    ours: describeFindings(ours),
    tofuActions: actions.join(', '),
    // sorted: tofu's order is not stable between runs
    tofuReplacePaths: replacePaths.length
      ? `[${(change?.change.replace_paths ?? [])
          .map((p) => JSON.stringify(p))
          .sort()
          .join(',')}]`
      : '—',
  };
  const problems: string[] = [];
  const derived: string[] = [];
  const attribute = c.path.split('.');
  const found = knowledge.rule(spec.type, attribute);
  const conditional = found?.rule.replace === 'conditional';

  const noChange = actions.join(',') === 'no-op' || actions[0] === '(no change)';
  if (c.exceptionInNote) {
    const { pattern, tofu } = c.exceptionInNote;
    const note = found?.kind === 'attribute' ? found.rule.note : undefined;
    if (!note || !pattern.test(note)) problems.push(`the knowledge base's note does not describe this exception (${pattern})`);
    if (tofuReplaces !== (tofu === 'replaces'))
      problems.push(`tofu ${tofuReplaces ? `replaces (${base.tofuReplacePaths})` : 'does not replace'}; the knowledge base's note says it ${tofu}`);
    if (!tofuReplaces && (actions.includes('create') || actions.includes('delete'))) problems.push(`tofu plans ${actions.join('+')}`);
    if (problems.length) return { ...base, status: 'DISAGREE', note: problems.join('; ') };
    const analyzerAgrees = tofuReplaces ? ours.some((f) => f.code === 'terraform/forces-replacement') : ours.length === 0;
    if (analyzerAgrees) return { ...base, status: 'agree', note: `an exception the knowledge base's note describes` };
    const what = tofuReplaces ? 'replaces' : noChange ? 'plans no change' : 'updates in place';
    return {
      ...base,
      status: tofuReplaces ? 'gap' : 'note',
      note: `tofu ${what}, as the knowledge base's note says: "${sentenceMatching(note!, pattern)}"; the analyzer applies the rule (\`${found!.rule.replace}\`) and the flags, not the note`,
    };
  }
  if (!tofuReplaces && (actions.includes('create') || actions.includes('delete'))) problems.push(`tofu plans ${actions.join('+')}, not a replacement`);
  const ourPaths = ours.map((f) => (f.attribute ?? '').split('.').filter((s) => s !== '' && !/^\d+$/.test(s)));
  if (conditional) {
    if (!ours.some((f) => f.code === 'terraform/may-force-replacement' && segmentsMatch((f.attribute ?? '').split('.'), attribute))) {
      problems.push('the rule is conditional but we give no "may force replacement" on the attribute');
    }
    if (ours.some((f) => f.code === 'terraform/forces-replacement')) problems.push('we say "forces" for a conditional rule');
    if (tofuReplaces !== c.conditionMet) {
      problems.push(`condition ${c.conditionMet ? 'met' : 'not met'} (${c.why}) but tofu ${tofuReplaces ? 'replaces' : 'does not replace'}`);
    }
  } else if (tofuReplaces) {
    if (ours.length === 0) problems.push('tofu replaces, we say nothing');
    for (const f of ours) if (f.code !== 'terraform/forces-replacement') problems.push(`tofu replaces for certain, we say "${f.code}"`);
    if (!replacePaths.some((p) => segmentsMatch(p, attribute))) problems.push(`tofu replaces, but not because of ${c.path}`);
    for (const p of ourPaths) if (!replacePaths.some((r) => segmentsMatch(r, p))) problems.push(`we name ${p.join('.') || 'the resource'}, tofu's replace_paths do not`);
    for (const r of replacePaths) {
      if (ourPaths.some((p) => segmentsMatch(r, p))) continue;
      // a path the configuration does not set is a value derived from the edit (random `numeric` follows
      // `number`; a computed RequiresReplace attribute the framework marks unknown): nothing in the file to
      // put a finding on, and the replacement is already reported
      if (!configured.has(r[0]) && ours.length > 0) derived.push(r.join('.'));
      else problems.push(`tofu's replace_paths name ${r.join('.')}, we do not`);
    }
  } else if (ours.length > 0) {
    problems.push(`tofu ${actions.includes('update') ? 'updates in place' : 'does not replace'}, we say it replaces`);
  }
  if (c.noChange && problems.length === 0) return { ...base, status: 'agree', note: `no change: ${c.noChange}` };
  if (conditional && problems.length === 0) {
    return { ...base, status: 'agree', note: `conditional: ${c.conditionMet ? 'met' : 'not met'} — ${c.why}` };
  }
  const notes = [...problems];
  if (derived.length) notes.push(`tofu also lists ${derived.map((d) => `\`${d}\``).join(', ')}: not configured, derived from the edit`);
  return { ...base, status: problems.length ? 'DISAGREE' : 'agree', note: notes.join('; ') };
}

/**
 * With the providers asked, every row must match the plan exactly: replaced exactly when tofu
 * replaces, "forces" only (never "may"), each finding the provider's own verdict, and every
 * replace path either a finding's attribute or named in its rule (a computed attribute such as
 * `ready_for_renewal`, which no configuration writes, is named in the finding of the edit that
 * caused it).
 */
function compareAsked(
  findings: Finding[],
  change: NonNullable<PlanJson['resource_changes']>[number] | undefined,
  answered: boolean,
): Pick<Row, 'asked' | 'askedStatus' | 'askedNote'> {
  const actions = change?.change.actions ?? [];
  const tofuReplaces = actions.includes('delete') && actions.includes('create');
  const replacing = findings.filter((f) => f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement');
  const problems: string[] = [];
  if (!answered) problems.push('the provider gave no verdict');
  for (const f of replacing) {
    if (f.code === 'terraform/may-force-replacement') problems.push(`still "may force" on ${f.attribute}`);
    else if (f.rule?.asked !== true) problems.push(`"forces" on ${f.attribute} is not the provider's verdict`);
  }
  if (tofuReplaces && replacing.length === 0) problems.push('tofu replaces, asking the provider says nothing');
  if (!tofuReplaces && replacing.length > 0)
    problems.push(`tofu ${actions.includes('update') ? 'updates in place' : 'plans no change'}, asking the provider says it replaces`);
  if (tofuReplaces) {
    const tops = (change?.change.replace_paths ?? []).map((p) => String(p[0]));
    for (const top of tops) {
      const named = replacing.some((f) => (f.attribute ?? '').split('.')[0] === top || (f.rule?.source ?? '').includes(`\`${top}`));
      if (!named) problems.push(`tofu's replace_paths name ${top}, the provider's findings do not`);
    }
  }
  return {
    asked: describeFindings(replacing),
    askedStatus: problems.length > 0 ? 'DISAGREE' : 'agree',
    askedNote: problems.join('; '),
  };
}

async function runType(
  spec: TypeSpec,
  knowledge: ReplacementKnowledgeBase,
  parser: HclParser,
  schemas: Awaited<ReturnType<typeof builtSchemas>>,
  fixtures: () => Promise<Record<string, string>>,
  providers: ProviderAsker,
  tool: IacTool = OPENTOFU,
): Promise<TypeOutcome> {
  const started = Date.now();
  const rows: Row[] = [];
  const row = (c: EditCase, rest: Partial<Row> & Pick<Row, 'status' | 'note'>): Row => ({
    type: spec.type,
    attribute: c.path,
    variant: c.variant,
    edge: c.edge === true,
    edit: showEdit(c),
    rule: ruleText(knowledge, spec.type, c.path),
    ours: '',
    tofuActions: '',
    tofuReplacePaths: '',
    asked: '',
    askedStatus: '',
    askedNote: '',
    ...rest,
  });

  // every force-new path of the knowledge base has a case (or cannot be edited)
  const covered = new Set(spec.cases.map((c) => c.path));
  for (const forceNew of knowledge.forceNewPaths(spec.type).map((p) => p.join('.'))) {
    if (covered.has(forceNew)) continue;
    const why = notConfigurable(knowledge, spec.type, forceNew);
    const pseudo: EditCase = { path: forceNew, first: undefined, second: undefined };
    rows.push(
      why
        ? { ...row(pseudo, { status: 'n/a', note: why }), edit: '—' }
        : { ...row(pseudo, { status: 'DISAGREE', note: 'no edit case for this force-new path in agreement.test.ts' }), edit: '—' },
    );
  }

  if (!knowledge.resource(spec.type)) {
    for (const c of spec.cases) rows.push(row(c, { status: 'DISAGREE', note: 'resource type not in the knowledge base' }));
    return { type: spec.type, rows, durationMs: Date.now() - started };
  }
  if (!schemas.has(spec.type)) {
    const why = VERSION_EXPLAINED[spec.type];
    for (const c of spec.cases) rows.push(row(c, why ? { status: 'version', note: why } : { status: 'DISAGREE', note: 'resource type not in the built provider' }));
    return { type: spec.type, rows, durationMs: Date.now() - started };
  }
  const runnable: EditCase[] = [];
  for (const c of spec.cases) {
    if (inBuiltSchema(schemas, spec.type, c.path)) runnable.push(c);
    else {
      const why = VERSION_EXPLAINED[caseKey(spec, c)] ?? VERSION_EXPLAINED[`${spec.type}.${c.path}`];
      rows.push(row(c, why ? { status: 'version', note: why } : { status: 'DISAGREE', note: 'attribute not in the built provider' }));
    }
  }

  const fx = spec.cases.some((c) => JSON.stringify(spec.base('x')).includes('FIXTURE') || `${c.first}${c.second}`.includes('FIXTURE')) ? await fixtures() : {};
  const dir = tempDir(`ii-${tool.cli}-${spec.type}-`);
  writeFiles(dir, { ...(spec.files ?? {}), 'main.tf': renderModule(spec, runnable, 'first', fx) });
  const tofu = toolModule(dir, tool);
  await tofu.init();
  await tofu.apply();
  writeFiles(dir, { 'main.tf': renderModule(spec, runnable, 'second', fx) });
  const plan = await tofu.planJson();
  const analyzer = new TerraformModuleAnalyzer(parser, knowledge);
  const { findings, questions } = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false, collectProviderQuestions: true });
  // The same edits with the providers asked: their verdicts in place of the knowledge base's.
  const verdicts = await providers.answer(dir, questions ?? []);
  const askedFindings = (await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false, providerVerdicts: verdicts })).findings;
  for (const c of runnable) {
    const address = `${spec.type}.${instanceName(c)}`;
    const change = plan.resource_changes?.find((r) => r.address === address);
    const own = findings.filter((f) => f.address === address);
    const configured = new Set(Object.keys(instanceArguments(spec, c, 'second')).map((k) => k.split('.')[0]));
    const ownCompared = compare(knowledge, spec, c, own, change, configured);
    // terraform_data is served by Terraform and OpenTofu themselves: no binary to ask, the knowledge base decides.
    const asked =
      spec.type === 'terraform_data'
        ? {
            asked: 'not asked: built in, no binary',
            askedStatus: ownCompared.status === 'DISAGREE' ? ('DISAGREE' as const) : ('agree' as const),
            askedNote: ownCompared.status === 'DISAGREE' ? ownCompared.note : '',
          }
        : compareAsked(
            askedFindings.filter((f) => f.address === address),
            change,
            verdicts.has(address),
          );
    const compared = { ...ownCompared, ...asked };
    const explained = VERSION_EXPLAINED[caseKey(spec, c)];
    if (explained && compared.status === 'DISAGREE') rows.push(row(c, { ...compared, status: 'version', note: `${compared.note} — ${explained}` }));
    else if (explained) rows.push(row(c, { ...compared, status: 'DISAGREE', note: `agrees now: the version explanation is stale (${explained})` }));
    else rows.push(row(c, compared));
  }
  // The module's locked version of a provider built at another major version than the data
  // describes (null: 2.1.2 built, 3.3.1 described) is said once, truthfully; anywhere else it is wrong.
  const versionNotes = findings.filter((f) => f.code === 'terraform/knowledge-version-differs');
  const described = knowledge.resource(spec.type)?.provider.version;
  const locked = lockedVersionOf(dir, spec.type.split('_')[0]);
  const majorDiffers = described !== undefined && locked !== undefined && described.split('.')[0] !== locked.split('.')[0];
  assert.equal(versionNotes.length, majorDiffers ? 1 : 0, `${spec.type}: the knowledge-version-differs note (locked ${locked}, described ${described})`);
  if (majorDiffers)
    assert.match(
      versionNotes[0].message,
      new RegExp(
        `uses hashicorp/\\w+ ${locked.replace(/\./g, '\\.')} \\(from \\.terraform\\.lock\\.hcl\\), but the replacement knowledge describes hashicorp/\\w+ ${described.replace(/\./g, '\\.')}`,
      ),
    );
  const unrelated = findings.filter(
    (f) => f.code !== 'terraform/knowledge-version-differs' && (!f.address || !runnable.some((c) => f.address === `${spec.type}.${instanceName(c)}`)),
  );
  if (unrelated.length) {
    rows.push({
      ...row(
        { path: '(module)', first: undefined, second: undefined },
        { status: 'DISAGREE', note: `findings outside the cases: ${unrelated.map((f) => `${f.code} ${f.message}`).join(' | ')}` },
      ),
      edit: '—',
      rule: '—',
    });
  }
  return { type: spec.type, rows, durationMs: Date.now() - started };
}

/** The version `init` locked for hashicorp/<name> in the module, from its `.terraform.lock.hcl`. */
function lockedVersionOf(dir: string, name: string): string | undefined {
  const file = path.join(dir, '.terraform.lock.hcl');
  if (!existsSync(file)) return undefined;
  return readProviderLockFile(readFileSync(file, 'utf8')).providers.find((p) => p.source.endsWith(`/hashicorp/${name}`))?.version;
}

// ---------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function knowledgeFile(knowledge: ReplacementKnowledgeBase, file: string): ProviderKnowledge {
  return JSON.parse(readFileSync(path.join(knowledge.dataDir, file), 'utf8')) as ProviderKnowledge;
}

/** The knowledge base's hashicorp providers, by name (`local` for `hashicorp-local.json`). */
function knowledgeProviders(knowledge: ReplacementKnowledgeBase): string[] {
  return readdirSync(knowledge.dataDir)
    .map((f) => /^hashicorp-(.+)\.json$/.exec(f)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

function versionsHeader(knowledge: ReplacementKnowledgeBase): string[] {
  const built = toolVersions();
  const lines = ['| provider | knowledge base version | built and planned with |', '| --- | --- | --- |'];
  lines.push(
    `| terraform (built-in \`terraform_data\`) | OpenTofu ${knowledgeFile(knowledge, 'builtin-terraform.json').provider.version} | OpenTofu ${built.tofu.version} |`,
  );
  for (const name of knowledgeProviders(knowledge)) {
    const kb = knowledgeFile(knowledge, `hashicorp-${name}.json`).provider.version;
    const b = built.providers[name]?.version;
    const cellText = b === undefined ? `not built: ${notBuiltReason(name) ?? 'no reason given in agreement.test.ts'}` : `${b}${kb === b ? '' : ' (differs)'}`;
    lines.push(`| hashicorp/${name} | ${kb} | ${cellText} |`);
  }
  return lines;
}

/**
 * The rows the data asks for beyond the cases: a resource type of a built provider without cases is a
 * disagreement (the table must cover every type); the force-new paths of a provider that is not built
 * are listed as "not built", so the table shows what no real plan checks.
 */
function uncoveredRows(knowledge: ReplacementKnowledgeBase): Row[] {
  const built = toolVersions().providers;
  const specified = new Set(SPECS.map((s) => s.type));
  const rows: Row[] = [];
  for (const name of knowledgeProviders(knowledge)) {
    const data = knowledgeFile(knowledge, `hashicorp-${name}.json`);
    const isBuilt = built[name] !== undefined;
    if (!isBuilt && notBuiltReason(name) === undefined) {
      rows.push({ ...emptyRow(`(hashicorp/${name})`, '—'), status: 'DISAGREE', note: 'provider neither built by setup-tools nor in NOT_BUILT of agreement.test.ts' });
    }
    for (const type of Object.keys(data.resources).sort()) {
      if (isBuilt && !specified.has(type))
        rows.push({ ...emptyRow(type, '(type)'), status: 'DISAGREE', note: 'resource type of a built provider without edit cases in agreement.test.ts' });
      if (isBuilt || NEEDS_A_REAL_SERVICE[name] !== undefined) continue;
      for (const forceNew of knowledge.forceNewPaths(type).map((p) => p.join('.'))) {
        rows.push({ ...emptyRow(type, forceNew), rule: ruleText(knowledge, type, forceNew), status: 'not built', note: NOT_BUILT[name] ?? '' });
      }
    }
  }
  return rows;
}

function emptyRow(type: string, attribute: string): Row {
  return {
    type,
    attribute,
    edge: false,
    edit: '—',
    rule: '—',
    ours: '',
    tofuActions: '',
    tofuReplacePaths: '',
    status: 'n/a',
    note: '',
    asked: '',
    askedStatus: '',
    askedNote: '',
  };
}

function renderTable(knowledge: ReplacementKnowledgeBase, rows: Row[]): string {
  const count = (list: Row[], s: Status) => list.filter((r) => r.status === s).length;
  const notBuilt = rows.filter((r) => r.status === 'not built');
  const ordinary = rows.filter((r) => !r.edge && r.attribute !== '(module)' && r.status !== 'not built');
  const forceNew = ordinary.filter((r) => r.rule !== 'never');
  const updatable = ordinary.filter((r) => r.rule === 'never');
  const edges = rows.filter((r) => r.edge);
  const lines = [
    '# Knowledge base vs. a real OpenTofu plan',
    '',
    'Generated by `test/e2e-tofu/agreement.test.ts` (regenerate: `UPDATE_AGREEMENT_TABLE=1 node scripts/run-tests.mjs e2e-tofu`).',
    'Each row: a resource instance applied with the first value, edited to the second, planned with `tofu plan -out` +',
    '`tofu show -json`; "our finding" is the analyzer with the state tofu wrote as baseline.',
    '',
    ...versionsHeader(knowledge),
    '',
    "Where the versions differ, both versions' source was read:",
    '',
    ...VERSION_DIFFERENCES_READ.map((line) => `- ${line}`),
    '',
    `- force-new attributes and blocks (\`forceNewPaths\`), ordinary edits: ${forceNew.length} rows — ${count(forceNew, 'agree')} agree, ${count(forceNew, 'DISAGREE')} disagree, ${count(forceNew, 'version')} explained by the provider version difference, ${count(forceNew, 'n/a')} not editable (computed only)`,
    `- updatable attributes (\`never\`): ${updatable.length} rows — ${count(updatable, 'agree')} agree, ${count(updatable, 'DISAGREE')} disagree`,
    `- edge edits (removals, defaults, null map values, a type change, a rename): ${edges.length} rows — ${count(edges, 'agree')} agree, ${count(edges, 'DISAGREE')} disagree, ` +
      `${count(edges, 'note')} "note" (tofu does not replace, as the knowledge base's note says; the analyzer warns), ` +
      `${count(edges, 'gap')} "gap" (tofu replaces, as the knowledge base's note says; the analyzer says nothing)`,
    `- force-new paths of providers not built here (\`not built\`, listed, not planned): ${notBuilt.length} rows`,
    `- asking the providers: ${rows.filter((r) => r.askedStatus !== '').length} planned rows — ${rows.filter((r) => r.askedStatus === 'agree').length} agree, ${rows.filter((r) => r.askedStatus === 'DISAGREE').length} disagree`,
    ...(rows.some((r) => r.attribute === '(module)') ? [`- findings outside the cases: ${rows.filter((r) => r.attribute === '(module)').length}`] : []),
    '',
    'Conditional rules (`conditional`): each case says whether its edit meets the condition and why; the row agrees when the',
    'analyzer says "may force replacement" on the attribute (never "forces") and tofu replaces exactly when the case says the',
    'condition is met. Conditional entries no edit reaches (computed only) are listed as `n/a`.',
    '',
    '"note" and "gap" rows are behaviour the knowledge base records in an attribute\'s `note` because no rule or `default` of',
    'the format expresses it; the analyzer applies rules and flags, not notes.',
    '',
    '"asking the provider" is the analyzer with the module\'s own provider binaries asked (`check --ask-providers`: their',
    '`PlanResourceChange` over the plugin protocol decides); it must agree with the plan on every planned row, "note" and',
    '"gap" rows and conditional rules included: replaced exactly when tofu replaces, "forces" and never "may".',
    '`terraform_data` belongs to the provider built into OpenTofu and Terraform, which has no binary: not asked, its rows',
    "are the knowledge base's.",
    '',
    '| resource type | attribute | edit | knowledge base rule | our finding | tofu actions | tofu replace_paths | agree? | note | asking the provider | agree (asked)? |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const attribute = r.variant ? `${r.attribute} (${r.variant.replace(/_/g, ' ')})` : r.attribute;
    const verdict = r.status === 'agree' ? 'yes' : r.status === 'DISAGREE' ? '**NO**' : r.status;
    const asked = r.askedStatus === 'agree' ? 'yes' : r.askedStatus === 'DISAGREE' ? `**NO**: ${r.askedNote}` : '';
    lines.push(
      `| ${[r.type, `\`${attribute}\``, r.edit, r.rule, r.ours, r.tofuActions, r.tofuReplacePaths, verdict, r.note, r.askedStatus ? r.asked : '', asked].map((t) => cell(t || '—')).join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The rows where the knowledge base or the asked provider disagrees with the plan, one line each. */
function disagreements(rows: Row[]): string[] {
  const name = (r: Row) => `${r.type}.${r.attribute}${r.variant ? ` (${r.variant})` : ''}`;
  return [
    ...rows.filter((r) => r.status === 'DISAGREE').map((r) => `${name(r)}: ${r.note}`),
    ...rows.filter((r) => r.askedStatus === 'DISAGREE').map((r) => `${name(r)} (asking the provider): ${r.askedNote}`),
  ];
}

// ---------------------------------------------------------------------------------------------------

describe(`${toolLabel(OPENTOFU)} knowledge base agrees with a real OpenTofu plan`, () => {
  const knowledge = new ReplacementKnowledgeBase(defaultKnowledgeBaseDir());
  const outcomes = new Map<string, Promise<TypeOutcome>>();
  let suiteStarted = 0;
  const pool = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log: () => undefined });
  const providers = new ProviderAsker(pool, () => undefined);

  before(async () => {
    if (tofuProvisioningError()) return; // every test below fails with the setup hint
    suiteStarted = Date.now();
    const parser = await HclParser.create();
    const schemas = await builtSchemas();
    const limit = limiter(CONCURRENCY);
    let fixtures: Promise<Record<string, string>> | undefined;
    const getFixtures = () => (fixtures ??= tlsFixtures());
    for (const spec of SPECS) {
      const outcome = limit(() => runType(spec, knowledge, parser, schemas, getFixtures, providers));
      outcome.catch(() => undefined); // awaited (and reported) by the type's own test
      outcomes.set(spec.type, outcome);
    }
  });
  after(async () => {
    await pool.dispose();
    cleanupTempDirs();
  });

  for (const spec of SPECS) {
    test(spec.type, async () => {
      assertTofuProvisioned();
      const outcome = await outcomes.get(spec.type)!;
      assert.deepEqual(disagreements(outcome.rows), []);
    });
  }

  test('the agreement table', async () => {
    assertTofuProvisioned();
    const settled = await Promise.allSettled([...outcomes.values()]);
    const rows = [...settled.flatMap((s) => (s.status === 'fulfilled' ? s.value.rows : [])), ...uncoveredRows(knowledge)];
    const failedTypes = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${SPECS[i].type}: ${(s.reason as Error).message}`] : []));
    const table = renderTable(knowledge, rows);
    console.log(`\n${table}`);
    const durations = settled.flatMap((s) => (s.status === 'fulfilled' ? [`${s.value.type} ${(s.value.durationMs / 1000).toFixed(1)} s`] : []));
    console.log(`agreement suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s (${durations.join(', ')})`);

    const problems = [...failedTypes.map((f) => `could not run ${f}`), ...disagreements(rows)];
    if (UPDATE && failedTypes.length === 0) writeFileSync(TABLE_FILE, table);
    else if (!UPDATE && (!existsSync(TABLE_FILE) || readFileSync(TABLE_FILE, 'utf8') !== table)) {
      problems.push(`${path.relative(repoRoot, TABLE_FILE)} is out of date: regenerate it with UPDATE_AGREEMENT_TABLE=1 node scripts/run-tests.mjs e2e-tofu`);
    }
    assert.equal(problems.length, 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
  });
});

reportToolsUnderTest(__filename);

/**
 * Every case planned with Terraform too, where the machine has it (about 15 s more: one apply and one
 * plan per type). The providers are the same builds, so Terraform's plans must give every row the
 * verdict OpenTofu's do: its rows render the committed table exactly.
 */
if (TERRAFORM) {
  const terraform = TERRAFORM;
  describe(`${toolLabel(terraform)} knowledge base agrees with a real Terraform plan`, () => {
    const knowledge = new ReplacementKnowledgeBase(defaultKnowledgeBaseDir());
    const outcomes = new Map<string, Promise<TypeOutcome>>();
    const pool = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log: () => undefined });
    const providers = new ProviderAsker(pool, () => undefined);

    before(async () => {
      if (toolReadinessError(terraform)) return; // every test below fails saying why
      const parser = await HclParser.create();
      const schemas = await builtSchemas();
      const limit = limiter(CONCURRENCY);
      // The tls fixtures are only PEM values to configure; which tool made them does not matter.
      let fixtures: Promise<Record<string, string>> | undefined;
      const getFixtures = () => (fixtures ??= tlsFixtures());
      for (const spec of SPECS) {
        const outcome = limit(() => runType(spec, knowledge, parser, schemas, getFixtures, providers, terraform));
        outcome.catch(() => undefined); // awaited (and reported) by the type's own test
        outcomes.set(spec.type, outcome);
      }
    });
    after(async () => {
      await pool.dispose();
      cleanupTempDirs();
    });

    for (const { type } of SPECS) {
      test(`${toolLabel(terraform)} ${type}`, async () => {
        assertToolReady(terraform);
        const outcome = await outcomes.get(type)!;
        assert.deepEqual(disagreements(outcome.rows), []);
      });
    }

    test(`${toolLabel(terraform)} its rows make the committed agreement table, row for row`, async () => {
      assertToolReady(terraform);
      const rows = [...(await Promise.all([...outcomes.values()])).flatMap((outcome) => outcome.rows), ...uncoveredRows(knowledge)];
      assert.equal(renderTable(knowledge, rows), readFileSync(TABLE_FILE, 'utf8'));
    });
  });
}
