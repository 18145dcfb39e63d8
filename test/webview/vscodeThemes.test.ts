/**
 * The recorded VS Code theme variables the webview suite themes its pages from
 * (vscode-theme-variables.json, checked against a real VS Code by test/e2e-vscode/themeVariables.test.ts):
 * they cover every variable the pages read and nothing else, the four themes are built from them,
 * and a difference from VS Code is told as a table.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { styleSheetVariables, webviewThemeVariables } from '../support/webviewThemeVariables';
import { describeFixtureDifferences, readThemeFixture, type ThemeVariablesFixture } from './vscodeThemeFixture';
import { HIGH_CONTRAST_LIGHT, LIGHT_MODERN, recordedTheme, THEMES } from './vscodeThemes';

const fixture = readThemeFixture();

test('the fixture records, for each of the four themes, exactly the variables the pages and their controls read', () => {
  assert.deepEqual(Object.keys(fixture.themes), ['Light Modern', 'Dark Modern', 'Default High Contrast', 'Default High Contrast Light']);
  assert.match(fixture.codeServer, / with Code \d+\.\d+\.\d+$/);
  const names = webviewThemeVariables();
  assert.ok(names.includes('charts-orange') && names.includes('button-background'), 'from the style sheets and from @vscode-elements');
  assert.ok(styleSheetVariables().every((name) => names.includes(name)));
  for (const [id, theme] of Object.entries(fixture.themes)) {
    assert.deepEqual(Object.keys(theme.variables).sort(), names, `${id}: re-record with UPDATE_VSCODE_THEME_VARIABLES=1 after the pages read other variables`);
  }
});

test('the themes are the recorded ones: a variable VS Code does not send stays unset, the fonts are added', () => {
  assert.equal(THEMES.length, 4);
  assert.equal(LIGHT_MODERN.variables['charts-red'], fixture.themes['Light Modern'].variables['charts-red']);
  assert.equal(fixture.themes['Light Modern'].variables.contrastBorder, null);
  assert.equal('contrastBorder' in LIGHT_MODERN.variables, false);
  assert.equal(LIGHT_MODERN.variables['font-size'], '13px');
  assert.deepEqual(HIGH_CONTRAST_LIGHT.bodyClasses, ['vscode-high-contrast', 'vscode-high-contrast-light']);
  assert.equal(HIGH_CONTRAST_LIGHT.colorScheme, fixture.themes['Default High Contrast Light'].prefersColorScheme);
  assert.throws(() => recordedTheme('Solarized Dark', 'solarized'), {
    message: 'vscode-theme-variables.json has no theme "Solarized Dark" (it has Light Modern, Dark Modern, Default High Contrast, Default High Contrast Light)',
  });
});

test('a difference from VS Code is a table of theme, what, the fixture and VS Code; none is empty', () => {
  const copy = (): ThemeVariablesFixture => JSON.parse(JSON.stringify(fixture)) as ThemeVariablesFixture;
  assert.equal(describeFixtureDifferences(fixture, copy()), '');
  const changed = copy();
  changed.themes['Light Modern'].variables['charts-orange'] = '#d18616';
  changed.themes['Dark Modern'].variables.contrastBorder = null;
  changed.themes['Dark Modern'].bodyClasses = ['vscode-light'];
  changed.themes['Dark Modern'].prefersColorScheme = 'dark';
  delete changed.themes['Default High Contrast Light'];
  const expected = copy();
  expected.themes['Dark Modern'].variables.contrastBorder = '#6fc3df';
  assert.deepEqual(describeFixtureDifferences(expected, changed).split('\n'), [
    'theme                       | what                    | fixture                | VS Code',
    'Light Modern                | --vscode-charts-orange  | rgba(234, 92, 0, 0.33) | #d18616',
    'Dark Modern                 | <body> classes          | vscode-dark            | vscode-light',
    'Dark Modern                 | prefers-color-scheme    | light                  | dark',
    'Dark Modern                 | --vscode-contrastBorder | #6fc3df                | (not sent)',
    'Default High Contrast Light | (the theme)             | recorded               | (not seen)',
  ]);
});
