/**
 * The HCL parser: tree-sitter (web-tree-sitter + the terraform dialect of tree-sitter-hcl) for
 * structure, exact HCL decoding of literals, positions as LSP positions (0-based line, UTF-16
 * column). No tree-sitter type appears in this module's API.
 *
 * Two ways to build the model, chosen per text (so a reparse and a full parse of the same text
 * always give the same model):
 * - direct: the whole-file tree has no ERROR/MISSING node and nothing tree-sitter reads
 *   differently from HCL (see `treeWalk.ts`): the model is read off that tree;
 * - recovering: otherwise the text is repaired and parsed per top-level block (`recovery.ts`), so
 *   a broken block keeps its neighbours intact, and the errors are reported in readable form.
 * The whole-file tree is kept in both cases, for incremental reparsing, which also reuses the
 * previous model's top-level objects for the items the edit left alone (`incremental.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language as TsLanguage, Parser as TsParser, Tree } from 'web-tree-sitter';
import type { SourcePosition } from '../../../../common/src/findings';
import type { HclBlock, HclFile, HclSyntaxError, TextChange } from './model';
import { LineIndex } from './lineIndex';
import { nodeTypeIds, type NodeTypeIds } from './nodeTypes';
import { BAIL, buildModel, buildSegmentsFromTree, type BuildInput, type BuildOutput } from './modelBuilder';
import { topLevelNodes, type TopLevelNode } from './topLevelNodes';
import { reusedItem, reuseSegment, shiftItem, spliceLayout, type IncrementalContext } from './incremental';
import { finishLayout, type Layout, type LayoutEntry, type TopLevelItem } from './layout';
import { planRecovery, type RecoveryPlan, type RecoverySegment } from './recovery';
import { collectTreeErrors } from './syntaxErrors';

export interface ParsedHclDocument {
  readonly text: string;
  readonly file: HclFile;
  /** Frees the syntax tree (wasm memory). The `file` model stays usable. Idempotent. */
  dispose(): void;
}

export interface HclParserOptions {
  /** `tree-sitter.wasm` of web-tree-sitter. Only the first parser created in a process decides it. */
  runtimeWasmPath?: string;
  /** `tree-sitter-terraform.wasm` of @tree-sitter-grammars/tree-sitter-hcl. */
  grammarWasmPath?: string;
}

type WebTreeSitter = typeof import('web-tree-sitter');

// web-tree-sitter's runtime is global: `Parser.init` runs once per process.
let runtime: Promise<WebTreeSitter> | undefined;
const languages = new Map<string, Promise<TsLanguage>>();

function defaultRuntimeWasm(): string {
  const beside = path.join(__dirname, 'tree-sitter.wasm');
  return fs.existsSync(beside) ? beside : require.resolve('web-tree-sitter/tree-sitter.wasm');
}

function defaultGrammarWasm(): string {
  const beside = path.join(__dirname, 'tree-sitter-terraform.wasm');
  if (fs.existsSync(beside)) return beside;
  return path.join(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-terraform.wasm');
}

function loadRuntime(runtimeWasmPath: string | undefined): Promise<WebTreeSitter> {
  runtime ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const treeSitter = require('web-tree-sitter') as WebTreeSitter;
    const wasm = runtimeWasmPath ?? defaultRuntimeWasm();
    await treeSitter.Parser.init({ locateFile: (name: string, directory: string) => (name.endsWith('.wasm') ? wasm : path.join(directory, name)) });
    return treeSitter;
  })();
  runtime.catch(() => (runtime = undefined));
  return runtime;
}

/**
 * The terraform grammar as HclParser loads it (the same instance, so the same compiled wasm code)
 * and the tree-sitter runtime: for measuring the bare parse against the model built on it.
 */
export async function loadTerraformGrammar(options: HclParserOptions = {}): Promise<{ treeSitter: WebTreeSitter; language: TsLanguage }> {
  const treeSitter = await loadRuntime(options.runtimeWasmPath);
  return { treeSitter, language: await loadLanguage(treeSitter, options.grammarWasmPath ?? defaultGrammarWasm()) };
}

function loadLanguage(treeSitter: WebTreeSitter, grammarWasmPath: string): Promise<TsLanguage> {
  let language = languages.get(grammarWasmPath);
  if (!language) {
    language = treeSitter.Language.load(grammarWasmPath);
    languages.set(grammarWasmPath, language);
    language.catch(() => languages.delete(grammarWasmPath));
  }
  return language;
}

