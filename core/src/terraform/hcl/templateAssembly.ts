/**
 * Turns the token sequence of an HCL template into its parts, the way HashiCorp HCL does it
 * (hclsyntax `parseTemplateParts` and the passes after it), so that the expression builder
 * (`expressionBuilder.ts`) and the text fast path (`textFastPath.ts`) give the same parts:
 *
 * 1. tokens arrive in document order: literal text (already decoded), interpolations and
 *    directive markers. A strip marker `${~`/`%{~` trims the whitespace at the end of the literal
 *    token just before it, `~}` the whitespace at the start of the literal token just after it;
 *    only that one token, so in a heredoc, whose literal tokens are single lines, only the
 *    adjacent line is trimmed;
 * 2. `<<-` heredocs then lose the smallest indentation of their lines, measured on the literal
 *    tokens that start a line (a line starting with an interpolation counts as unindented);
 * 3. consecutive literal tokens are joined, and the markers nested into `if` and `for` parts.
 *
 * Literal parts are kept even when trimming left them empty: HCL keeps them, and they decide
 * whether a template is only one interpolation (whose value HCL passes through unconverted).
 */
import type { Expression, TemplatePart } from './expression';
import { graphemeCount, graphemePrefixLength, isHclSpace } from './decodeLiteral';

type Token =
  | { kind: 'literal'; value: string }
  | { kind: 'interpolation'; expression: Expression }
  | { kind: 'if'; condition: Expression }
  | { kind: 'else' }
  | { kind: 'endif' }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expression }
  | { kind: 'endfor' };

/** A marker token: anything but literal text. */
export type TemplateMarker = Exclude<Token, { kind: 'literal' }>;

export class TemplateAssembly {
  private readonly tokens: Token[] = [];
  private trimNext = false;

  /** Literal text, decoded. A heredoc's text is given line by line (`heredocLines`). */
  literal(value: string): void {
    if (this.trimNext) {
      value = trimStart(value);
      this.trimNext = false;
    }
    this.tokens.push({ kind: 'literal', value });
  }

  /** Literal text of a heredoc: one token per line, as HCL's scanner makes them. */
  heredocLines(value: string): void {
    let start = 0;
    while (start < value.length) {
      const newline = value.indexOf('\n', start);
      const end = newline === -1 ? value.length : newline + 1;
      this.literal(value.slice(start, end));
      start = end;
    }
  }

  /** `trimBefore`: opened with `${~`/`%{~`; `trimAfter`: closed with `~}`. */
  marker(token: TemplateMarker, trimBefore: boolean, trimAfter: boolean): void {
    const previous = this.tokens[this.tokens.length - 1];
    if (trimBefore && previous?.kind === 'literal') previous.value = trimEnd(previous.value);
    this.trimNext = trimAfter;
    this.tokens.push(token);
  }

  /** The parts; undefined when the directives do not nest (`%{ endif }` without `%{ if }`…). */
  parts(flushHeredoc: boolean): TemplatePart[] | undefined {
    if (flushHeredoc) flush(this.tokens);
    const at = { index: 0 };
    const parts = nest(meld(this.tokens), at, undefined);
    return parts && at.index === this.tokens.length ? parts : undefined;
  }
}

function trimStart(s: string): string {
  let i = 0;
  while (i < s.length && isHclSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

function trimEnd(s: string): string {
  let i = s.length;
  while (i > 0 && isHclSpace(s.charCodeAt(i - 1))) i--;
  return i === s.length ? s : s.slice(0, i);
}

/** hclsyntax `flushHeredocTemplateParts`, on the tokens in place. */
function flush(tokens: Token[]): void {
  let min = Number.MAX_SAFE_INTEGER;
  let lineStart = true;
  const adjust: Array<Token & { kind: 'literal' }> = [];
  for (const token of tokens) {
    if (lineStart) {
      lineStart = false;
      let spaces = 0;
      if (token.kind === 'literal') {
        const rest = trimStart(token.value);
        // A line of blanks only is neither measured nor trimmed.
        if (rest === '' && token.value.endsWith('\n')) spaces = Number.MAX_SAFE_INTEGER;
        else {
          spaces = graphemeCount(token.value.slice(0, token.value.length - rest.length));
          adjust.push(token);
        }
      }
      min = Math.min(min, spaces);
    }
    if (token.kind === 'literal' && token.value.endsWith('\n')) lineStart = true;
  }
  if (min === 0 || min === Number.MAX_SAFE_INTEGER) return;
  for (const token of adjust) token.value = token.value.slice(graphemePrefixLength(token.value, min));
}

function meld(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (token.kind === 'literal' && last?.kind === 'literal') out[out.length - 1] = { kind: 'literal', value: last.value + token.value };
    else out.push(token);
  }
  tokens.length = 0;
  tokens.push(...out);
  return tokens;
}

/** Reads parts from `at` up to the end, or up to the marker that closes `inside`. */
function nest(tokens: Token[], at: { index: number }, inside: 'if' | 'for' | undefined): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  while (at.index < tokens.length) {
    const token = tokens[at.index];
    switch (token.kind) {
      case 'literal':
        at.index++;
        parts.push({ kind: 'literal', value: token.value });
        break;
      case 'interpolation':
        at.index++;
        parts.push({ kind: 'interpolation', expression: token.expression });
        break;
      case 'if': {
        at.index++;
        const then = nest(tokens, at, 'if');
        if (!then) return undefined;
        let otherwise: TemplatePart[] = [];
        if (tokens[at.index]?.kind === 'else') {
          at.index++;
          const parsed = nest(tokens, at, 'if');
          if (!parsed || tokens[at.index]?.kind !== 'endif') return undefined;
          otherwise = parsed;
        }
        if (tokens[at.index]?.kind !== 'endif') return undefined;
        at.index++;
        parts.push({ kind: 'if', condition: token.condition, then, else: otherwise });
        break;
      }
      case 'for': {
        at.index++;
        const body = nest(tokens, at, 'for');
        if (!body || tokens[at.index]?.kind !== 'endfor') return undefined;
        at.index++;
        const keyVar = token.keyVar !== undefined ? { keyVar: token.keyVar } : {};
        parts.push({ kind: 'for', ...keyVar, valueVar: token.valueVar, collection: token.collection, body });
        break;
      }
      case 'else':
      case 'endif':
        return inside === 'if' ? parts : undefined;
      case 'endfor':
        return inside === 'for' ? parts : undefined;
    }
  }
  return inside === undefined ? parts : undefined;
}
