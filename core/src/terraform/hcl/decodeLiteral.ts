/**
 * Exact decoding of HCL literal text, following HashiCorp HCL (hclsyntax) rather than tree-sitter:
 *
 * - quoted strings: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`; `$${` and `%%{` stand for `${` and `%{`;
 *   any other backslash sequence, a `\u`/`\U` with too few digits or naming a surrogate / a value
 *   past U+10FFFF, and a line break inside the quotes are errors (`scan_string_lit.rl`,
 *   `ParseStringLiteralToken`);
 * - heredocs: no backslash escapes, `$${`/`%%{` as above, every line keeps its line break (also the
 *   last one), `\r\n` is kept as written; `<<-` strips the smallest leading-whitespace count (in
 *   grapheme clusters, whitespace as Go's `unicode.IsSpace`) from every line that is not blank,
 *   blank lines being left as they are (`flushHeredocTemplateParts`);
 * - string values are NFC-normalised, as `cty.StringVal` does; block labels are not (HCL keeps them
 *   as Go strings).
 *
 * A `${` or `%{` that is not escaped makes the text a template: it needs evaluation, so the caller
 * keeps it as an expression. Template detection is done here on the raw text and not taken from
 * tree-sitter, whose scanner reads `$$${` as `$$` + interpolation where HCL reads `$` + `$${`.
 */

export type TemplateDecode =
  | { kind: 'literal'; value: string }
  /** Contains an interpolation or a directive. */
  | { kind: 'template' }
  /** Not valid HCL; `start`/`end` are offsets in the decoded raw text. */
  | { kind: 'invalid'; message: string; start: number; end: number };

const HEX = /^[0-9a-fA-F]$/;

function isHex(c: string | undefined): boolean {
  return c !== undefined && HEX.test(c);
}

/** Go's `unicode.IsSpace`. */
export function isHclSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** `cty.StringVal` normalisation. */
export function nfc(s: string): string {
  return hasNonAscii(s) ? s.normalize('NFC') : s;
}

/**
 * Decodes the text between the quotes of a quoted string (`raw` excludes the quotes).
 * `normalize: false` for block labels, which HCL does not normalise.
 */
export function decodeQuoted(raw: string, normalize = true): TemplateDecode {
  // Fast path: nothing to unescape and nothing that could start a template.
  if (!/[\\$%\r\n]/.test(raw)) return { kind: 'literal', value: normalize ? nfc(raw) : raw };
  let out = '';
  let template = false;
  let invalid: TemplateDecode | undefined;
  let i = 0;
  let plainStart = 0;
  const flush = (to: number) => {
    if (to > plainStart) out += raw.slice(plainStart, to);
  };
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\') {
      flush(i);
      const next = raw[i + 1];
      let length = 2;
      switch (next) {
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'u':
        case 'U': {
          const want = next === 'u' ? 4 : 8;
          let digits = 0;
          while (digits < want && isHex(raw[i + 2 + digits])) digits++;
          length = 2 + digits;
          if (digits !== want) {
            invalid ??= {
              kind: 'invalid',
              message: `Invalid escape sequence: \\${next} must be followed by ${want === 4 ? 'four' : 'eight'} hexadecimal digits`,
              start: i,
              end: i + length,
            };
            break;
          }
          const code = parseInt(raw.slice(i + 2, i + length), 16);
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            invalid ??= {
              kind: 'invalid',
              message: `Invalid escape sequence: cannot encode character U+${code.toString(16).toUpperCase().padStart(4, '0')} in UTF-8`,
              start: i,
              end: i + length,
            };
            break;
          }
          out += String.fromCodePoint(code);
          break;
        }
        default:
          if (next === undefined || next === '\n' || next === '\r') {
            length = 1;
            invalid ??= { kind: 'invalid', message: 'Invalid escape sequence: backslash at the end of the line', start: i, end: i + 1 };
          } else {
            const symbol = String.fromCodePoint(raw.codePointAt(i + 1)!);
            length = 1 + symbol.length;
            invalid ??= { kind: 'invalid', message: `Invalid escape sequence "\\${symbol}"`, start: i, end: i + length };
            out += symbol;
          }
      }
      i += length;
      plainStart = i;
    } else if (c === '$' || c === '%') {
      const next = raw[i + 1];
      if (next === '{') {
        template = true;
        i += 2;
      } else if (next === c && raw[i + 2] === '{') {
        flush(i);
        out += c + '{';
        i += 3;
        plainStart = i;
      } else i++;
    } else if (c === '\n' || c === '\r') {
      invalid ??= {
        kind: 'invalid',
        message: 'Invalid multi-line string: a quoted string ends on its own line; use a heredoc for multi-line text',
        start: i,
        end: i + 1,
      };
      i++;
    } else i++;
  }
  if (invalid) return invalid;
  if (template) return { kind: 'template' };
  flush(raw.length);
  return { kind: 'literal', value: normalize ? nfc(out) : out };
}

