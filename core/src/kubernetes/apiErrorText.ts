/**
 * The text the API server answers when an update breaks a validation rule, rebuilt offline.
 *
 * apimachinery's `field.Error` renders as `<path>: <type>: <detail>`; an Invalid error puts the
 * rejected value between type and detail, printed with Go's fmt: numbers and booleans as is,
 * strings quoted, and structs with `%#v` (e.g. `v1.LabelSelector{MatchLabels:…}`). The server
 * answers `<Kind>.<group> "<name>" is invalid: <error>[, <error>…]`, which kubectl prints as
 * `The <Kind> "<name>" is invalid: …` (k8s.io/apimachinery pkg/util/validation/field, and the
 * rejections of StatefulSet, Pod and PersistentVolume updates as public logs quote them).
 */
import { isPlainObject } from './valueDiff';

export type FieldErrorType = 'Invalid' | 'Forbidden' | 'Required';

export interface FieldError {
  /** As the server reports it, e.g. `spec.selector` or `volumeMode`. */
  path: string;
  type: FieldErrorType;
  /** Rendered value for Invalid errors (see goValue). */
  value?: string;
  detail: string;
}

export function fieldErrorText(error: FieldError): string {
  if (error.type === 'Invalid') return `${error.path}: Invalid value: ${error.value ?? 'null'}: ${error.detail}`;
  return `${error.path}: ${error.type === 'Forbidden' ? 'Forbidden' : 'Required value'}: ${error.detail}`;
}

/** What `kubectl apply` prints for a rejected update. */
export function kubectlInvalidText(kind: string, name: string, errors: FieldError[]): string {
  return `The ${kind} "${name}" is invalid: ${errors.map(fieldErrorText).join(', ')}`;
}

/** Go's `%v`/`%q` for the scalar values the rules report. */
export function goScalar(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function goStringSlice(values: unknown): string {
  if (!Array.isArray(values)) return '[]string(nil)';
  return `[]string{${values.map((v) => JSON.stringify(String(v))).join(', ')}}`;
}

/**
 * `%#v` of a `*metav1.LabelSelector` (dereferenced by the error renderer): Go prints map keys
 * sorted, and nil slices and maps as `(nil)`.
 */
export function goLabelSelector(selector: unknown): string {
  if (!isPlainObject(selector)) return 'null';
  const labels = isPlainObject(selector.matchLabels) ? selector.matchLabels : undefined;
  const matchLabels = labels
    ? `map[string]string{${Object.keys(labels)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(labels[k]))}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : undefined;
  const matchExpressions = expressions
    ? `[]v1.LabelSelectorRequirement{${expressions
        .map((e) => {
          const r = isPlainObject(e) ? e : {};
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(r.key ?? ''))}, Operator:${JSON.stringify(String(r.operator ?? ''))}, Values:${goStringSlice(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${matchExpressions}}`;
}

/** A struct too large to print faithfully: the server prints every field; we name the type. */
export function goStruct(typeName: string): string {
  return `${typeName}{…}`;
}
