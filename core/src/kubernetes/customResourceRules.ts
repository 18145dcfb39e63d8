/**
 * The immutability rules a CustomResourceDefinition (apiextensions.k8s.io/v1) declares for its
 * custom resources: the `x-kubernetes-validations` rules of each served version's
 * openAPIV3Schema that compare the object with its previous version (`oldSelf`), in the forms
 * the analysis evaluates without a CEL interpreter. Pure: a CRD as plain data in, rules out.
 *
 * The forms, as CRDs such as cert-manager's, Argo's and Crossplane's write them:
 * - on a field: `self == oldSelf` — its value may not change (checked, like every transition
 *   rule, only when both versions have the field);
 * - on a parent, about its property `x`: `has(self.x) == has(oldSelf.x)` (presence may not
 *   change), `!has(oldSelf.x) || has(self.x)` (may not be removed), `has(oldSelf.x) ||
 *   !has(self.x)` (may not be added), `!has(oldSelf.x) || self.x == oldSelf.x` (its value may
 *   not change once set) and `self.x == oldSelf.x` (may not change, and must stay set).
 * Any other rule that reads `oldSelf`, and rules whose message is an expression
 * (`messageExpression`) or that see an optional `oldSelf` (`optionalOldSelf`), are skipped and
 * counted: their verdict or their words would be a guess.
 */
import { isRecord } from './manifestParser';

export type ImmutabilityForm = 'unchanged' | 'presence-unchanged' | 'not-removed' | 'not-added' | 'unchanged-once-set' | 'unchanged-and-set';

/** How the API server reports a failed rule (`reason`; FieldValueInvalid when the CRD names none). */
export type RuleReason = 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

export interface ImmutabilityRule {
  form: ImmutabilityForm;
  /** The property of the rule's object the rule is about; undefined for `self == oldSelf`. */
  property?: string;
  /** The rule as the CRD writes it, trimmed (the server quotes it so in its default message). */
  rule: string;
  /** What the server says when the rule fails: the CRD's `message`, or `failed rule: <rule>`. */
  message: string;
  /** Whether `message` is the CRD's own (a rule that cannot be evaluated is then named by it, else by its text). */
  ownMessage: boolean;
  reason: RuleReason;
  /** The CRD's `fieldPath`, without its leading dot: the server reports the error there. */
  fieldPath?: string;
  /** Where the rule sits, for people: `spec.secretName`, `spec.ports[*].port`, `spec.labels[*]`. */
  schemaPath: string;
}

/** A rule that reads `oldSelf` but was not understood, and why. */
export interface SkippedRule {
  schemaPath: string;
  rule: string;
  why: string;
}

/**
 * The parts of a structural schema the evaluation needs: types (the server prints a scalar's
 * value in its error but not an object's or array's), list types (a `set` or `map` list is
 * compared ignoring order, and only a `map` list's items are matched with their old versions),
 * and the rules.
 */
export interface RuleSchema {
  type?: string;
  listType?: string;
  listMapKeys?: string[];
  properties?: Record<string, RuleSchema>;
  additionalProperties?: RuleSchema;
  items?: RuleSchema;
  rules: ImmutabilityRule[];
  /** Whether this node or one below it has a rule: the evaluation descends only there. */
  hasRules: boolean;
}

export interface CustomResourceVersionRules {
  version: string;
  schema: RuleSchema;
  /** Every rule of this version, in schema order. */
  rules: ImmutabilityRule[];
  skipped: SkippedRule[];
}

export interface CustomResourceDefinitionRules {
  /** `<plural>.<group>`. */
  name: string;
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Served versions only: the server refuses objects of the others. */
  versions: CustomResourceVersionRules[];
}