class Document implements ParsedHclDocument {
  constructor(
    readonly text: string,
    readonly file: HclFile,
    private tree: Tree | undefined,
    /** Of the text as parsed (a byte order mark made a space: same lines). */
    readonly lines: LineIndex,
    readonly layout: Layout,
  ) {}

  /** The tree for incremental reparsing; undefined once disposed. */
  get syntaxTree(): Tree | undefined {
    return this.tree;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
  }
}

export class HclParser {
  private constructor(
    private readonly parser: TsParser,
    private readonly types: NodeTypeIds,
  ) {}

  static async create(options: HclParserOptions = {}): Promise<HclParser> {
    const treeSitter = await loadRuntime(options.runtimeWasmPath);
    const language = await loadLanguage(treeSitter, options.grammarWasmPath ?? defaultGrammarWasm());
    const parser = new treeSitter.Parser();
    parser.setLanguage(language);
    return new HclParser(parser, nodeTypeIds(language));
  }

  parse(text: string): ParsedHclDocument {
    const view = withoutBom(text);
    return this.documentFor(text, this.parseTree(view), new LineIndex(view));
  }

  /**
   * Incremental: applies tree.edit() for each LSP-style change (ranges in the text before that
   * change, applied in order), reuses the old tree. Gives exactly the same HclFile as a full parse
   * of newText. The previous document stays usable until disposed by the caller (its tree is
   * copied, not edited). The top-level blocks the changes leave alone are the previous model's
   * objects (`===`), or copies with shifted ranges when lines were inserted or deleted before them.
   */
  reparse(previous: ParsedHclDocument, newText: string, changes: TextChange[]): ParsedHclDocument {
    const old = previous instanceof Document ? previous : undefined;
    const oldTree = old?.syntaxTree;
    // The tree reads a byte order mark as a space: one coming or going is not an edit it can follow.
    if (!old || !oldTree || hasBom(old.text) !== hasBom(newText)) return this.parse(newText);
    const edited = oldTree.copy();
    try {
      let text = old.text;
      let lines = old.lines;
      // What the changes leave alone, at both ends of the text.
      let prefix = Infinity;
      let suffix = Infinity;
      for (let i = 0; i < changes.length; i++) {
        const change = changes[i];
        const startIndex = lines.offsetAt(change.range.start);
        const oldEndIndex = Math.max(startIndex, lines.offsetAt(change.range.end));
        const newEndIndex = startIndex + change.text.length;
        let next: string;
        if (i < changes.length - 1) next = text.slice(0, startIndex) + change.text + text.slice(oldEndIndex);
        else {
          // Changes that do not lead to newText (a caller bug) must not corrupt the tree. The last
          // one is checked piecewise, without building the text.
          if (!replacedGives(text, startIndex, oldEndIndex, change.text, newText)) return this.parse(newText);
          next = newText;
        }
        const nextLines = lines.afterEdit(startIndex, oldEndIndex, change.text, next);
        edited.edit({
          startIndex,
          oldEndIndex,
          newEndIndex,
          startPosition: lines.treeSitterPoint(startIndex),
          oldEndPosition: lines.treeSitterPoint(oldEndIndex),
          newEndPosition: nextLines.treeSitterPoint(newEndIndex),
        });
        prefix = Math.min(prefix, startIndex);
        suffix = Math.min(suffix, text.length - oldEndIndex);
        text = next;
        lines = nextLines;
      }
      if (changes.length === 0 && text !== newText) return this.parse(newText);
      const oldLength = old.text.length;
      const start = Math.min(prefix, oldLength, newText.length);
      suffix = Math.min(suffix, oldLength - start, newText.length - start);
      const tree = this.parseTree(withoutBom(newText), edited);
      const context: IncrementalContext = {
        edit: { start, oldEnd: oldLength - suffix, newEnd: newText.length - suffix, delta: newText.length - oldLength },
        changed: tree.getChangedRanges(edited),
        previous: old.layout,
        oldLines: old.lines,
        newLines: lines,
      };
      return this.documentFor(newText, tree, lines, context);
    } finally {
      edited.delete();
    }
  }

