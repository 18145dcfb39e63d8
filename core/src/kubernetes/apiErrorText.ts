/**
 * The text kube-apiserver 1.37.2 answers when an update breaks a validation rule, and kubectl prints,
 * rebuilt offline (checked against that server by the end-to-end tests; KUBERNETES_MESSAGES_VERSION).
 *
 * apimachinery's `field.Error` renders as `<path>: <type>: <detail>`. An Invalid error puts the
 * rejected value between type and detail: integers and booleans as is, strings quoted, and anything
 * else as JSON (`encoding/json`). The server validates its internal types: those of apimachinery
 * (label selectors, object metadata) carry JSON names (`{"matchLabels":{…}}`), but most internal
 * types of the API groups carry none, so Go prints their field names and every field, nil ones as
 * `null` (`{"Rules":[{"Action":"FailJob",…}]}`); see internalJson. kubectl prints one error as
 * `The <Kind> "<name>" is invalid: <error>` and several as that prefix followed by one `* <error>`
 * line each. Pod, PersistentVolumeClaim and PersistentVolume spec errors end with a diff of the two
 * specs on the following lines, whose layout the diff library keeps unstable on purpose: not rebuilt.
 */
import { isPlainObject } from './valueDiff';

/** The kube-apiserver version whose messages the rules quote, checked against that server by the end-to-end tests. */
export const KUBERNETES_MESSAGES_VERSION = '1.37.2';

export type FieldErrorType = 'Invalid' | 'Forbidden' | 'Required';

export interface FieldError {
  /** As the server reports it, e.g. `spec.selector` or `volumeMode`. */
  path: string;
  type: FieldErrorType;
  /** The rendered value of an Invalid error (goValue, labelSelectorJson, internalJson), or an elided one. */
  value?: string;
  detail: string;
  /** The server appends a diff on the lines after the detail (its layout is unstable on purpose: not quoted). */
  diffFollows?: boolean;
  /** `value` is ELIDED_OBJECT or ELIDED_STRING: the server prints a value a manifest does not hold (defaults, generated labels, an allocated address). */
  valueElided?: boolean;
}

/** Stands for a JSON object the server prints in full. */
export const ELIDED_OBJECT = '{…}';
/** Stands for a quoted string the server chose (an allocated address). */
export const ELIDED_STRING = '"…"';

export function fieldErrorText(error: FieldError): string {
  if (error.type === 'Invalid') return `${error.path}: Invalid value: ${error.value ?? 'null'}: ${error.detail}`;
  return `${error.path}: ${error.type === 'Forbidden' ? 'Forbidden' : 'Required value'}: ${error.detail}`;
}

/** What `kubectl apply` prints for a rejected update (without the diffs that follow some errors). */
export function kubectlInvalidText(kind: string, name: string, errors: FieldError[]): string {
  const prefix = `The ${kind} "${name}" is invalid: `;
  if (errors.length === 1) return prefix + fieldErrorText(errors[0]);
  return [prefix, ...errors.map((e) => `* ${fieldErrorText(e)}`)].join('\n');
}

/** A scalar value as field.Error prints it: `%v` for numbers and booleans, `%q` for strings, JSON `null` for nil. */
export function goValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goJson(value);
}

/** Go's `%q` for the printable strings manifests hold. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

/**
 * `encoding/json` of a plain value: map keys sorted (Go sorts them), and `<`, `>`, `&` escaped as
 * Go escapes them for HTML safety.
 */
export function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (isPlainObject(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted(v[k])]),
      );
    return v;
  };
  return htmlEscaped(JSON.stringify(sorted(value)) ?? 'null');
}

function htmlEscaped(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A `metav1.LabelSelector` as JSON: its own field order, empty fields left out, label maps sorted. */
export function labelSelectorJson(selector: unknown): string {
  if (!isPlainObject(selector)) return 'null';
  const out: Record<string, unknown> = {};
  if (isPlainObject(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) out.matchLabels = sortedStrings(selector.matchLabels);
  if (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0) {
    out.matchExpressions = selector.matchExpressions.map((e) => {
      const r = isPlainObject(e) ? e : {};
      const requirement: Record<string, unknown> = { key: String(r.key ?? ''), operator: String(r.operator ?? '') };
      if (Array.isArray(r.values) && r.values.length > 0) requirement.values = r.values.map(String);
      return requirement;
    });
  }
  return htmlEscaped(JSON.stringify(out));
}

function sortedStrings(map: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, String(map[k])]),
  );
}