export type CustomResourceDefinitionReading = { rules: CustomResourceDefinitionRules } | { problem: string };

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/** The rules of a CustomResourceDefinition, or what keeps it from being read. */
export function customResourceDefinitionRules(crd: unknown): CustomResourceDefinitionReading {
  if (!isRecord(crd)) return { problem: 'A CustomResourceDefinition must be an object.' };
  const metadata = isRecord(crd.metadata) ? crd.metadata : {};
  const named = typeof metadata.name === 'string' && metadata.name !== '' ? `CustomResourceDefinition \`${metadata.name}\`` : 'A CustomResourceDefinition without a name';
  if (crd.kind !== 'CustomResourceDefinition') return { problem: `${named} has kind \`${String(crd.kind)}\`, not CustomResourceDefinition.` };
  if (crd.apiVersion !== CRD_API_VERSION) {
    return {
      problem: `${named} has apiVersion \`${String(crd.apiVersion)}\`: only ${CRD_API_VERSION} is read (the API server stopped serving v1beta1 in Kubernetes 1.22).`,
    };
  }
  const spec = crd.spec;
  if (!isRecord(spec)) return { problem: `${named} has no \`spec\`.` };
  const names = isRecord(spec.names) ? spec.names : undefined;
  if (typeof spec.group !== 'string' || spec.group === '') return { problem: `${named} has no \`spec.group\`.` };
  if (!names || typeof names.kind !== 'string' || names.kind === '' || typeof names.plural !== 'string' || names.plural === '') {
    return { problem: `${named} lacks \`spec.names.kind\` or \`spec.names.plural\`.` };
  }
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) return { problem: `${named} has no \`spec.versions\`.` };
  const versions: CustomResourceVersionRules[] = [];
  for (const [index, version] of spec.versions.entries()) {
    if (!isRecord(version) || typeof version.name !== 'string' || version.name === '') return { problem: `${named}: \`spec.versions[${index}]\` has no name.` };
    if (version.served !== true) continue;
    const schema = isRecord(version.schema) ? version.schema.openAPIV3Schema : undefined;
    if (!isRecord(schema)) return { problem: `${named}: version \`${version.name}\` has no \`schema.openAPIV3Schema\`.` };
    const rules: ImmutabilityRule[] = [];
    const skipped: SkippedRule[] = [];
    versions.push({ version: version.name, schema: readSchema(schema, '', rules, skipped), rules, skipped });
  }
  return {
    rules: {
      name: `${names.plural}.${spec.group}`,
      group: spec.group,
      kind: names.kind,
      plural: names.plural,
      namespaced: spec.scope !== 'Cluster',
      versions,
    },
  };
}

function readSchema(schema: Record<string, unknown>, schemaPath: string, rules: ImmutabilityRule[], skipped: SkippedRule[]): RuleSchema {
  const node: RuleSchema = { rules: [], hasRules: false };
  if (typeof schema.type === 'string') node.type = schema.type;
  if (typeof schema['x-kubernetes-list-type'] === 'string') node.listType = schema['x-kubernetes-list-type'];
  const keys = schema['x-kubernetes-list-map-keys'];
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) node.listMapKeys = keys;
  const validations = schema['x-kubernetes-validations'];
  if (Array.isArray(validations)) {
    for (const validation of validations) {
      const read = readRule(validation, schemaPath || '(the object)', schemaPath === '');
      if (!read) continue;
      if ('why' in read) skipped.push(read);
      else {
        node.rules.push(read);
        rules.push(read);
      }
    }
  }
  if (isRecord(schema.properties)) {
    node.properties = {};
    for (const [name, child] of Object.entries(schema.properties)) {
      if (isRecord(child)) node.properties[name] = readSchema(child, schemaPath ? `${schemaPath}.${name}` : name, rules, skipped);
    }
  }
  if (isRecord(schema.additionalProperties)) node.additionalProperties = readSchema(schema.additionalProperties, `${schemaPath}[*]`, rules, skipped);
  if (isRecord(schema.items)) node.items = readSchema(schema.items, `${schemaPath}[*]`, rules, skipped);
  node.hasRules =
    node.rules.length > 0 ||
    Object.values(node.properties ?? {}).some((p) => p.hasRules) ||
    node.additionalProperties?.hasRules === true ||
    node.items?.hasRules === true;
  return node;
}

const ROOT_FIELDS = new Set(['metadata', 'apiVersion', 'kind']);
const REASONS: readonly RuleReason[] = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];
const USES_OLD_SELF = /\boldSelf\b/;

