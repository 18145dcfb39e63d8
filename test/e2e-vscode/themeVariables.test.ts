/**
 * The `--vscode-*` variables a real VS Code gives our webviews under its four default themes (Light
 * Modern, Dark Modern, Default High Contrast, Default High Contrast Light), compared with the checked-in
 * test/webview/vscode-theme-variables.json that the webview suite themes its pages from. One
 * code-server with the packaged extension shows the plan graph (Open Plan File… on a fixture plan);
 * the theme is changed at run time with Preferences: Color Theme, which re-themes the open webview. For
 * each theme: the classes on the inner frame's <body>, the colour scheme its media queries see, and, for every variable the pages read (their
 * style sheets and the @vscode-elements controls they use), the value on its <html>, or null where
 * the theme sends none (the pages then use their fallback).
 *
 *   node --test out/test/e2e-vscode/themeVariables.test.js            (needs code-server: scripts/setup-tools.sh)
 *   UPDATE_VSCODE_THEME_VARIABLES=1 node --test out/test/e2e-vscode/themeVariables.test.js   (rewrites the fixture)
 *
 * On a failure: test-results/e2e-vscode-theme-variables-<step>.{png,log}.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  assertToolsProvisioned,
  enterPathInFileDialog,
  launchChromium,
  openWorkbench,
  repoRoot,
  runFromPalette,
  runStep,
  startCodeServer,
  stopSession,
  waitFor,
  type Chromium,
  type CodeServer,
} from '../support/codeServer';
import { packagedExtension } from '../support/packagedExtension';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { webviewThemeVariables } from '../support/webviewThemeVariables';
import { describeFixtureDifferences, THEME_FIXTURE, type ThemeVariablesFixture, type RecordedTheme } from '../webview/vscodeThemeFixture';

/**
 * The themes as VS Code's theme-defaults extension contributes them: the id (`workbench.colorTheme`),
 * the label its picker shows, the class the workbench gets from its file, and the <body> classes of a webview.
 */
const THEMES: ReadonlyArray<{ id: string; label: string; workbenchClass: string; bodyClasses: string[] }> = [
  { id: 'Light Modern', label: 'Light Modern', workbenchClass: 'themes-light_modern-json', bodyClasses: ['vscode-light'] },
  { id: 'Dark Modern', label: 'Dark Modern', workbenchClass: 'themes-dark_modern-json', bodyClasses: ['vscode-dark'] },
  { id: 'Default High Contrast', label: 'Dark High Contrast', workbenchClass: 'themes-hc_black-json', bodyClasses: ['vscode-high-contrast'] },
  {
    id: 'Default High Contrast Light',
    label: 'Light High Contrast',
    workbenchClass: 'themes-hc_light-json',
    bodyClasses: ['vscode-high-contrast', 'vscode-high-contrast-light'],
  },
];
const PLAN = path.join(repoRoot, 'test', 'fixtures', 'plans', 'opentofu-real', 'graph-features', 'plan.json');
const THEME_DEFAULTS = path.join(repoRoot, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'theme-defaults', 'package.json');
const CODE_SERVER_BIN = path.join(repoRoot, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');

/** The inner frame's <body> classes (VS Code's only) and every `--vscode-*` property on its <html>, prefix dropped. Runs in the webview. */
function readTheme(): { bodyClasses: string[]; prefersColorScheme: 'light' | 'dark'; variables: Record<string, string> } {
  const style = document.documentElement.style;
  const variables: Record<string, string> = {};
  for (let i = 0; i < style.length; i++) {
    const name = style[i];
    if (name.startsWith('--vscode-')) variables[name.slice('--vscode-'.length)] = style.getPropertyValue(name).trim();
  }
  return {
    bodyClasses: [...document.body.classList].filter((c) => c.startsWith('vscode-')).sort(),
    prefersColorScheme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
    variables,
  };
}

/** Quick-input rows whose label is exactly `label` (the palette and pickers rank partial matches first). */
const rowLabelled = (page: Page, label: string) =>
  page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });

/** Preferences: Color Theme, then the theme by its label: each row clicked, not the first suggestion. */
async function pickColorTheme(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input:visible');
  await input.fill('>Preferences: Color Theme');
  await rowLabelled(page, 'Preferences: Color Theme').first().click({ timeout: 10_000 });
  await page.locator('.quick-input-widget input[placeholder^="Select Color Theme"]:visible').waitFor({ timeout: 10_000 });
  await input.fill(label);
  await rowLabelled(page, label).first().click({ timeout: 10_000 });
}

