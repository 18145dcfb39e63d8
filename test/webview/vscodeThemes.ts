/**
 * VS Code's default themes as a webview sees them: the `--vscode-*` variables the pages read
 * (webview/src/theme.css and each page's style sheet, and @vscode-elements' controls) and the classes
 * VS Code puts on <body>. The colours are the ones a real VS Code sends, recorded from code-server in
 * vscode-theme-variables.json (test/e2e-vscode/themeVariables.test.ts checks it against VS Code); a
 * variable the theme does not send is left unset, as VS Code leaves it, so the pages' fallbacks show.
 * Only the fonts are given here: VS Code sends the platform's font stack, not a theme's.
 */
import { readThemeFixture } from './vscodeThemeFixture';

export interface VsCodeTheme {
  /** A short name for test titles and screenshot files. */
  name: string;
  /** VS Code's classes on <body>: `vscode-light`, `vscode-dark`, `vscode-high-contrast` (+ `vscode-high-contrast-light`). */
  bodyClasses: readonly string[];
  /** The scheme the page's `prefers-color-scheme` queries see in VS Code (the pages' fallbacks follow it). */
  colorScheme: 'light' | 'dark';
  /** Variable names without the `--vscode-` prefix (VS Code turns `editor.foreground` into `--vscode-editor-foreground`). */
  variables: Record<string, string>;
}

const fonts = {
  'font-family': 'system-ui, sans-serif',
  'font-size': '13px',
  'editor-font-family': 'monospace',
};

const fixture = readThemeFixture();

/** The theme recorded under its `workbench.colorTheme` id, with the variables it sends and the fonts. */
export function recordedTheme(id: string, name: string): VsCodeTheme {
  const recorded = fixture.themes[id];
  if (!recorded) throw new Error(`vscode-theme-variables.json has no theme "${id}" (it has ${Object.keys(fixture.themes).join(', ')})`);
  const variables: Record<string, string> = { ...fonts };
  for (const [variable, value] of Object.entries(recorded.variables)) if (value !== null) variables[variable] = value;
  return { name, bodyClasses: recorded.bodyClasses, colorScheme: recorded.prefersColorScheme, variables };
}

export const LIGHT_MODERN = recordedTheme('Light Modern', 'light');
export const DARK_MODERN = recordedTheme('Dark Modern', 'dark');
export const HIGH_CONTRAST = recordedTheme('Default High Contrast', 'high-contrast');
export const HIGH_CONTRAST_LIGHT = recordedTheme('Default High Contrast Light', 'high-contrast-light');

export const THEMES: readonly VsCodeTheme[] = [LIGHT_MODERN, DARK_MODERN, HIGH_CONTRAST, HIGH_CONTRAST_LIGHT];
