/**
 * Reads a YAML file into the Kubernetes objects it holds, keeping the syntax tree so that a
 * finding can point at the exact key or value (LSP positions: 0-based lines, UTF-16 columns —
 * the `yaml` library's offsets index the JS string, which is UTF-16 already).
 *
 * Multi-document files and `List` kinds are flattened into one list of objects. A document with
 * a syntax error (duplicate keys included: the API server's YAML decoder rejects them too) is
 * reported and its objects are left out, so that half-parsed values are never compared.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceRange } from '../../../common/src/findings';
import { objectIdentity, parseApiVersion, type ObjectIdentity } from './objectIdentity';

export type FieldPath = Array<string | number>;

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  group: string;
  version: string;
  /** Undefined when the object has no name: it can't be matched with a baseline. */
  identity?: ObjectIdentity;
  /** The object as plain data (aliases and merge keys resolved). */
  value: Record<string, unknown>;
  /** Its map in the syntax tree, for positions. */
  node: YAMLMap;
  /**
   * Where the text the node was parsed from starts in the file: node ranges count from there.
   * 0 for a whole-file parse; the document's start when only its document was re-parsed
   * (incrementalManifest.ts), so that unchanged documents keep their trees when text before them moves.
   */
  offset: number;
}

export interface ManifestSyntaxError {
  range: SourceRange;
  message: string;
}

export interface ParsedManifest {
  text: string;
  objects: ManifestObject[];
  syntaxErrors: ManifestSyntaxError[];
  /** Documents that parsed, with their syntax trees, for the template detector. */
  documents: ManifestDocument[];
  lineCounter: LineCounter;
}

export interface ManifestDocument {
  document: Document.Parsed;
  /** As ManifestObject.offset: add it to the document's node ranges. */
  offset: number;
}

/** A stream parsed on its own: offsets count from the start of `source`. */
export interface ParsedStream {
  documents: Document.Parsed[];
  objects: ManifestObject[];
  errors: Array<{ start: number; end: number; message: string }>;
}

/** Resolving more aliases than this is a "billion laughs" document: refused, as the yaml library advises. */
const MAX_ALIAS_COUNT = 100;

export function parseManifest(text: string): ParsedManifest {
  const lineCounter = new LineCounter();
  const stream = parseStream(text, lineCounter);
  return {
    text,
    objects: stream.objects,
    syntaxErrors: stream.errors.map((e) => ({ range: offsetsToRange(lineCounter, e.start, e.end), message: e.message })),
    documents: stream.documents.map((document) => ({ document, offset: 0 })),
    lineCounter,
  };
}

/**
 * The documents of `source` and the objects they hold. `lineCounter`, when given, records the
 * line starts of `source`; objects get `offset` (see ManifestObject) — their ranges stay relative to `source`.
 */
export function parseStream(source: string, lineCounter?: LineCounter, offset = 0): ParsedStream {
  // Merge keys (`<<: *base`) are YAML 1.1, which the API server's decoder (a go-yaml v2 fork) reads.
  const documents = parseAllDocuments(source, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const parsed: ParsedStream = { documents: [], objects: [], errors: [] };
  if (!Array.isArray(documents)) return parsed; // an empty stream
  for (const document of documents) {
    if (document.errors.length > 0) {
      for (const error of document.errors) parsed.errors.push({ start: error.pos[0], end: error.pos[1], message: firstLine(error.message) });
      continue;
    }
    parsed.documents.push(document);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const start = document.contents?.range?.[0] ?? 0;
      parsed.errors.push({ start, end: start, message: `The document was not read: ${firstLine((error as Error).message)}` });
      continue;
    }
    collectObjects(document.contents, value, parsed.objects, offset);
  }
  return parsed;
}

function collectObjects(node: Node | null, value: unknown, into: ManifestObject[], offset: number): void {
  if (!isMap(node) || !isRecord(value)) return;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') return;
  // `kind: List` (and typed lists such as `DeploymentList`) wrap objects in `items`.
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(value.items))) {
    const itemsNode = pairIn(node, 'items')?.value;
    if (!isSeq(itemsNode) || !Array.isArray(value.items)) return;
    value.items.forEach((item, i) => collectObjects(itemsNode.items[i] as Node, item, into, offset));
    return;
  }
  const { group, version } = parseApiVersion(apiVersion);
  into.push({ apiVersion, kind, group, version, identity: objectIdentity(apiVersion, kind, value.metadata), value, node, offset });
}

/**
 * The range to underline for `path` inside an object: the `key: value` of the deepest field that
 * exists (only the key when the value is a block, so that a change inside a template doesn't
 * underline the whole template), or the item of a list.
 */
export function rangeOfPath(manifest: ParsedManifest, object: ManifestObject, path: FieldPath): SourceRange {
  let node: unknown = object.node;
  let best: [number, number] | undefined = keyValueRange(pairIn(object.node, 'kind'));
  for (const segment of path) {
    if (isMap(node) && typeof segment === 'string') {
      const pair = pairIn(node, segment);
      if (!pair) break;
      best = keyValueRange(pair) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      const item = node.items[segment] as Node;
      best = itemRange(item) ?? best;
      node = item;
    } else break;
    if (isAlias(node)) break; // the value lives at the anchor; the alias is what the user sees here
  }
  // Without a `kind:` key range (never for a parsed document), the object's own start: a range
  // inside the object's document keeps incremental results equal to a whole-file parse.
  const [start, end] = best ?? [0, 0];
  return offsetsToRange(manifest.lineCounter, object.offset + start, object.offset + end);
}

function keyValueRange(pair: Pair | undefined): [number, number] | undefined {
  if (!pair) return undefined;
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return undefined;
  if (value?.range && (isScalar(value) || isAlias(value) || isFlow(value))) return [key.range[0], value.range[1]];
  return [key.range[0], key.range[1]];
}

function itemRange(item: Node | null): [number, number] | undefined {
  if (!item?.range) return undefined;
  // A list of maps (containers, volumes): underline the item's first line, usually `- name: …`.
  if (isMap(item) && !isFlow(item) && item.items.length > 0) return keyValueRange(item.items[0] as Pair);
  return [item.range[0], item.range[1]];
}

function isFlow(node: Node): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

export function pairIn(map: YAMLMap, key: string): Pair | undefined {
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item;
  }
  return undefined;
}

export function offsetsToRange(lineCounter: LineCounter, start: number, end: number): SourceRange {
  return { start: offsetToPosition(lineCounter, start), end: offsetToPosition(lineCounter, Math.max(start, end)) };
}

function offsetToPosition(lineCounter: LineCounter, offset: number): { line: number; character: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