/**
 * The shape of an internal API type, for internalJson: Go field name and manifest (JSON) name of each
 * field, in declaration order.
 */
export type GoType =
  /** A string (`""` when unset) or, with `pointer`, a *string (`null` when unset); `fallback`: the server's default. */
  | { type: 'string'; pointer?: boolean; fallback?: string }
  | { type: 'number'; pointer?: boolean }
  | { type: 'bool'; pointer?: boolean }
  | { type: 'slice'; of: GoType }
  /** map[string]string or a resource list: keys sorted, values as strings. */
  | { type: 'map' }
  | { type: 'struct'; pointer?: boolean; fields: Array<[goName: string, jsonName: string, type: GoType]>; objectMeta?: boolean }
  /** A field whose type has JSON names (apimachinery's): rendered by `render`. */
  | { type: 'tagged'; render: (value: unknown) => string };

/**
 * `encoding/json` of an internal API type without JSON tags, from the manifest's value: every field
 * by its Go name, unset pointers, slices and maps as `null`, unset strings `""`. A type that embeds
 * `metav1.ObjectMeta` (`objectMeta`) has the metadata's tagged fields inline, before its own.
 */
export function internalJson(type: GoType, value: unknown): string {
  return htmlEscaped(render(type, value));
}

function render(type: GoType, value: unknown): string {
  switch (type.type) {
    case 'string':
      if (value === undefined || value === null) return type.fallback !== undefined ? JSON.stringify(type.fallback) : type.pointer ? 'null' : '""';
      return JSON.stringify(String(value));
    case 'number':
      return typeof value === 'number' ? String(value) : type.pointer ? 'null' : '0';
    case 'bool':
      return typeof value === 'boolean' ? String(value) : type.pointer ? 'null' : 'false';
    case 'slice':
      return Array.isArray(value) ? `[${value.map((v) => render(type.of, v)).join(',')}]` : 'null';
    case 'map':
      return isPlainObject(value) ? JSON.stringify(sortedStrings(value)) : 'null';
    case 'tagged':
      return value === undefined || value === null ? 'null' : type.render(value);
    case 'struct': {
      if (!isPlainObject(value) && type.pointer) return 'null';
      const object = isPlainObject(value) ? value : {};
      const parts: string[] = [];
      if (type.objectMeta) parts.push(...objectMetaFields(object.metadata));
      for (const [goName, jsonName, fieldType] of type.fields) parts.push(`${JSON.stringify(goName)}:${render(fieldType, object[jsonName])}`);
      return `{${parts.join(',')}}`;
    }
  }
}

/** The fields of `metav1.ObjectMeta` a manifest sets, as JSON (omitempty), in the struct's order. */
function objectMetaFields(metadata: unknown): string[] {
  if (!isPlainObject(metadata)) return [];
  const out: string[] = [];
  for (const key of ['name', 'generateName', 'namespace'])
    if (typeof metadata[key] === 'string' && metadata[key] !== '') out.push(`${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`);
  for (const key of ['labels', 'annotations']) {
    if (isPlainObject(metadata[key]) && Object.keys(metadata[key]).length > 0) out.push(`${JSON.stringify(key)}:${JSON.stringify(sortedStrings(metadata[key]))}`);
  }
  return out;
}

const str: GoType = { type: 'string' };
const strPtr: GoType = { type: 'string', pointer: true };
const slice = (of: GoType): GoType => ({ type: 'slice', of });
const struct = (fields: Array<[string, string, GoType]>, pointer = false): GoType => ({ type: 'struct', fields, pointer });

const NODE_SELECTOR_REQUIREMENT = struct([
  ['Key', 'key', str],
  ['Operator', 'operator', str],
  ['Values', 'values', slice(str)],
]);