  private parseTree(text: string, oldTree?: Tree): Tree {
    const tree = this.parser.parse(text, oldTree);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  private documentFor(text: string, tree: Tree, lines: LineIndex, context?: IncrementalContext): ParsedHclDocument {
    try {
      const { file, layout } = this.build(withoutBom(text), tree, lines, context);
      return new Document(text, file, tree, lines, layout);
    } catch (error) {
      tree.delete();
      throw error;
    }
  }

  private build(text: string, tree: Tree, lines: LineIndex, context?: IncrementalContext): { file: HclFile; layout: Layout } {
    const hasError = tree.rootNode.hasError;
    const reuse = context && ((start: number, end: number, kind: TopLevelItem['kind']) => reusedItem(context, start, end, kind, hasError));
    if (!hasError) {
      const input: BuildInput = { types: this.types, view: text, viewBase: 0, original: text, lines, tolerant: false, reuse };
      try {
        const spliced = context && spliceLayout(context, tree, input, this.types);
        if (spliced) {
          const blocks: HclBlock[] = [];
          const attributes: HclFile['attributes'] = [];
          for (const entry of spliced.entries) {
            if (!entry.item) continue;
            if (entry.item.kind === 'attribute') attributes.push(entry.item);
            else blocks.push(entry.item);
          }
          return withLayout(finish(blocks, attributes, spliced.errors), spliced.entries, true, spliced.comments);
        }
        const out = buildModel(tree, input);
        const complete = out.complete === true;
        return withLayout(finish(out.blocks, out.attributes, out.errors), out.entries ?? [], complete, complete ? (out.rootComments ?? []) : []);
      } catch (error) {
        if (error !== BAIL) throw error;
      }
    }
    return this.recover(text, lines, tree, reuse, context);
  }

  /**
   * The recovering parse (`recovery.ts`). A segment untouched by the repairs whose top-level items
   * the whole-file tree holds intact is built from that tree (what parsing it alone would give);
   * any other segment is parsed on its own, from the repaired text.
   */
  private recover(text: string, lines: LineIndex, wholeTree: Tree, reuse: BuildInput['reuse'], context?: IncrementalContext): { file: HclFile; layout: Layout } {
    const plan = planRecovery(text);
    const segments = plan.segments;
    const reusable = this.reusableSegments(segments, topLevelNodes(wholeTree, this.types));
    const segmentOf = (offset: number): number => {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid].originalStart <= offset) lo = mid;
        else hi = mid - 1;
      }
      return reusable[lo] ? lo : -1;
    };
    const reused = buildSegmentsFromTree(wholeTree, { types: this.types, view: text, viewBase: 0, original: text, lines, tolerant: false, reuse }, segmentOf);

    const errors: HclSyntaxError[] = plan.errors.map((e) => ({
      range: { start: lines.positionAt(e.start), end: lines.positionAt(e.end) },
      message: e.message,
    }));
    const blocks: HclBlock[] = [];
    const attributes: BuildOutput['attributes'] = [];
    // Only items built from the whole-file tree (strictly, as a direct parse builds them) or taken
    // from the previous document are offered for reuse by the next reparse.
    const entries: LayoutEntry[] = [];
    const spans: Array<[number, number]> = [];
    const add = (out: BuildOutput) => {
      blocks.push(...out.blocks);
      attributes.push(...out.attributes);
      errors.push(...out.errors);
    };
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (reusable[i] && !reused.failed.has(i)) {
        const fromTree = reused.outputs.get(i);
        if (fromTree) {
          add(fromTree);
          if (fromTree.entries) entries.push(...fromTree.entries);
        }
        spans.push([segment.originalStart, segment.originalEnd]);
        continue;
      }
      const kept = context && !segment.repaired ? reuseSegment(context, segment.originalStart, segment.originalEnd) : undefined;
      if (kept) {
        blocks.push(...kept.blocks);
        attributes.push(...kept.attributes);
        entries.push(...kept.entries);
        spans.push([segment.originalStart, segment.originalEnd]);
      } else this.parseSegment(text, lines, plan, segment, add, errors);
    }
    return withLayout(finish(blocks, attributes, errors), entries, false, spans);
  }

  /**
   * A segment can be taken from the whole-file tree when no repair touches it and every top-level
   * node in it (comments included) is an intact item lying entirely inside it.
   */
  private reusableSegments(segments: RecoveryPlan['segments'], nodes: TopLevelNode[]): boolean[] {
    const reusable = segments.map((s) => !s.repaired);
    // Top-level nodes are siblings: sorted and disjoint.
    let n = 0;
    for (let i = 0; i < segments.length; i++) {
      const { originalStart: start, originalEnd: end } = segments[i];
      while (n < nodes.length && nodes[n].end <= start && nodes[n].start < start) n++;
      for (let k = n; k < nodes.length && nodes[k].start < end; k++) {
        const node = nodes[k];
        if (!node.intact || node.start < start || node.end > end) {
          reusable[i] = false;
          break;
        }
      }
    }
    return reusable;
  }

  private parseSegment(text: string, lines: LineIndex, plan: RecoveryPlan, segment: RecoverySegment, add: (out: BuildOutput) => void, errors: HclSyntaxError[]): void {
    const view = plan.repaired.slice(segment.start, segment.end);
    if (!view.trim()) return;
    const tree = this.parseTree(view);
    try {
      const hasError = tree.rootNode.hasError;
      const input = {
        types: this.types,
        view,
        viewBase: segment.start,
        toOriginal: plan.toOriginal,
        placeholders: plan.placeholders,
        original: text,
        lines,
      };
      let out: BuildOutput | undefined;
      if (!hasError && !segment.repaired) {
        try {
          out = buildModel(tree, { ...input, tolerant: false });
        } catch (error) {
          if (error !== BAIL) throw error;
        }
      }
      add(out ?? buildModel(tree, { ...input, tolerant: true }));
      if (hasError) {
        for (const e of collectTreeErrors(tree.rootNode, view)) {
          errors.push({
            range: {
              start: lines.positionAt(plan.toOriginal(e.start + segment.start)),
              end: lines.positionAt(plan.toOriginal(e.end + segment.start)),
            },
            message: e.message,
          });
        }
      }
    } finally {
      tree.delete();
    }
  }
}

