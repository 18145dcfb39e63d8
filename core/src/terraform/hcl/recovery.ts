/**
 * The recovering parse's plan for a file tree-sitter could not read cleanly.
 *
 * tree-sitter's HCL grammar ignores line breaks, so its error recovery works across lines: a block
 * missing its `}` swallows every block after it, `file_permission =` with nothing after it takes
 * the next line's `}` as the start of an object value, an unterminated `"` pairs with the next
 * quote in the file, and junk between two blocks turns the following block into labels of a
 * bogus block. HCL itself is line-oriented, and Terraform files are regular, so a light line
 * lexer (comments, quoted strings, heredocs, brackets) repairs the text before tree-sitter sees it:
 *
 * - the file is cut into segments at lines that start, in column 0 and outside strings, heredocs
 *   and comments, with a top-level block keyword (`resource`, `data`, `module`, …); each segment
 *   is parsed on its own, so a broken block never takes the blocks after it with it;
 * - `name =` with nothing after it (also `key =` inside an object) gets a placeholder value,
 *   reported as "Missing value";
 * - a quoted string still open at the end of its line is closed there;
 * - a heredoc with no closing marker line is blanked (with a placeholder value);
 * - an unterminated `/*` comment is blanked to the end of its line;
 * - at block-body level, a line that is neither `name = …`, nor a block header `type "label" {`,
 *   nor `}` (nor blank, nor a comment) is blanked and reported (consecutive ones as one error);
 * - `1e3` and `1.e3`, valid HCL numbers the grammar cannot read, get a `.0`/`0` inserted;
 * - in `"$$${x}"` (and `%%%{`) the first character is blanked: HCL reads `$` + the escape `$${`,
 *   tree-sitter `$$` + an interpolation. Literals are decoded from the original text.
 *
 * Blanking replaces characters with spaces; insertions never contain a line break (except one
 * final newline at the end of the file), so rows never move, and `toOriginal` maps repaired
 * offsets back (an inserted character maps to its insertion point: synthesised nodes get an
 * empty range there). Other repairs:
 * - `"${var.x"`: a quote inside an interpolation with no partner on its line closes the string,
 *   and the missing `}` is inserted before it;
 * - a `}` (or `]`, `)`) that closes a construct with brackets still open inside gets the missing
 *   `]`/`)` inserted before it.
 *
 * Limits (documented, tested where possible): a nested block missing its `}` still takes the rest
 * of its enclosing top-level block (a column-0 keyword is the only resynchronisation point); a
 * top-level block that does not start in column 0 is not a cut point; a column-0 `data` block
 * nested in a `check` block is (wrongly) cut; a `${ … }` inside a quoted string may span lines
 * (HCL allows it), so an unterminated one is only repaired when its line holds the closing quote;
 * a block header broken by junk (`resource "a" "b" ] {`) is blanked as a whole line, its body
 * then reads as top-level arguments. Only files with an error take this path (`hclParser.ts`).
 */
import { LineIndex } from './lineIndex';
import { isHclSpace } from './decodeLiteral';
import { snippet, type RawSyntaxError } from './syntaxErrors';

export interface RecoverySegment {
  /** [start, end) in the repaired text. */
  readonly start: number;
  readonly end: number;
  /** [originalStart, originalEnd) in the original text. */
  readonly originalStart: number;
  readonly originalEnd: number;
  /** Whether a repair (or a problem found while repairing) falls in this segment. */
  readonly repaired: boolean;
}

export interface RecoveryPlan {
  /** The text with the repairs applied (what tree-sitter parses). */
  readonly repaired: string;
  /** The segments, in order, covering the text entirely. */
  readonly segments: ReadonlyArray<RecoverySegment>;
  /** Problems found while repairing, in original offsets. */
  readonly errors: RawSyntaxError[];
  /** Offsets in `repaired` where a placeholder value was inserted. */
  readonly placeholders: ReadonlySet<number>;
  /** Maps an offset in `repaired` to the offset in the original text. */
  toOriginal(offset: number): number;
}

const TOP_LEVEL_KEYWORDS = ['resource', 'data', 'ephemeral', 'module', 'variable', 'output', 'locals', 'moved', 'import', 'removed', 'terraform', 'provider', 'check'];
const TOP_LEVEL = new RegExp(`^(?:${TOP_LEVEL_KEYWORDS.join('|')})(?![\\p{ID_Continue}-])(?![ \\t]*=)`, 'u');

