/**
 * Variable definitions files (`terraform.tfvars`, `*.auto.tfvars`, their `.json` forms, and any
 * `-var-file`), parsed for the value flow: native syntax by the HCL parser, JSON into the same
 * model, with each value's range at its key so that a finding can sit on the edited line.
 */
import type { HclAttribute, HclFile, HclValue, HclValueNode, SourceRange } from './hcl/model';
import type { HclParser } from './hcl/hclParser';
import type { VariableDefinitionsFile } from './valueFlow/configurationValues';

/** The order Terraform loads them in: `terraform.tfvars`, `terraform.tfvars.json`, then the `*.auto.tfvars(.json)` by name. */
export function compareTfvarsLoadOrder(a: string, b: string): number {
  const rank = (name: string) => (/(^|[\\/])terraform\.tfvars$/.test(name) ? 0 : /(^|[\\/])terraform\.tfvars\.json$/.test(name) ? 1 : 2);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseVariableDefinitions(path: string, text: string, parser: HclParser): VariableDefinitionsFile {
  if (path.endsWith('.json')) return { path, file: jsonVariableDefinitions(text) };
  const parsed = parser.parse(text);
  const file = parsed.file;
  parsed.dispose();
  return { path, file };
}

/** A JSON variable definitions file as the HCL model: one top-level attribute per key; invalid JSON gives a file with one error. */
export function jsonVariableDefinitions(text: string): HclFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { blocks: [], attributes: [], errors: [{ range: rangeAt(text, 0, 0), message: `Invalid JSON: ${(error as Error).message}` }] };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return {
      blocks: [],
      attributes: [],
      errors: [{ range: rangeAt(text, 0, 0), message: 'A JSON variable definitions file holds one object, of variable names and values' }],
    };
  }
  const attributes: HclAttribute[] = [];
  let searchFrom = 0;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const at = text.indexOf(JSON.stringify(name), searchFrom);
    const start = at < 0 ? 0 : at;
    if (at >= 0) searchFrom = at + 1;
    const range = rangeAt(text, start, start + JSON.stringify(name).length);
    attributes.push({ kind: 'attribute', name, nameRange: range, range, value: { range, value: jsonValue(value, range) } });
  }
  return { blocks: [], attributes, errors: [] };
}

function jsonValue(value: unknown, range: SourceRange): HclValue {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value, text: String(value) };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (Array.isArray(value)) return { kind: 'tuple', items: value.map((item): HclValueNode => ({ range, value: jsonValue(item, range) })) };
  return {
    kind: 'object',
    entries: Object.entries(value as Record<string, unknown>).map(([key, item]) => ({
      key,
      keyIsLiteral: true,
      keyRange: range,
      value: { range, value: jsonValue(item, range) },
    })),
  };
}

function rangeAt(text: string, start: number, end: number): SourceRange {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: position(start), end: position(end) };
}