/** Undefined for rules that are not about the previous version: they are no immutability rules. */
function readRule(validation: unknown, schemaPath: string, root: boolean): ImmutabilityRule | SkippedRule | undefined {
  if (!isRecord(validation) || typeof validation.rule !== 'string') return undefined;
  const rule = validation.rule.trim();
  if (!USES_OLD_SELF.test(rule)) return undefined;
  const skip = (why: string): SkippedRule => ({ schemaPath, rule, why });
  if (typeof validation.messageExpression === 'string' && validation.messageExpression.trim() !== '') return skip('its message is an expression (`messageExpression`)');
  if (validation.optionalOldSelf === true) return skip('it sees an optional `oldSelf` (`optionalOldSelf`)');
  const reason = validation.reason === undefined ? 'FieldValueInvalid' : validation.reason;
  if (!REASONS.includes(reason as RuleReason)) return skip(`its reason \`${String(reason)}\` is none the API server knows`);
  let fieldPath: string | undefined;
  if (typeof validation.fieldPath === 'string' && validation.fieldPath !== '') {
    if (!/^(\.[A-Za-z_][A-Za-z0-9_-]*)+$/.test(validation.fieldPath)) return skip(`its \`fieldPath\` (${validation.fieldPath}) is not a plain \`.a.b\` path`);
    fieldPath = validation.fieldPath.slice(1);
  }
  const form = ruleForm(rule);
  if (!form) return skip('it is none of the forms evaluated here');
  // At the root, `self` also holds the metadata the server fills in (resourceVersion, managedFields …).
  if (root && (form.property === undefined || ROOT_FIELDS.has(form.property))) return skip('on the object’s root it compares metadata the API server fills in');
  const ownMessage = typeof validation.message === 'string' && validation.message.trim() !== '';
  const message = ownMessage ? (validation.message as string).trim() : `failed rule: ${rule}`;
  return { ...form, rule, message, ownMessage, reason: reason as RuleReason, ...(fieldPath !== undefined ? { fieldPath } : {}), schemaPath };
}

/** CEL identifiers for a property: reserved words and `-`, `.`, `/` are escaped by Kubernetes as `__word__`, `__dash__` … */
const ID = '([A-Za-z_][A-Za-z0-9_]*)';
const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** Each form as a pattern of the rule with all whitespace removed; `X` stands for the property. */
const FORMS: Array<[ImmutabilityForm, string[]]> = [
  ['unchanged', ['self==oldSelf', 'oldSelf==self']],
  ['presence-unchanged', ['has(self.X)==has(oldSelf.X)', 'has(oldSelf.X)==has(self.X)']],
  ['not-removed', ['!has(oldSelf.X)||has(self.X)', 'has(self.X)||!has(oldSelf.X)']],
  ['not-added', ['has(oldSelf.X)||!has(self.X)', '!has(self.X)||has(oldSelf.X)']],
  [
    'unchanged-once-set',
    ['!has(oldSelf.X)||self.X==oldSelf.X', '!has(oldSelf.X)||oldSelf.X==self.X', 'self.X==oldSelf.X||!has(oldSelf.X)', 'oldSelf.X==self.X||!has(oldSelf.X)'],
  ],
  ['unchanged-and-set', ['self.X==oldSelf.X', 'oldSelf.X==self.X']],
];

const FORM_PATTERNS: Array<[ImmutabilityForm, RegExp]> = FORMS.flatMap(([form, patterns]) =>
  patterns.map((p): [ImmutabilityForm, RegExp] => {
    let first = true;
    const source = p.replace(/[()|!.]/g, (c) => `\\${c}`).replace(/X/g, () => (first ? ((first = false), ID) : '\\1'));
    return [form, new RegExp(`^${source}$`)];
  }),
);

function ruleForm(rule: string): Pick<ImmutabilityRule, 'form' | 'property'> | undefined {
  const compact = rule.replace(/\s+/g, '');
  for (const [form, pattern] of FORM_PATTERNS) {
    const match = pattern.exec(compact);
    if (!match) continue;
    if (match[1] === undefined) return { form };
    const property = unescapeProperty(match[1]);
    return property === undefined ? undefined : { form, property };
  }
  return undefined;
}

function unescapeProperty(identifier: string): string | undefined {
  if (CEL_RESERVED.has(identifier)) return undefined; // must be written `__in__`: this is no property access
  const reserved = /^__([a-z]+)__$/.exec(identifier);
  if (reserved && CEL_RESERVED.has(reserved[1]!)) return reserved[1];
  return identifier.replace(/__(dash|dot|slash|underscores)__/g, (_, word: string) => ({ dash: '-', dot: '.', slash: '/', underscores: '__' })[word]!);
}