const IDENT = '[\\p{ID_Start}_][\\p{ID_Continue}-]*';
const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
const TRAILING_COMMENT = '(?:(?:#|//).*)?';
const ATTRIBUTE = new RegExp(`^(${IDENT})[ \\t]*=(?![=>])`, 'u');
const BLOCK_HEADER = new RegExp(`^${IDENT}(?:[ \\t]+${IDENT}|[ \\t]*${QUOTED})*[ \\t]*\\{`, 'u');
const HEADER_WITHOUT_BRACE = new RegExp(`^${IDENT}(?:[ \\t]+${IDENT}|[ \\t]*${QUOTED})+[ \\t]*${TRAILING_COMMENT}$`, 'u');
const BARE_IDENTIFIER = new RegExp(`^${IDENT}[ \\t]*${TRAILING_COMMENT}$`, 'u');
const NOTHING_LEFT = new RegExp(`^[ \\t]*${TRAILING_COMMENT}$`, 'u');
const OBJECT_KEY_WITHOUT_VALUE = new RegExp(`^[ \\t]*(${IDENT}|${QUOTED})[ \\t]*[=:](?![=>])[ \\t]*${TRAILING_COMMENT}$`, 'u');
const HEREDOC_INTRO = new RegExp(`<<(-?)(${IDENT})`, 'uy');

/** Inserted where a value is missing: any single-token expression will do. */
const PLACEHOLDER = '0';

const enum Kind {
  Body,
  Object,
  Tuple,
  Paren,
  Interp,
  String,
  Heredoc,
}

interface Frame {
  kind: Kind;
  /** Where it opened (strings, brackets, interpolations). */
  start?: number;
  /** Heredoc: the line holding the closing marker. */
  endLine?: number;
}

interface Insertion {
  at: number;
  text: string;
  placeholder: boolean;
}

export function planRecovery(text: string): RecoveryPlan {
  return new Recovery(text).run();
}

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentifierPart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || isDigit(code) || code === 95 /* _ */ || code === 45 /* - */ || code > 0x7f;
}

function hclTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isHclSpace(s.charCodeAt(start))) start++;
  while (end > start && isHclSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

class Recovery {
  private readonly lines: LineIndex;
  private stack: Frame[] = [{ kind: Kind.Body }];
  private inComment = false;
  /** An `=` was seen on the current line at body level: a `{` now opens an object, not a block. */
  private exprMode = false;
  private readonly insertions: Insertion[] = [];
  private readonly masks: Array<[number, number]> = [];
  private readonly errors: RawSyntaxError[] = [];
  private readonly segmentStarts: number[] = [0];
  private line = 0;
  /** The last junk-line error and its line, to merge consecutive junk lines. */
  private junk?: { error: RawSyntaxError; line: number };

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  run(): RecoveryPlan {
    const lines = this.lines;
    for (this.line = 0; this.line < lines.lineCount; this.line++) {
      const start = lines.lineStart(this.line);
      const end = lines.lineContentEnd(this.line);
      this.exprMode = false;
      let pos = start;
      if (this.inComment) {
        const close = this.text.indexOf('*/', start);
        if (close === -1 || close + 2 > end) continue;
        this.inComment = false;
        pos = close + 2;
      } else {
        const top = this.top();
        if (top.kind === Kind.Heredoc) {
          if (this.line === top.endLine) {
            this.stack.pop();
            continue;
          }
        } else if (top.kind !== Kind.String) {
          if (start > 0 && isLetter(this.text.charCodeAt(start)) && TOP_LEVEL.test(this.text.slice(start, Math.min(end, start + 40)))) {
            this.segmentStarts.push(start);
            this.stack = [{ kind: Kind.Body }];
            this.junk = undefined;
          }
          const kind = this.top().kind;
          if (kind === Kind.Body) {
            if (this.bodyLine(start, end)) continue;
          } else if (kind === Kind.Object) this.objectLine(start, end);
        }
      }
      this.scan(pos, end);
      const top = this.top();
      if (top.kind === Kind.String) {
        this.insert(end, '"', false);
        this.error(top.start ?? end, end, 'Missing closing quote: a quoted string must end on the line where it starts');
        this.stack.pop();
      }
    }
    return this.plan();
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1];
  }

  private insert(at: number, text: string, placeholder: boolean): void {
    this.insertions.push({ at, text, placeholder });
  }

  private error(start: number, end: number, message: string): void {
    this.errors.push({ start, end, message });
  }

  /**
   * A line starting at block-body level. Returns true when the line is done with (blank, or
   * blanked as junk).
   */
  private bodyLine(start: number, end: number): boolean {
    const text = this.text;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (first === end) return true;
    const c = text.charCodeAt(first);
    if (c === 35 /* # */ || c === 125 /* } */ || (c === 47 /* / */ && (text.charCodeAt(first + 1) === 47 || text.charCodeAt(first + 1) === 42))) return false;
    // Common case first, without regular expressions: `name = value` with something after `=`.
    if (isLetter(c) || c === 95 /* _ */) {
      let i = first + 1;
      while (i < end && isIdentifierPart(text.charCodeAt(i)) && text.charCodeAt(i) < 0x80) i++;
      const nameEnd = i;
      while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
      const next = text.charCodeAt(i + 1);
      if (text.charCodeAt(i) === 61 /* = */ && next !== 61 && next !== 62 && nameEnd > first && text.charCodeAt(nameEnd) < 0x80) {
        let v = i + 1;
        while (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9) v++;
        const after = text.charCodeAt(v);
        if (v < end && after !== 35 && !(after === 47 && text.charCodeAt(v + 1) === 47)) return false;
      }
    }
    const rest = text.slice(first, end);
    const attribute = ATTRIBUTE.exec(rest);
    if (attribute) {
      const equalsEnd = first + attribute[0].length;
      if (NOTHING_LEFT.test(text.slice(equalsEnd, end))) {
        this.insert(equalsEnd, PLACEHOLDER, true);
        this.error(first, equalsEnd, `Missing value for argument "${attribute[1]}"`);
      }
      return false;
    }
    if (BLOCK_HEADER.test(rest)) return false;
    this.masks.push([first, end]);
    let message: string;
    if (HEADER_WITHOUT_BRACE.test(rest)) {
      message = `Missing "{" after block header ${snippet(rest.replace(/[ \t]*(?:#|\/\/).*$/, ''))}: a block body opens on the header's line`;
    } else if (BARE_IDENTIFIER.test(rest)) {
      message = `Syntax error: unexpected "${snippet(rest)}": an argument needs "= value", a block needs "{"`;
    } else message = `Syntax error: unexpected "${snippet(rest)}"`;
    if (this.junk && this.junk.line === this.line - 1) {
      this.junk.error.end = end;
      this.junk.line = this.line;
    } else {
      const error = { start: first, end, message };
      this.errors.push(error);
      this.junk = { error, line: this.line };
    }
    return true;
  }

  /** A line starting inside an object constructor: only `key =` without a value is repaired. */
  private objectLine(start: number, end: number): void {
    const line = this.text.slice(start, end);
    const match = OBJECT_KEY_WITHOUT_VALUE.exec(line);
    if (!match) return;
    const separator = line.indexOf(match[1]) + match[1].length;
    const separatorEnd = start + line.slice(separator).search(/[=:]/) + separator + 1;
    this.insert(separatorEnd, PLACEHOLDER, true);
    this.error(start + line.indexOf(match[1]), separatorEnd, `Missing value for ${match[1].startsWith('"') ? match[1] : `"${match[1]}"`}`);
  }

  /** Lexes [pos, end) of the current line, updating the frame stack. */
  private scan(pos: number, end: number): void {
    const text = this.text;
    while (pos < end) {
      const top = this.top();
      const c = text.charCodeAt(pos);
      if (top.kind === Kind.String || top.kind === Kind.Heredoc) {
        if (c === 92 /* \ */ && top.kind === Kind.String) pos += 2;
        else if (c === 34 /* " */ && top.kind === Kind.String) {
          this.stack.pop();
          pos++;
        } else if (c === 36 /* $ */ || c === 37 /* % */) {
          let run = 1;
          while (text.charCodeAt(pos + run) === c) run++;
          if (text.charCodeAt(pos + run) !== 123 /* { */) pos += run;
          else if (run === 1) {
            this.stack.push({ kind: Kind.Interp, start: pos });
            pos += 2;
          } else {
            // HCL reads `$$${` as `$` + the escape `$${`; tree-sitter pairs `$$` from the left and
            // sees an interpolation. An odd run loses its first character to make them agree (the
            // literal is decoded from the original text).
            if (run % 2 === 1) this.masks.push([pos, pos + 1]);
            pos += run + 1;
          }
        } else pos++;
        continue;
      }
      // Code: body, object, tuple, parentheses, interpolation.
      switch (c) {
        case 35 /* # */:
          return;
        case 47 /* / */: {
          const next = text.charCodeAt(pos + 1);
          if (next === 47) return;
          if (next === 42 /* * */) {
            const close = text.indexOf('*/', pos + 2);
            if (close === -1) {
              this.masks.push([pos, end]);
              this.error(pos, end, 'Unterminated comment: "/*" has no closing "*/"');
              return;
            }
            if (close + 2 > end) {
              this.inComment = true;
              return;
            }
            pos = close + 2;
            continue;
          }
          pos++;
          continue;
        }
        case 34 /* " */: {
          const below = this.stack[this.stack.length - 2];
          if (top.kind === Kind.Interp && below?.kind === Kind.String && !text.slice(pos + 1, end).includes('"')) {
            // `"${var.x"`: a quote inside an interpolation with no partner on the line is the
            // string's end, the interpolation's `}` is missing.
            this.insert(pos, '}', false);
            this.error(top.start ?? pos, pos, 'Missing "}" to close the interpolation "${"');
            this.stack.length -= 2;
            pos++;
            continue;
          }
          this.stack.push({ kind: Kind.String, start: pos });
          pos++;
          continue;
        }
        case 60 /* < */:
          if (text.charCodeAt(pos + 1) === 60) {
            pos = this.heredoc(pos, end);
            continue;
          }
          pos += text.charCodeAt(pos + 1) === 61 ? 2 : 1;
          continue;
        case 123 /* { */:
          this.stack.push({ kind: top.kind === Kind.Body && !this.exprMode ? Kind.Body : Kind.Object, start: pos });
          pos++;
          continue;
        case 125 /* } */:
          this.close(Kind.Body, pos);
          pos++;
          continue;
        case 126 /* ~ */:
          if (text.charCodeAt(pos + 1) === 125) {
            this.close(Kind.Body, pos);
            pos += 2;
          } else pos++;
          continue;
        case 91 /* [ */:
          this.stack.push({ kind: Kind.Tuple, start: pos });
          pos++;
          continue;
        case 93 /* ] */:
          this.close(Kind.Tuple, pos);
          pos++;
          continue;
        case 40 /* ( */:
          this.stack.push({ kind: Kind.Paren, start: pos });
          pos++;
          continue;
        case 41 /* ) */:
          this.close(Kind.Paren, pos);
          pos++;
          continue;
        case 61 /* = */: {
          const next = text.charCodeAt(pos + 1);
          if (next === 61 || next === 62) pos += 2;
          else {
            this.exprMode = true;
            pos++;
          }
          continue;
        }
        case 33 /* ! */:
        case 62 /* > */:
          pos += text.charCodeAt(pos + 1) === 61 ? 2 : 1;
          continue;
      }
      if (isDigit(c)) {
        // After a dot it is a legacy index (`a.0`), not the start of a number.
        if (text.charCodeAt(pos - 1) === 46) {
          while (isDigit(text.charCodeAt(pos))) pos++;
        } else pos = this.number(pos);
        continue;
      }
      if (isIdentifierPart(c) && c !== 45) {
        pos++;
        while (pos < end && isIdentifierPart(text.charCodeAt(pos))) pos++;
        continue;
      }
      pos++;
    }
  }

  /**
   * A closer at `pos`: `}` (kind Body: closes a block, an object or an interpolation), `]` or `)`.
   * Brackets left open inside what it closes get their closer inserted before it (and reported);
   * a `]`/`)` never closes across a brace, and a stray closer is left for tree-sitter to report.
   */
  private close(kind: Kind, pos: number): void {
    const stack = this.stack;
    const isBrace = (k: Kind) => k === Kind.Body || k === Kind.Object || k === Kind.Interp;
    let i = stack.length - 1;
    for (; i > 0; i--) {
      const frame = stack[i].kind;
      if (kind === Kind.Body ? isBrace(frame) : frame === kind) break;
      if (isBrace(frame)) return;
    }
    if (i === 0) return;
    for (let k = stack.length - 1; k > i; k--) {
      const closer = stack[k].kind === Kind.Tuple ? ']' : ')';
      this.insert(pos, closer, false);
      const start = stack[k].start ?? pos;
      this.error(start, start + 1, `Missing "${closer}" to close "${closer === ']' ? '[' : '('}"`);
    }
    stack.length = i;
  }

  /** A number literal at `pos` (not inside an identifier): rewrites exponent forms tree-sitter lacks. */
  private number(pos: number): number {
    const text = this.text;
    const digits = (k: number) => {
      while (isDigit(text.charCodeAt(k))) k++;
      return k;
    };
    /** End of an exponent starting at `k`, or -1. */
    const exponent = (k: number) => {
      const e = text.charCodeAt(k);
      if (e !== 101 && e !== 69) return -1;
      let d = k + 1;
      const sign = text.charCodeAt(d);
      if (sign === 43 || sign === 45) d++;
      return isDigit(text.charCodeAt(d)) ? digits(d) : -1;
    };
    let j = digits(pos);
    if (text.charCodeAt(j) === 46 /* . */ && isDigit(text.charCodeAt(j + 1))) {
      j = digits(j + 1);
      const end = exponent(j);
      return end < 0 ? j : end;
    }
    let end = exponent(j);
    if (end >= 0) {
      this.insert(j, '.0', false); // 1e3 → 1.0e3
      return end;
    }
    if (text.charCodeAt(j) === 46 && (end = exponent(j + 1)) >= 0) {
      this.insert(j + 1, '0', false); // 1.e3 → 1.0e3
      return end;
    }
    return j;
  }

  /** `<<EOT` / `<<-EOT` at `pos`: enters the heredoc, or blanks it when no line closes it. */
  private heredoc(pos: number, end: number): number {
    HEREDOC_INTRO.lastIndex = pos;
    const match = HEREDOC_INTRO.exec(this.text);
    if (!match || pos + match[0].length !== end) return pos + 2;
    const marker = match[2];
    const lines = this.lines;
    for (let line = this.line + 1; line < lines.lineCount; line++) {
      const content = this.text.slice(lines.lineStart(line), lines.lineContentEnd(line));
      if (hclTrim(content) !== marker) continue;
      if (line === lines.lineCount - 1) {
        // tree-sitter, like HCL, wants a line break after the closing marker.
        this.insert(this.text.length, '\n', false);
        this.error(lines.lineContentEnd(line), lines.lineContentEnd(line), `Missing line break after the heredoc closing marker "${marker}"`);
      }
      this.stack.push({ kind: Kind.Heredoc, endLine: line });
      return end;
    }
    const introEnd = pos + match[0].length;
    this.masks.push([pos, introEnd]);
    this.insert(pos, PLACEHOLDER, true);
    this.error(pos, introEnd, `Unterminated heredoc: no line closes "${match[0]}" with "${marker}"`);
    return introEnd;
  }

  private plan(): RecoveryPlan {
    const text = this.text;
    // Blank the masked ranges (same length: offsets do not move).
    let masked = text;
    if (this.masks.length) {
      this.masks.sort((a, b) => a[0] - b[0]);
      let out = '';
      let p = 0;
      for (const [s, e] of this.masks) {
        const from = Math.max(s, p);
        if (e <= from) continue;
        out += text.slice(p, from) + ' '.repeat(e - from);
        p = e;
      }
      masked = out + text.slice(p);
    }
    // Apply the insertions, remembering where each one lands in the repaired text.
    const insertions = this.insertions.map((ins, i) => ({ ins, i })).sort((a, b) => a.ins.at - b.ins.at || a.i - b.i);
    const repairedStarts: number[] = [];
    const lengths: number[] = [];
    const shifts: number[] = []; // total inserted length before insertion k
    const placeholders = new Set<number>();
    let repaired = '';
    let p = 0;
    let shift = 0;
    for (const { ins } of insertions) {
      repaired += masked.slice(p, ins.at);
      p = ins.at;
      const at = ins.at + shift;
      repairedStarts.push(at);
      lengths.push(ins.text.length);
      shifts.push(shift);
      if (ins.placeholder) placeholders.add(at);
      repaired += ins.text;
      shift += ins.text.length;
    }
    repaired += masked.slice(p);

    const toOriginal = (offset: number): number => {
      let lo = 0;
      let hi = repairedStarts.length - 1;
      let k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (repairedStarts[mid] <= offset) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (k < 0) return offset;
      if (offset < repairedStarts[k] + lengths[k]) return repairedStarts[k] - shifts[k];
      return offset - shifts[k] - lengths[k];
    };
    // Segment starts are line starts, where no insertion is ever made: count those before them.
    let k = 0;
    let before = 0;
    const starts = this.segmentStarts.map((start) => {
      while (k < insertions.length && insertions[k].ins.at < start) before += insertions[k++].ins.text.length;
      return start + before;
    });
    const touched = [...this.insertions.map((i) => i.at), ...this.masks.map((m) => m[0]), ...this.errors.map((e) => e.start)].sort((a, b) => a - b);
    const segments: RecoverySegment[] = [];
    let t = 0;
    for (let i = 0; i < starts.length; i++) {
      const originalStart = this.segmentStarts[i];
      const last = i + 1 === starts.length;
      const originalEnd = last ? text.length : this.segmentStarts[i + 1];
      while (t < touched.length && touched[t] < originalStart) t++;
      const repairedSegment = t < touched.length && (touched[t] < originalEnd || (last && touched[t] <= originalEnd));
      segments.push({ start: starts[i], end: last ? repaired.length : starts[i + 1], originalStart, originalEnd, repaired: repairedSegment });
    }
    return { repaired, segments, errors: this.errors, placeholders, toOriginal };
  }
}
