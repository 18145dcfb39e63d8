/**
 * The two facts root-module detection needs from a Terraform file — the `source` of each
 * top-level `module` block, and whether a `terraform` block configures a `backend` or `cloud` —
 * read with a small tokenizer instead of the language server's tree-sitter parser: the extension
 * host bundle does not load tree-sitter's wasm, and this runs over every `.tf` file of a
 * workspace, where skipping comments, strings, heredocs and braces is all that is needed.
 */

export interface ModuleFileFacts {
  /** Literal `source` strings of top-level `module` blocks, as written. */
  moduleSources: string[];
  /** A top-level `terraform` block holds a `backend` or `cloud` block. */
  hasBackend: boolean;
}

type Token =
  | { kind: 'ident'; text: string; depth: number }
  | { kind: 'string'; value: string; templated: boolean; depth: number }
  | { kind: 'open' | 'close' | 'equals' | 'other'; depth: number };

export function scanModuleFile(text: string): ModuleFileFacts {
  const tokens = tokenize(text);
  const facts: ModuleFileFacts = { moduleSources: [], hasBackend: false };
  let block: 'module' | 'terraform' | 'other' | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.depth === 0 && token.kind === 'ident') {
      // A top-level block header: its type, then labels up to `{`.
      let j = i + 1;
      while (j < tokens.length && tokens[j].kind === 'string') j++;
      if (tokens[j]?.kind === 'open') {
        block = token.text === 'module' ? 'module' : token.text === 'terraform' ? 'terraform' : 'other';
        i = j;
      }
      continue;
    }
    if (token.depth === 0) block = undefined;
    if (token.depth !== 1 || token.kind !== 'ident') continue;
    if (block === 'module' && token.text === 'source' && tokens[i + 1]?.kind === 'equals') {
      const value = tokens[i + 2];
      if (value?.kind === 'string' && !value.templated) facts.moduleSources.push(value.value);
    } else if (block === 'terraform' && (token.text === 'backend' || token.text === 'cloud')) {
      let j = i + 1;
      while (j < tokens.length && tokens[j].kind === 'string') j++;
      if (tokens[j]?.kind === 'open') facts.hasBackend = true;
    }
  }
  return facts;
}

/** The same facts from a `.tf.json` file (`{"module": {"name": {"source": …}}, "terraform": {"backend": …}}`). */
export function scanModuleJsonFile(text: string): ModuleFileFacts {
  const facts: ModuleFileFacts = { moduleSources: [], hasBackend: false };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return facts;
  }
  if (!isObject(json)) return facts;
  for (const modules of asList(json.module)) {
    if (!isObject(modules)) continue;
    for (const call of Object.values(modules)) {
      for (const body of asList(call)) if (isObject(body) && typeof body.source === 'string') facts.moduleSources.push(body.source);
    }
  }
  for (const terraform of asList(json.terraform)) {
    if (isObject(terraform) && (terraform.backend !== undefined || terraform.cloud !== undefined)) facts.hasBackend = true;
  }
  return facts;
}

/** Terraform's rule: a local module source starts with `./` or `../` (anything else is fetched). */
export function isLocalModuleSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source.startsWith('.\\') || source.startsWith('..\\');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      i = lineEnd(text, i);
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"') {
      const string = readString(text, i);
      tokens.push({ kind: 'string', value: string.value, templated: string.templated, depth });
      i = string.end;
    } else if (c === '<' && text[i + 1] === '<') {
      i = skipHeredoc(text, i);
      tokens.push({ kind: 'other', depth });
    } else if (c === '{') {
      tokens.push({ kind: 'open', depth });
      depth++;
      i++;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'close', depth });
      i++;
    } else if (c === '=' && text[i + 1] !== '=' && text[i + 1] !== '>') {
      tokens.push({ kind: 'equals', depth });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_-]/.test(text[j])) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), depth });
      i = j;
    } else {
      // `[`, `(`, operators, numbers: only braces matter for nesting, and `{` inside `[`/`(` is still an object.
      tokens.push({ kind: 'other', depth });
      i++;
    }
  }
  return tokens;
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end + 1;
}

/** A quoted string from its opening quote: its decoded value (simple escapes) and whether it holds `${…}` / `%{…}`. */
function readString(text: string, start: number): { value: string; templated: boolean; end: number } {
  let value = '';
  let templated = false;
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, templated, end: i + 1 };
    if (c === '\n') break; // unterminated: HCL strings do not span lines
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      // `$${` is an escaped literal `${`; a real template runs to its matching brace.
      if (text[i - 1] === c && text[i - 2] !== c) {
        value += '{';
        i += 2;
        continue;
      }
      templated = true;
      i = skipTemplate(text, i + 2);
    } else {
      value += c;
      i++;
    }
  }
  return { value, templated, end: i };
}

/** From just inside `${`, past the matching `}` (strings inside may hold braces of their own). */
function skipTemplate(text: string, i: number): number {
  let depth = 1;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '"') {
      i = readString(text, i).end;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    i++;
  }
  return i;
}

/** `<<EOF` / `<<-EOF` through the line that closes it. */
function skipHeredoc(text: string, start: number): number {
  const header = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(start, start + 200));
  if (!header) return start + 2;
  const marker = header[1];
  let i = start + header[0].length;
  while (i < text.length) {
    const end = lineEnd(text, i);
    if (text.slice(i, end).trim() === marker) return end;
    i = end;
  }
  return text.length;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
