/**
 * Where a plan's resource is declared: the `.tf` file and line of its `resource`/`data` block, for
 * "reveal in source" from the plan graph. No vscode import: the panel turns the answer into an
 * editor selection, and tests call it directly.
 *
 * A plan names resource instances (`module.app["blue"].aws_instance.web[0]`); the block lives in
 * the module's source folder. Child module folders come from `.terraform/modules/modules.json`,
 * the manifest `init` writes (its keys are the module call names joined with `.`, instance keys
 * dropped) — the same lookup Terraform does, so remote and local module sources both resolve.
 * A text scan is enough to find the block's header: the language server's parser is not needed
 * (and may not be running), and a header is one line of a fixed shape.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isNativeSyntaxConfigurationFile } from '../../../core/src/terraform/terraformFiles';

export interface ResourceLocation {
  file: string;
  /** 0-based line and UTF-16 character of the block's first keyword. */
  line: number;
  character: number;
  /** 0-based line of the block's closing brace when found, else the header line. */
  endLine: number;
}

export interface ResourceToLocate {
  /** `module.a.module.b` or ''. */
  module: string;
  mode: string;
  type: string;
  name: string;
}

interface ModuleManifest {
  Modules?: { Key?: unknown; Dir?: unknown }[];
}

/** The call names of a module address, instance keys dropped: `module.a["x"].module.b[0]` → ["a", "b"]. */
export function moduleCallNames(moduleAddress: string): string[] {
  const names: string[] = [];
  const step = /module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.?/y;
  let match: RegExpExecArray | null;
  step.lastIndex = 0;
  while (step.lastIndex < moduleAddress.length && (match = step.exec(moduleAddress))) names.push(match[1]);
  return names;
}

/** The folder holding a module's configuration, or undefined when `init` has not recorded it. */
export function moduleDirectory(rootDir: string, moduleAddress: string): string | undefined {
  const names = moduleCallNames(moduleAddress);
  if (names.length === 0) return rootDir;
  const manifestPath = path.join(rootDir, '.terraform', 'modules', 'modules.json');
  let manifest: ModuleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModuleManifest;
  } catch {
    return undefined;
  }
  const key = names.join('.');
  const entry = manifest.Modules?.find((m) => m.Key === key);
  if (!entry || typeof entry.Dir !== 'string') return undefined;
  // Dir is relative to the root module (where init ran); a path escaping it is still a folder the user initialised.
  return path.resolve(rootDir, entry.Dir);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds the block in the module's files; undefined when it is not there (a removed block, or a module not initialised). */
export function locateResource(rootDir: string, resource: ResourceToLocate): ResourceLocation | undefined {
  const dir = moduleDirectory(rootDir, resource.module);
  if (!dir || !existsSync(dir)) return undefined;
  const keyword = resource.mode === 'data' ? 'data' : resource.mode === 'ephemeral' ? 'ephemeral' : 'resource';
  // Labels may be quoted or bare identifiers; whitespace between them is free.
  const label = (value: string) => `(?:"${escapeRegExp(value)}"|${escapeRegExp(value)}(?![A-Za-z0-9_-]))`;
  const header = new RegExp(`^([ \\t]*)${keyword}[ \\t]+${label(resource.type)}[ \\t]+${label(resource.name)}[ \\t]*\\{`, 'm');
  let files: string[];
  try {
    files = readdirSync(dir).filter(isNativeSyntaxConfigurationFile).sort();
  } catch {
    return undefined;
  }
  for (const name of files) {
    const file = path.join(dir, name);
    let text: string;
    try {
      if (!statSync(file).isFile()) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const match = header.exec(text);
    if (!match) continue;
    const start = match.index + match[1].length;
    const line = countLines(text, start);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    return { file, line, character: start - lineStart, endLine: closingLine(text, match.index + match[0].length, line) };
  }
  return undefined;
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * The line of the brace closing the block whose `{` ends at `from`. Braces inside strings and
 * comments are skipped roughly (quoted strings, `#`/`//` line comments, block comments); a
 * heredoc holding an unbalanced brace can fool it, in which case the selection is only too short
 * or too long — the header line, which is what matters, stays right.
 */
function closingLine(text: string, from: number, headerLine: number): number {
  let depth = 1;
  let line = headerLine;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      if (text[i] === '\n') line++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 1;
      for (; i < stop; i++) if (text[i] === '\n') line++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return line;
  }
  return headerLine;
}