let segmenter: Intl.Segmenter | undefined;

/** Length in UTF-16 units of the first `clusters` grapheme clusters of `s`. */
export function graphemePrefixLength(s: string, clusters: number): number {
  if (clusters <= 0) return 0;
  // ASCII other than CR needs no segmentation: every character is a cluster (CR LF is one).
  let ascii = true;
  for (let i = 0; i <= clusters && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || c === 13) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Math.min(clusters, s.length);
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let length = 0;
  let n = 0;
  for (const { segment } of segmenter.segment(s)) {
    if (n++ >= clusters) break;
    length += segment.length;
  }
  return length;
}

export function graphemeCount(s: string): number {
  if (!hasNonAscii(s) && !s.includes('\r')) return s.length;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(s)) n++;
  return n;
}

/** `$${` → `${` and `%%{` → `%{`; reports whether an unescaped `${`/`%{` occurs. */
function unescapeTemplateMarkers(raw: string): { value: string; template: boolean } {
  if (!raw.includes('$') && !raw.includes('%')) return { value: raw, template: false };
  let out = '';
  let plainStart = 0;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '$' || c === '%') {
      const next = raw[i + 1];
      if (next === '{') return { value: '', template: true };
      if (next === c && raw[i + 2] === '{') {
        out += raw.slice(plainStart, i) + c + '{';
        i += 3;
        plainStart = i;
        continue;
      }
    }
    i++;
  }
  return { value: out + raw.slice(plainStart), template: false };
}

/**
 * Decodes the body of a heredoc: `content` runs from the start of the line after `<<EOT` to the
 * start of the line holding the closing marker (so every line, the last included, ends with its
 * line break).
 */
export function decodeHeredoc(content: string, flush: boolean): TemplateDecode {
  for (let i = content.indexOf('\r'); i !== -1; i = content.indexOf('\r', i + 1)) {
    if (content[i + 1] !== '\n') return { kind: 'invalid', message: 'Invalid character in heredoc: a lone carriage return', start: i, end: i + 1 };
  }
  const { value, template } = unescapeTemplateMarkers(content);
  if (template) return { kind: 'template' };
  if (!flush || value === '') return { kind: 'literal', value: nfc(value) };

  // `<<-`: HCL measures the first literal token of every line, i.e. the text up to the line break
  // or up to the first `$`/`%` (where its scanner splits tokens). Markers were unescaped above, which
  // changes no leading whitespace.
  const lines: string[] = [];
  for (let start = 0; start < value.length;) {
    const nl = value.indexOf('\n', start);
    const end = nl === -1 ? value.length : nl + 1;
    lines.push(value.slice(start, end));
    start = end;
  }
  let min = Number.MAX_SAFE_INTEGER;
  const adjust: boolean[] = [];
  for (const line of lines) {
    let firstToken = line;
    const cut = line.search(/[$%]/);
    if (cut !== -1) firstToken = line.slice(0, cut);
    let ws = 0;
    while (ws < firstToken.length && isHclSpace(firstToken.charCodeAt(ws))) ws++;
    if (ws === firstToken.length && firstToken.endsWith('\n')) {
      adjust.push(false); // a blank line: neither measured nor trimmed
      continue;
    }
    adjust.push(true);
    min = Math.min(min, graphemeCount(firstToken.slice(0, ws)));
  }
  if (min === Number.MAX_SAFE_INTEGER || min === 0) return { kind: 'literal', value: nfc(value) };
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    out += adjust[i] ? lines[i].slice(graphemePrefixLength(lines[i], min)) : lines[i];
  }
  return { kind: 'literal', value: nfc(out) };
}

/** HCL number literal syntax (`NumberLit` of `scan_tokens.rl` that `cty.ParseNumberVal` accepts). */
const NUMBER = /^[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?$/;

export function decodeNumber(text: string): number | undefined {
  if (!NUMBER.test(text) || text.endsWith('.')) return undefined;
  return Number(text);
}