describe('real VS Code (code-server in Chromium): the theme variables our webviews get', { timeout: 240_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let graph: Frame;
  const step = (name: string, body: () => Promise<void>): Promise<void> => runStep('e2e-vscode-theme-variables', name, () => ({ page, server }), body);

  before(async () => {
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      const vsix = await packagedExtension({ timeoutMs: 180_000 });
      const workspace = tempDir('ii-theme-variables-');
      copyFileSync(PLAN, path.join(workspace, 'plan.json'));
      server = await startCodeServer({ workspace, vsix });
      browser = await launchChromium();
      page = await openWorkbench(browser, server, 'plan.json');
      // The palette lists the extension's commands once the extension host has registered it.
      await waitFor(
        async () => {
          try {
            await runFromPalette(page, 'Immutable Infra: Open Plan File');
            return true;
          } catch {
            await page.keyboard.press('Escape');
            return false;
          }
        },
        60_000,
        () => 'the command palette never listed "Immutable Infra: Open Plan File"',
        500,
      );
      await enterPathInFileDialog(page, path.join(workspace, 'plan.json'));
      graph = await waitFor(
        async () => {
          for (const frame of page.frames())
            if (
              (await frame
                .locator('html[data-state="ready"] svg g.node[data-address]')
                .count()
                .catch(() => 0)) > 0
            )
              return frame;
          return undefined;
        },
        60_000,
        () => 'no webview shows the plan graph',
        250,
      );
    });
  });

  after(async () => {
    const { problems } = await stopSession(browser, server);
    cleanupTempDirs();
    assert.deepEqual(problems, [], 'stopping the browser and code-server');
  });

  test('the four default themes exist under these ids in this VS Code', () => {
    const contributed = (JSON.parse(readFileSync(THEME_DEFAULTS, 'utf8')) as { contributes: { themes: Array<{ id: string }> } }).contributes.themes.map((t) => t.id);
    for (const theme of THEMES) assert.ok(contributed.includes(theme.id), `${theme.id} among ${contributed.join(', ')}`);
  });

  test('each theme: the <body> classes and the variables match test/webview/vscode-theme-variables.json', () =>
    step('themes', async () => {
      assert.ok(server);
      const names = webviewThemeVariables();
      const settingsFile = path.join(server.dataDir, 'user', 'User', 'settings.json');
      const recorded: Record<string, RecordedTheme> = {};
      for (const theme of THEMES) {
        await pickColorTheme(page, theme.label);
        // The theme took once the picker saved it and the workbench wears its class (`…-themes-<file>-json`);
        // the webview has it once VS Code's message reached it: its classes are the theme's and its
        // editor colours are the workbench's own.
        let seen: ReturnType<typeof readTheme> | undefined;
        let workbench = { classes: '', background: '', foreground: '' };
        await waitFor(
          async () => {
            const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
            workbench = await page.evaluate(() => {
              const element = document.querySelector('.monaco-workbench')!;
              const style = getComputedStyle(element);
              return {
                classes: element.className,
                background: style.getPropertyValue('--vscode-editor-background').trim(),
                foreground: style.getPropertyValue('--vscode-editor-foreground').trim(),
              };
            });
            seen = await graph.evaluate(readTheme);
            return (
              settings['workbench.colorTheme'] === theme.id &&
              workbench.classes.includes(theme.workbenchClass) &&
              JSON.stringify(seen.bodyClasses) === JSON.stringify(theme.bodyClasses) &&
              seen.variables['editor-background'] === workbench.background &&
              seen.variables['editor-foreground'] === workbench.foreground
            );
          },
          30_000,
          () =>
            `${theme.id} did not reach the webview: workbench ${JSON.stringify(workbench)}, webview <body> ${seen?.bodyClasses.join(' ')}, ` +
            `editor colours ${seen?.variables['editor-background']} / ${seen?.variables['editor-foreground']}`,
          200,
        );
        assert.ok(seen);
        const variables: Record<string, string | null> = {};
        for (const name of names) variables[name] = seen.variables[name] ?? null;
        recorded[theme.id] = { bodyClasses: seen.bodyClasses, prefersColorScheme: seen.prefersColorScheme, variables };
      }
      const xdg = path.join(server.dataDir, 'xdg-config');
      const version =
        execFileSync(CODE_SERVER_BIN, ['--version'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg } })
          .trim()
          .split('\n')
          .pop() ?? '';
      const actual: ThemeVariablesFixture = { codeServer: version, themes: recorded };
      assert.match(version, /^\d+\.\d+\.\d+ [0-9a-f]+ with Code \d+\.\d+\.\d+$/);
      if (process.env.UPDATE_VSCODE_THEME_VARIABLES === '1') {
        writeFileSync(THEME_FIXTURE, `${JSON.stringify(actual, null, 2)}\n`);
        console.log(`Rewrote ${path.relative(repoRoot, THEME_FIXTURE)} from ${version}`);
        return;
      }
      const expected = JSON.parse(readFileSync(THEME_FIXTURE, 'utf8')) as ThemeVariablesFixture;
      const differences = describeFixtureDifferences(expected, actual);
      assert.equal(
        differences,
        '',
        `VS Code (${version}) sends other theme values than the fixture (${expected.codeServer}); rerun with UPDATE_VSCODE_THEME_VARIABLES=1 if that is expected:\n${differences}`,
      );
    }));
});
