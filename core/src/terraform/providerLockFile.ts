/**
 * The dependency lock file (`.terraform.lock.hcl`) that `terraform init` and `tofu init` write:
 * which program wrote it, and the `provider "<host>/<namespace>/<type>"` blocks with the version
 * each is locked to. Pure: text in, the file's contents out.
 *
 * It is read with a scanner of its own rather than the HCL parser, so that the extension host
 * (which chooses the program to plan with from this file) reads it synchronously and without
 * loading tree-sitter. The tools write a small, fixed subset of HCL — top-level `provider` blocks
 * of string attributes and one list of hashes — and the scanner reads any HCL body well enough to
 * find those: it skips other blocks and values whole (brackets, quoted strings, heredocs,
 * comments), and decodes a quoted value exactly as HCL does.
 */
import { decodeQuoted } from './hcl/decodeLiteral';
import { parseProviderSource, providerKey } from './providerAddress';

/** The program whose `init` wrote a lock file, as its header says. */
export type LockFileWriter = 'terraform' | 'opentofu';

export interface LockedProvider {
  /** The block's label, as written: `registry.opentofu.org/hashicorp/local`. */
  source: string;
  /** The locked version (`2.9.0`), when the block has one as a literal string. */
  version?: string;
  /** The version constraints `init` recorded from `required_providers`, when there were any. */
  constraints?: string;
  /** The package checksums `init` recorded (`h1:…` of the unpacked package, `zh:…` of the registry's zip files). */
  hashes?: string[];
}

export interface ProviderLockFile {
  /** From the header each tool writes: `# This file is maintained automatically by "tofu init".` */
  writtenBy?: LockFileWriter;
  /** The top-level `provider` blocks with one label, in file order. */
  providers: LockedProvider[];
}

const HEADER = /maintained automatically by "(tofu|terraform) init"/;

/** Reads a lock file's text; whatever is not a provider block is skipped, a broken line too. */
export function readProviderLockFile(text: string): ProviderLockFile {
  const header = HEADER.exec(text);
  const providers: LockedProvider[] = [];
  const scanner = new BodyScanner(text);
  for (;;) {
    const item = scanner.next();
    if (item === undefined) break;
    if (item.kind !== 'block' || item.type !== 'provider' || item.labels.length !== 1) continue;
    const { version, constraints } = item.attributes;
    const hashes = item.lists.hashes;
    providers.push({
      source: item.labels[0],
      ...(version !== undefined ? { version } : {}),
      ...(constraints !== undefined ? { constraints } : {}),
      ...(hashes !== undefined ? { hashes } : {}),
    });
  }
  return { ...(header ? { writtenBy: header[1] === 'tofu' ? 'opentofu' : 'terraform' } : {}), providers };
}

/** The locked versions by `providerKey` (`hashicorp/aws` → `5.31.0`), from a lock file's text. */
export function lockedProviderVersions(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const provider of readProviderLockFile(text).providers) {
    const address = parseProviderSource(provider.source);
    if (address && provider.version !== undefined && provider.version !== '') versions.set(providerKey(address), provider.version);
  }
  return versions;
}

type BodyItem =
  | { kind: 'attribute' }
  /**
   * `attributes`: the body's attributes whose value is a literal string, the first of each name;
   * `lists`: those whose value is a list of literal strings.
   */
  | { kind: 'block'; type: string; labels: string[]; attributes: Record<string, string>; lists: Record<string, string[]> }
  /** A line that is neither: skipped. */
  | { kind: 'skipped' };

const IDENTIFIER = /[\p{ID_Start}_][\p{ID_Continue}-]*/uy;
const QUOTED = /"((?:[^"\\\r\n]|\\[^\r\n])*)"/y;
const HEREDOC = /<<-?([\p{ID_Start}_][\p{ID_Continue}-]*)[ \t]*\r?\n/uy;
const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Reads one HCL body item after another: a block (its type, labels and literal string
 * attributes, nested blocks skipped) or an attribute (skipped). Newlines end attributes, as in HCL.
 */
class BodyScanner {
  private at = 0;

  constructor(private readonly text: string) {}

  /** The next item of the top-level body; undefined at the end of the text. */
  next(): BodyItem | undefined {
    this.skipSpace(true);
    if (this.at >= this.text.length) return undefined;
    const type = this.match(IDENTIFIER);
    if (type === undefined) return this.skipLine();
    this.skipSpace(false);
    if (this.text[this.at] === '=' && this.text[this.at + 1] !== '=') {
      this.at++;
      this.skipExpression();
      return { kind: 'attribute' };
    }
    const labels: string[] = [];
    for (;;) {
      const quoted = this.match(QUOTED, 1);
      const label = quoted !== undefined ? decodeQuoted(quoted, false) : undefined;
      if (label !== undefined) {
        if (label.kind !== 'literal') return this.skipLine();
        labels.push(label.value);
      } else {
        const bare = this.match(IDENTIFIER);
        if (bare === undefined) break;
        labels.push(bare);
      }
      this.skipSpace(false);
    }
    if (this.text[this.at] !== '{') return this.skipLine();
    this.at++;
    return { kind: 'block', type, labels, ...this.blockAttributes() };
  }

