/**
 * A provider file cut at its resource entries, so that one resource's knowledge can be parsed
 * (and validated) when the analysis first meets its type, without parsing the thousands of others.
 *
 * The cut keeps every byte: `skeleton[0]` is the text before the first entry's value,
 * `skeleton[i]` the text between entry `i - 1` and entry `i` (a comma, the next key), and the last
 * one the text after the last entry. Joining them in turn gives back the file exactly.
 *
 * Large generated files put one resource per line (`"resources":{`, then `"aws_x":{…},` lines,
 * then `}`). In that layout an entry is the rest of its line, found without scanning its brackets,
 * so one broken line spoils only its own entry. Any other layout (the small hand-made files are
 * pretty-printed) is cut by scanning the JSON's structure.
 */

export interface ProviderFileParts {
  /** Resource types, in file order. */
  types: string[];
  /** Each type's value as JSON text, in the same order; parsed only on demand. */
  entries: string[];
  /** The text around the entries; always one more than `entries`. */
  skeleton: string[];
}

/** A cut that could not be made: the file is not JSON (or not an object). */
export class ProviderFileSyntaxError extends Error {}

export function joinProviderFile(parts: ProviderFileParts): string {
  let text = parts.skeleton[0];
  for (let i = 0; i < parts.entries.length; i++) text += parts.entries[i] + parts.skeleton[i + 1];
  return text;
}

/**
 * The file with every resource entry replaced by `0`: small enough to parse whole, it carries
 * everything but the entries (provider, generatedBy, aliases, coverage) and the entries' names.
 */
export function envelopeText(parts: Pick<ProviderFileParts, 'skeleton'>): string {
  return parts.skeleton.join('0');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;

/** Cuts `text`, a JSON object with a `resources` object member; throws ProviderFileSyntaxError where it is not one. */
export function splitProviderFile(text: string): ProviderFileParts {
  const scanner = new Scanner(text);
  const parts: ProviderFileParts = { types: [], entries: [], skeleton: [] };
  let pieceStart = 0;
  let sawResources = false;
  scanner.skipWhitespace();
  scanner.expect(OPEN_BRACE, 'the top level must be an object');
  scanner.skipWhitespace();
  if (scanner.peek() === CLOSE_BRACE) scanner.pos++;
  else {
    for (;;) {
      scanner.skipWhitespace();
      const key = scanner.readKey();
      scanner.skipWhitespace();
      scanner.expect(0x3a, "expected ':'");
      scanner.skipWhitespace();
      if (key === 'resources' && scanner.peek() === OPEN_BRACE) {
        if (sawResources) scanner.fail('resources appears twice');
        sawResources = true;
        pieceStart = cutResources(scanner, parts, pieceStart);
      } else scanner.skipValue();
      scanner.skipWhitespace();
      const next = scanner.peek();
      scanner.pos++;
      if (next === CLOSE_BRACE) break;
      if (next !== 0x2c) scanner.fail("expected ',' or '}'", scanner.pos - 1);
    }
  }
  scanner.skipWhitespace();
  if (scanner.pos < text.length) scanner.fail('unexpected text after the top-level object');
  parts.skeleton.push(text.slice(pieceStart));
  return parts;
}

/** Cuts the members of the `resources` object at the scanner; returns where the next skeleton piece starts. */
function cutResources(scanner: Scanner, parts: ProviderFileParts, pieceStart: number): number {
  const text = scanner.text;
  scanner.pos++;
  const linesLayout = startsOneEntryPerLine(scanner);
  for (;;) {
    scanner.skipWhitespace();
    if (scanner.peek() === CLOSE_BRACE) {
      scanner.pos++;
      return pieceStart;
    }
    const type = scanner.readKey();
    scanner.skipWhitespace();
    scanner.expect(0x3a, "expected ':'");
    scanner.skipWhitespace();
    const valueStart = scanner.pos;
    let valueEnd: number;
    if (linesLayout) {
      let lineEnd = text.indexOf('\n', valueStart);
      if (lineEnd < 0) lineEnd = text.length;
      valueEnd = lineEnd;
      while (valueEnd > valueStart && /\s/.test(text[valueEnd - 1])) valueEnd--;
      if (text.charCodeAt(valueEnd - 1) === 0x2c) valueEnd--;
      scanner.pos = valueEnd;
    } else {
      scanner.skipValue();
      valueEnd = scanner.pos;
    }
    parts.skeleton.push(text.slice(pieceStart, valueStart));
    parts.types.push(type);
    parts.entries.push(text.slice(valueStart, valueEnd));
    pieceStart = valueEnd;
    scanner.skipWhitespace();
    if (scanner.peek() === 0x2c) scanner.pos++;
    else if (scanner.peek() !== CLOSE_BRACE) scanner.fail("expected ',' or '}' after a resource");
  }
}

/**
 * One entry per line: the object opens its line, and its first entry's value ends on the line it
 * starts on. Decided from the first entry (scanned), then trusted for the others.
 */
function startsOneEntryPerLine(scanner: Scanner): boolean {
  const text = scanner.text;
  const save = scanner.pos;
  let at = save;
  while (text[at] === ' ' || text[at] === '\t' || text[at] === '\r') at++;
  if (text.charCodeAt(at) !== NEWLINE) return false;
  try {
    scanner.skipWhitespace();
    if (scanner.peek() === CLOSE_BRACE) return false;
    scanner.readKey();
    scanner.skipWhitespace();
    scanner.expect(0x3a, "expected ':'");
    scanner.skipWhitespace();
    const lineEnd = text.indexOf('\n', scanner.pos);
    scanner.skipValue();
    return lineEnd < 0 || scanner.pos <= lineEnd;
  } catch {
    // The first entry is broken; on its own line, it is still only its own entry that is lost.
    return true;
  } finally {
    scanner.pos = save;
  }
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  fail(message: string, at = this.pos): never {
    const before = this.text.slice(0, Math.min(at, this.text.length));
    const line = before.split('\n').length;
    const atEnd = at >= this.text.length;
    throw new ProviderFileSyntaxError(`${atEnd ? 'unexpected end of the file' : message} at line ${line}`);
  }

  expect(code: number, message: string): void {
    if (this.peek() !== code) this.fail(message);
    this.pos++;
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** Moves past a string starting at `pos`; returns nothing, the caller slices. */
  skipString(): void {
    if (this.peek() !== QUOTE) this.fail('expected a string');
    let at = this.pos + 1;
    for (;;) {
      const close = this.text.indexOf('"', at);
      if (close < 0) this.fail('unterminated string', this.text.length);
      let backslashes = 0;
      while (this.text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
      at = close + 1;
      if (backslashes % 2 === 0) break;
    }
    this.pos = at;
  }

  readKey(): string {
    const start = this.pos;
    this.skipString();
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.fail('a key is not a valid string', start);
    }
  }

  /** Moves past one JSON value; strings are skipped whole, so brackets inside them do not count. */
  skipValue(): void {
    const text = this.text;
    const first = this.peek();
    if (first === QUOTE) return this.skipString();
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let depth = 0;
      for (let at = this.pos; at < text.length; at++) {
        const c = text.charCodeAt(at);
        if (c === QUOTE) {
          this.pos = at;
          this.skipString();
          at = this.pos - 1;
        } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            this.pos = at + 1;
            return;
          }
        }
      }
      this.fail('unbalanced brackets', text.length);
    }
    const start = this.pos;
    let at = start;
    while (at < text.length && !/[\s,}\]]/.test(text[at])) at++;
    if (at === start) this.fail('a value is missing');
    this.pos = at;
  }
}
