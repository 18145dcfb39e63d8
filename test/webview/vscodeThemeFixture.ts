/**
 * test/webview/vscode-theme-variables.json: what a real VS Code gives a webview under each default
 * theme, recorded by test/e2e-vscode/themeVariables.test.ts from code-server. Per theme (by its
 * `workbench.colorTheme` id): the VS Code classes on <body>, the colour scheme the page's media
 * queries see, and each variable the pages read
 * (name without `--vscode-`) with its value, or null where the theme sends none.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const THEME_FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test', 'webview', 'vscode-theme-variables.json');

export interface RecordedTheme {
  bodyClasses: string[];
  /**
   * What `prefers-color-scheme` matches in the webview: the browser's (the system's) setting, not
   * the theme's kind (code-server in a light-scheme Chromium gives "light" under the dark themes
   * too). The pages follow it only outside VS Code; inside, the theme's body class picks their
   * fallbacks, and the tests emulate this setting to show that it does.
   */
  prefersColorScheme: 'light' | 'dark';
  variables: Record<string, string | null>;
}

export interface ThemeVariablesFixture {
  /** What `code-server --version` printed: its version, commit and VS Code's version. */
  codeServer: string;
  themes: Record<string, RecordedTheme>;
}

export function readThemeFixture(): ThemeVariablesFixture {
  return JSON.parse(readFileSync(THEME_FIXTURE, 'utf8')) as ThemeVariablesFixture;
}

const shown = (value: string | null | undefined): string => (value === undefined ? '(not recorded)' : value === null ? '(not sent)' : value);

/** One line per difference, as a table (theme, what, fixture, VS Code); empty when they agree. */
export function describeFixtureDifferences(expected: ThemeVariablesFixture, actual: ThemeVariablesFixture): string {
  const rows: string[][] = [];
  for (const theme of [...new Set([...Object.keys(expected.themes), ...Object.keys(actual.themes)])]) {
    const want = expected.themes[theme];
    const got = actual.themes[theme];
    if (!want || !got) {
      rows.push([theme, '(the theme)', want ? 'recorded' : '(not recorded)', got ? 'seen' : '(not seen)']);
      continue;
    }
    if (want.bodyClasses.join(' ') !== got.bodyClasses.join(' ')) rows.push([theme, '<body> classes', want.bodyClasses.join(' '), got.bodyClasses.join(' ')]);
    if (want.prefersColorScheme !== got.prefersColorScheme) rows.push([theme, 'prefers-color-scheme', shown(want.prefersColorScheme), shown(got.prefersColorScheme)]);
    for (const name of [...new Set([...Object.keys(want.variables), ...Object.keys(got.variables)])].sort()) {
      if (want.variables[name] !== got.variables[name]) rows.push([theme, `--vscode-${name}`, shown(want.variables[name]), shown(got.variables[name])]);
    }
  }
  if (rows.length === 0) return '';
  const table = [['theme', 'what', 'fixture', 'VS Code'], ...rows];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  return table
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join(' | ')
        .trimEnd(),
    )
    .join('\n');
}
