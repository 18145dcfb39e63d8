/**
 * Re-parses a manifest after an edit by re-parsing only the YAML documents whose text changed.
 * Parsing YAML with positions is the dominant cost (a 1,000-object, 600 KB manifest takes several
 * hundred ms with the `yaml` library), far over the 30 ms budget of a re-analysis while typing;
 * an edit usually touches one document. Pure: text and the previous result in, result out.
 *
 * The file is cut at document-start lines (`---` at column 0 followed by a blank or the line
 * end). The `yaml` lexer ends whatever it is in there — block, plain, quoted scalars and flow
 * collections alike — so each piece parses exactly as it does inside the whole stream. The one
 * state the composer carries across is directives (`%YAML`, `%TAG`, written before the `---` of
 * the document they belong to), so a file with a line starting with `%` is parsed whole.
 * Anchors are document-scoped in YAML, so aliases never reach into another piece.
 *
 * That holds for YAML without errors; a file with one is parsed whole (see below). The result
 * equals parseManifest's (tests compare them after random edits), except that the node ranges
 * of documents count from their piece's start (ManifestObject.offset).
 */
import { LineCounter } from 'yaml';
import { offsetsToRange, parseManifest, parseStream, type ManifestObject, type ParsedManifest, type ParsedStream } from './manifestParser';

/** One piece of the file: a document start line and what follows up to the next one. */
interface ManifestPiece {
  text: string;
  start: number;
  stream: ParsedStream;
  objects: ManifestObject[];
}

export interface IncrementalManifest extends ParsedManifest {
  /** Undefined when the file was parsed whole (directives): the next edit parses it whole again. */
  pieces?: ManifestPiece[];
}

/** A line starting with `%` may be a directive; it belongs to the document after the next `---`. */
const DIRECTIVE_LINE = /^%/m;

export function reparseManifest(text: string, previous?: IncrementalManifest): IncrementalManifest {
  if (DIRECTIVE_LINE.test(text)) return parseManifest(text);
  // Previous pieces by text; each is reused at most once so that no two objects share a tree.
  const reusable = new Map<string, ManifestPiece[]>();
  for (const piece of previous?.pieces ?? []) {
    const list = reusable.get(piece.text);
    if (list) list.push(piece);
    else reusable.set(piece.text, [piece]);
  }
  const starts = documentStarts(text);
  const pieces: ManifestPiece[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const pieceText = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
    const old = reusable.get(pieceText)?.shift();
    if (old) {
      // Same text, same trees: only the offset moves (objects are copied, never mutated, since
      // an analysis of the previous text may still hold them).
      pieces.push(old.start === start ? old : { ...old, start, objects: old.objects.map((o) => ({ ...o, offset: start })) });
    } else {
      const stream = parseStream(pieceText, undefined, start);
      pieces.push({ text: pieceText, start, stream, objects: stream.objects });
    }
  }
  // Where the YAML is broken, the lexer's recovery reads past the piece (an unclosed quote looks
  // for its closing quote in later documents), so pieces would report other errors than the
  // whole file: parse it whole while any piece has an error. The pieces are kept, so that the
  // edit that fixes the error re-parses only its own piece again.
  if (pieces.some((piece) => piece.stream.errors.length > 0)) return { ...parseManifest(text), pieces };
  const lineCounter = lineCounterOf(text);
  const manifest: IncrementalManifest = { text, objects: [], syntaxErrors: [], documents: [], lineCounter, pieces };
  for (const piece of pieces) {
    for (const error of piece.stream.errors) {
      manifest.syntaxErrors.push({ range: offsetsToRange(lineCounter, piece.start + error.start, piece.start + error.end), message: error.message });
    }
    for (const document of piece.stream.documents) manifest.documents.push({ document, offset: piece.start });
    for (const object of piece.objects) manifest.objects.push(object);
  }
  return manifest;
}

/** Offsets where pieces start: 0, and each line that the `yaml` lexer reads as a document start. */
export function documentStarts(text: string): number[] {
  const starts = [0];
  const atMarker = (at: number) => text.startsWith('---', at) && isBlank(text[at + 3]);
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    if (text.charCodeAt(nl + 1) === 45 /* - */ && atMarker(nl + 1)) starts.push(nl + 1);
  }
  return starts;
}

/** The lexer's `isEmpty`: end of input, space, tab, or a line break. */
function isBlank(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Line starts as the `yaml` parser records them: after every `\n` (a `\r\n` ends with one). */
function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lineCounter.addNewLine(nl + 1);
  return lineCounter;
}