/** Whether replacing [start, end) of `text` by `inserted` gives `result`. */
function replacedGives(text: string, start: number, end: number, inserted: string, result: string): boolean {
  const tail = text.length - end;
  return (
    result.length === start + inserted.length + tail &&
    result.startsWith(inserted, start) &&
    (start === 0 || text.slice(0, start) === result.slice(0, start)) &&
    (tail === 0 || text.slice(end) === result.slice(start + inserted.length))
  );
}

/**
 * HCL skips a leading byte order mark; tree-sitter would stumble on it. It becomes a space (same
 * length: offsets and positions do not move, and the BOM stays part of the document's text).
 */
function withoutBom(text: string): string {
  return hasBom(text) ? ` ${text.slice(1)}` : text;
}

function hasBom(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}

function comparePositions(a: SourcePosition, b: SourcePosition): number {
  return a.line - b.line || a.character - b.character;
}

interface Finished {
  file: HclFile;
  /** Top-level blocks `finish` replaced by a copy (to flag it), and the copy. */
  replaced: Map<TopLevelItem, TopLevelItem>;
}

/**
 * Sorts and de-duplicates the errors and flags every block that contains one. A top-level block
 * holding an error is replaced by a copy first: the objects may be shared with a previous document
 * (`incremental.ts`), which must not change.
 */
function finish(blocks: HclBlock[], attributes: HclFile['attributes'], errors: HclSyntaxError[]): Finished {
  const replaced = new Map<TopLevelItem, TopLevelItem>();
  if (errors.length === 0) return { file: { blocks, attributes, errors }, replaced };
  errors.sort(
    (a, b) =>
      comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  const unique = errors.filter(
    (e, i) =>
      i === 0 ||
      e.message !== errors[i - 1].message ||
      comparePositions(e.range.start, errors[i - 1].range.start) !== 0 ||
      comparePositions(e.range.end, errors[i - 1].range.end) !== 0,
  );
  const copies = new Set<HclBlock>();
  for (const error of unique) {
    const at = error.range.start;
    for (let i = 0; i < blocks.length; i++) {
      let block = blocks[i];
      if (comparePositions(block.range.start, at) > 0 || comparePositions(at, block.range.end) > 0) continue;
      if (!copies.has(block)) {
        const copy = shiftItem(block, 0);
        replaced.set(block, copy);
        copies.add(copy);
        blocks[i] = block = copy;
      }
      block.hasErrors = true;
      flagBlocks(block.blocks, at);
    }
  }
  return { file: { blocks, attributes, errors: unique }, replaced };
}

function withLayout(finished: Finished, entries: LayoutEntry[], complete: boolean, spans: Array<[number, number]>): { file: HclFile; layout: Layout } {
  return { file: finished.file, layout: finishLayout(entries, finished.file.errors, finished.replaced, complete, spans) };
}

function flagBlocks(blocks: HclBlock[], at: SourcePosition): void {
  for (const block of blocks) {
    if (comparePositions(block.range.start, at) <= 0 && comparePositions(at, block.range.end) <= 0) {
      block.hasErrors = true;
      flagBlocks(block.blocks, at);
    }
  }
}
