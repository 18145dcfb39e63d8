/**
 * The Kubernetes warnings in a real VS Code: the packaged .vsix in code-server, driven through
 * Chromium. The workspace is a git repository whose HEAD holds the seed Deployment; the working
 * copy changes its selector, so the editor shows an error squiggle and the Problems panel lists
 * the immutable-field error with the API server's answer.
 *
 *   node scripts/run-tests.mjs e2e-vscode        (needs `bash scripts/setup-tools.sh --only code-server`)
 *
 * II_E2E_VSIX=path/to.vsix tests that package as is instead of running `npm run package`.
 * On a failure: test-results/e2e-vscode-kubernetes-<step>.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  assertToolsProvisioned,
  launchChromium,
  repoRoot,
  runStep,
  startCodeServer,
  stopSession,
  waitFor,
  type Chromium,
  type CodeServer,
  openWorkbench,
} from '../support/codeServer';
import { packagedExtension } from '../support/packagedExtension';
import { cleanupTempDirs, gitModule } from '../support/tempModule';

const SEED = readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const EDITED = SEED.replace(/matchLabels:\n(\s+)app: nginx/, 'matchLabels:\n$1app: web');

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('real VS Code (code-server in Chromium): Kubernetes immutable fields', { timeout: 200_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;

  /** Runs a test body; on failure saves a screenshot and the extension's logs under test-results/. */
  const step = (name: string, body: () => Promise<void>): Promise<void> => runStep('e2e-vscode-kubernetes', name, () => ({ page, server }), body);

  const editor = (): Locator => page.locator('.editor-instance .monaco-editor').first();

  before(async () => {
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      const vsix = await packagedExtension();
      // HEAD: the seed Deployment as deployed; the working copy: its selector changed.
      const workspace = gitModule({ 'nginx-deployment.yaml': SEED }, { 'nginx-deployment.yaml': EDITED });
      assert.notEqual(EDITED, SEED);
      server = await startCodeServer({ workspace, vsix });
      browser = await launchChromium();
      page = await openWorkbench(browser, server, 'nginx-deployment.yaml');
    });
  });

  after(async () => {
    const { problems } = await stopSession(browser, server);
    cleanupTempDirs();
    assert.deepEqual(problems, [], 'stopping the browser and code-server');
  });

  test('an error squiggle in the manifest, and the immutable-field error in the Problems panel', () =>
    step('problems', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'nginx-deployment.yaml' }).click();
      await editor().locator('.view-lines', { hasText: 'matchLabels' }).waitFor({ timeout: 30_000 });
      await editor().locator('.squiggly-error').first().waitFor({ timeout: 45_000 });
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Focus on Problems View');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Focus on Problems View' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      let rows: string[] = [];
      const row = await waitFor(
        async () => {
          rows = (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(oneLine);
          return rows.find((r) => r.includes('field is immutable'));
        },
        20_000,
        () => `no Problems entry says "field is immutable"; the panel lists ${JSON.stringify(rows)}`,
        200,
      );
      assert.match(row, /Immutable Infra/, row);
      assert.match(row, /The Deployment "nginx-deployment" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"app":"web"\}\}: field is immutable/, row);
    }));
});
