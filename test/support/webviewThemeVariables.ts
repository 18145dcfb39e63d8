/**
 * The `--vscode-*` variables the webview pages read: every `var(--vscode-…)` in the pages' own style
 * sheets (webview/src/**\/*.css), and every one the @vscode-elements components they import read in
 * their styles. Fonts are left out: VS Code sends the platform's font stack, not a theme's colour.
 * Names are given without the `--vscode-` prefix, sorted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const WEBVIEW_SOURCES = path.join(repoRoot, 'webview', 'src');
const ELEMENTS_DIST = path.join(repoRoot, 'node_modules', '@vscode-elements', 'elements', 'dist');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...filesUnder(full, pattern));
    else if (pattern.test(entry)) found.push(full);
  }
  return found;
}

const isFont = (name: string): boolean => /(^|-)font-/.test(name);

/** The @vscode-elements components the pages import (`@vscode-elements/elements/dist/<name>/index.js`). */
export function importedElements(): string[] {
  const names = new Set<string>();
  for (const file of filesUnder(WEBVIEW_SOURCES, /\.ts$/)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/@vscode-elements\/elements\/dist\/(vscode-[a-z-]+)\/index\.js/g)) names.add(match[1]);
  }
  return [...names].sort();
}

/** Variables read by the pages' style sheets. */
export function styleSheetVariables(): string[] {
  const names = new Set<string>();
  for (const file of filesUnder(WEBVIEW_SOURCES, /\.css$/)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/var\(\s*--vscode-([A-Za-z0-9-]+)/g)) names.add(match[1]);
  }
  return [...names].filter((name) => !isFont(name)).sort();
}

/** Variables read by the imported components' styles (their own and the shared ones in `includes/`). */
export function elementsVariables(): string[] {
  const files = [...importedElements().map((name) => path.join(ELEMENTS_DIST, name)), path.join(ELEMENTS_DIST, 'includes')].flatMap((dir) =>
    filesUnder(dir, /\.styles\.js$/),
  );
  const names = new Set<string>();
  for (const file of files) for (const match of readFileSync(file, 'utf8').matchAll(/--vscode-([A-Za-z0-9-]+)/g)) names.add(match[1]);
  return [...names].filter((name) => !isFont(name)).sort();
}

/** Every theme variable the pages read, colours only. */
export function webviewThemeVariables(): string[] {
  return [...new Set([...styleSheetVariables(), ...elementsVariables()])].sort();
}