  /** After a block's `{`: its attributes with literal string values and lists of them, up to and past its `}`. */
  private blockAttributes(): { attributes: Record<string, string>; lists: Record<string, string[]> } {
    const attributes: Record<string, string> = {};
    const lists: Record<string, string[]> = {};
    const seen = new Set<string>();
    for (;;) {
      this.skipSpace(true);
      if (this.at >= this.text.length) return { attributes, lists };
      if (this.text[this.at] === '}') {
        this.at++;
        return { attributes, lists };
      }
      const name = this.match(IDENTIFIER);
      if (name === undefined) {
        this.skipExpression();
        if (this.text[this.at] !== '}') this.at = Math.max(this.at, this.lineEnd() + 1);
        continue;
      }
      this.skipSpace(false);
      if (this.text[this.at] === '=' && this.text[this.at + 1] !== '=') {
        this.at++;
        this.skipSpace(false);
        const start = this.at;
        this.skipExpression();
        if (seen.has(name)) continue;
        seen.add(name);
        const text = this.text.slice(start, this.at).trim();
        const value = literalString(text);
        if (value !== undefined) attributes[name] = value;
        const list = literalStringList(text);
        if (list !== undefined) lists[name] = list;
        continue;
      }
      // A nested block: its labels, then its body, skipped whole.
      while (this.at < this.text.length && this.text[this.at] !== '{' && this.text[this.at] !== '\n') {
        if (this.match(QUOTED) === undefined) this.at++;
      }
      if (this.text[this.at] === '{') this.skipBracketed();
    }
  }

  /**
   * Past an expression: up to the end of its line, or to the `}` closing the body on that line,
   * whichever comes first outside brackets, quotes and heredocs; a trailing comment is left.
   */
  private skipExpression(): void {
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === '\n' || c === '}' || c === '#' || this.startsComment()) return;
      if (c === '"') {
        if (this.match(QUOTED) === undefined) this.at++;
      } else if (c === '<' && this.text[this.at + 1] === '<' && this.skipHeredoc()) {
        // skipped
      } else if (c in CLOSING) {
        this.skipBracketed();
      } else {
        this.at++;
      }
    }
  }

  /** From an opening bracket past its closing one, minding quotes, heredocs and comments inside. */
  private skipBracketed(): void {
    const closers = [CLOSING[this.text[this.at]]];
    this.at++;
    while (this.at < this.text.length && closers.length > 0) {
      const c = this.text[this.at];
      if (c === closers[closers.length - 1]) {
        closers.pop();
        this.at++;
      } else if (c in CLOSING) {
        closers.push(CLOSING[c]);
        this.at++;
      } else if (c === '"') {
        if (this.match(QUOTED) === undefined) this.at++;
      } else if (c === '#' || this.startsComment()) {
        this.skipComment();
      } else if (c === '<' && this.text[this.at + 1] === '<' && this.skipHeredoc()) {
        // skipped
      } else {
        this.at++;
      }
    }
  }

  /** `<<EOF` … `EOF`: past the terminator line. False (nothing moved) when this is no heredoc. */
  private skipHeredoc(): boolean {
    HEREDOC.lastIndex = this.at;
    const opening = HEREDOC.exec(this.text);
    if (!opening) return false;
    const terminator = new RegExp(`^[ \\t]*${opening[1]}[ \\t]*\\r?$`, 'mu');
    const rest = this.text.slice(opening.index + opening[0].length);
    const end = terminator.exec(rest);
    this.at = end ? opening.index + opening[0].length + end.index + end[0].length : this.text.length;
    return true;
  }

  /** Whitespace and comments; newlines too when `newlines`. */
  private skipSpace(newlines: boolean): void {
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.at++;
      else if (c === '#' || this.startsComment()) {
        const lineComment = !this.text.startsWith('/*', this.at);
        this.skipComment();
        // A line comment ends the line, which ends whatever the newline would have ended.
        if (lineComment && !newlines) return;
      } else return;
    }
  }

  private startsComment(): boolean {
    return this.text[this.at] === '/' && (this.text[this.at + 1] === '/' || this.text[this.at + 1] === '*');
  }

  /** Past a comment: a line comment up to (not past) its newline, a block comment past its end. */
  private skipComment(): void {
    if (this.text.startsWith('/*', this.at)) {
      const end = this.text.indexOf('*/', this.at + 2);
      this.at = end < 0 ? this.text.length : end + 2;
    } else {
      this.at = this.lineEnd();
    }
  }

  private skipLine(): BodyItem {
    this.at = Math.min(this.text.length, this.lineEnd() + 1);
    return { kind: 'skipped' };
  }

  private lineEnd(): number {
    const end = this.text.indexOf('\n', this.at);
    return end < 0 ? this.text.length : end;
  }

  /** The match of a sticky pattern here (its `group`), consumed; undefined, and nothing consumed, if none. */
  private match(pattern: RegExp, group = 0): string | undefined {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.at = pattern.lastIndex;
    return found[group];
  }
}

/** A value that is one quoted string without template sequences, decoded as HCL does; else undefined. */
function literalString(source: string): string | undefined {
  QUOTED.lastIndex = 0;
  const quoted = QUOTED.exec(source);
  if (!quoted || quoted[0].length !== source.length) return undefined;
  const decoded = decodeQuoted(quoted[1]);
  return decoded.kind === 'literal' ? decoded.value : undefined;
}

/** `["a", "b",]` across lines, as `init` writes `hashes`; undefined for anything else. */
function literalStringList(source: string): string[] | undefined {
  if (!source.startsWith('[') || !source.endsWith(']')) return undefined;
  const items: string[] = [];
  let at = 1;
  const end = source.length - 1;
  for (;;) {
    while (at < end && /[\s,]/.test(source[at])) at++;
    if (at >= end) return items;
    QUOTED.lastIndex = at;
    const quoted = QUOTED.exec(source);
    if (!quoted) return undefined;
    const decoded = decodeQuoted(quoted[1]);
    if (decoded.kind !== 'literal') return undefined;
    items.push(decoded.value);
    at = QUOTED.lastIndex;
  }
}