/** `core.VolumeNodeAffinity` (a PersistentVolume's `spec.nodeAffinity`). */
export const VOLUME_NODE_AFFINITY: GoType = struct(
  [
    [
      'Required',
      'required',
      struct(
        [
          [
            'NodeSelectorTerms',
            'nodeSelectorTerms',
            slice(
              struct([
                ['MatchExpressions', 'matchExpressions', slice(NODE_SELECTOR_REQUIREMENT)],
                ['MatchFields', 'matchFields', slice(NODE_SELECTOR_REQUIREMENT)],
              ]),
            ),
          ],
        ],
        true,
      ),
    ],
  ],
  true,
);

/** `batch.PodFailurePolicy`. */
export const POD_FAILURE_POLICY: GoType = struct(
  [
    [
      'Rules',
      'rules',
      slice(
        struct([
          ['Action', 'action', str],
          [
            'OnExitCodes',
            'onExitCodes',
            struct(
              [
                ['ContainerName', 'containerName', strPtr],
                ['Operator', 'operator', str],
                ['Values', 'values', slice({ type: 'number' })],
              ],
              true,
            ),
          ],
          [
            'OnPodConditions',
            'onPodConditions',
            slice(
              struct([
                ['Type', 'type', str],
                ['Status', 'status', str],
              ]),
            ),
          ],
        ]),
      ),
    ],
  ],
  true,
);

/** `batch.SuccessPolicy`. */
export const SUCCESS_POLICY: GoType = struct(
  [
    [
      'Rules',
      'rules',
      slice(
        struct([
          ['SucceededIndexes', 'succeededIndexes', strPtr],
          ['SucceededCount', 'succeededCount', { type: 'number', pointer: true }],
        ]),
      ),
    ],
  ],
  true,
);

const TYPED_LOCAL_OBJECT_REFERENCE = struct(
  [
    ['APIGroup', 'apiGroup', strPtr],
    ['Kind', 'kind', str],
    ['Name', 'name', str],
  ],
  true,
);

/**
 * A StatefulSet's `spec.volumeClaimTemplates` as the server holds them: `[]core.PersistentVolumeClaim`
 * with the claim's defaults (`volumeMode: Filesystem`, status phase `Pending`).
 */
export const VOLUME_CLAIM_TEMPLATES: GoType = slice({
  type: 'struct',
  objectMeta: true,
  fields: [
    [
      'Spec',
      'spec',
      struct([
        ['AccessModes', 'accessModes', slice(str)],
        ['Selector', 'selector', { type: 'tagged', render: labelSelectorJson }],
        [
          'Resources',
          'resources',
          struct([
            ['Limits', 'limits', { type: 'map' }],
            ['Requests', 'requests', { type: 'map' }],
          ]),
        ],
        ['VolumeName', 'volumeName', str],
        ['StorageClassName', 'storageClassName', strPtr],
        ['VolumeMode', 'volumeMode', { type: 'string', pointer: true, fallback: 'Filesystem' }],
        ['DataSource', 'dataSource', TYPED_LOCAL_OBJECT_REFERENCE],
        [
          'DataSourceRef',
          'dataSourceRef',
          struct(
            [
              ['APIGroup', 'apiGroup', strPtr],
              ['Kind', 'kind', str],
              ['Name', 'name', str],
              ['Namespace', 'namespace', strPtr],
            ],
            true,
          ),
        ],
        ['VolumeAttributesClassName', 'volumeAttributesClassName', strPtr],
      ]),
    ],
    [
      'Status',
      'status',
      struct([
        ['Phase', 'phase', { type: 'string', fallback: 'Pending' }],
        ['AccessModes', 'accessModes', slice(str)],
        ['Capacity', 'capacity', { type: 'map' }],
        ['Conditions', 'conditions', { type: 'tagged', render: () => 'null' }],
        ['AllocatedResources', 'allocatedResources', { type: 'map' }],
        ['AllocatedResourceStatuses', 'allocatedResourceStatuses', { type: 'map' }],
        ['CurrentVolumeAttributesClassName', 'currentVolumeAttributesClassName', strPtr],
        ['ModifyVolumeStatus', 'modifyVolumeStatus', { type: 'tagged', render: () => 'null' }],
        ['HealthStatus', 'healthStatus', { type: 'tagged', render: () => 'null' }],
      ]),
    ],
  ],
});
