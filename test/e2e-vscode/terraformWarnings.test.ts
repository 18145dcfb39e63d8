/**
 * The extension in a real VS Code: the packaged .vsix installed into code-server (VS Code 1.139),
 * driven through Chromium like a user. On the bundled example (`file_permission` "0777" → "0700",
 * the baseline being the state OpenTofu wrote for "0777") it checks the squiggle, the Problems
 * panel, the hover and the create_before_destroy quick fix, down to the file saved on disk; then
 * Show Plan Graph from the palette, planned by the real OpenTofu (`immutableInfra.terraform.path`
 * set in the machine settings, as a user would), reveal-in-source from the graph's node; then
 * Apply Reviewed Plan: the modal, the apply, the file on disk, the graph's nodes done, and the
 * inline warning gone once the state moved on.
 *
 *   node scripts/run-tests.mjs e2e-vscode        (needs `bash scripts/setup-tools.sh --only code-server`)
 *
 * II_E2E_VSIX=path/to.vsix tests that package as is instead of building dist/immutable-infra.vsix.
 * On a failure: test-results/<test>.png and the extension's logs next to it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  assertToolsProvisioned,
  launchChromium,
  repoRoot,
  runFromPalette,
  runStep,
  startCodeServer,
  stopSession,
  waitFor,
  type Chromium,
  type CodeServer,
  openWorkbench,
  writeMachineSettings,
} from '../support/codeServer';
import { copyDeployedSeedExample } from '../support/seedModule';
import { packagedExtension } from '../support/packagedExtension';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertTofuProvisioned, runTofu, TOFU_BIN, TOFURC } from '../support/tofu';

const EXAMPLE = path.join(repoRoot, 'examples', 'terraform');

const FORCES = 'forces replacement of `local_file.example`';
const QUICK_FIX_TITLE = 'Add lifecycle { create_before_destroy = true }';

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('real VS Code (code-server in Chromium): Terraform replacement warnings', { timeout: 200_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let mainTf = '';
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const log = (message: string): void => console.log(`# [e2e-vscode ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

  /** Runs a test body and times it; on failure saves a screenshot and the extension's logs under test-results/. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await runStep('e2e-vscode', name, () => ({ page, server }), body);
    timings[name] = Date.now() - started;
  }

  const editor = (): Locator => page.locator('.editor-instance .monaco-editor').first();
  // The line that sets it (the comment above mentions file_permission too).
  const permissionLine = (): Locator => editor().locator('.view-lines .view-line', { hasText: /^\s*file_permission\s*=/ });

  /** The warning squiggle whose vertical middle lies on the `file_permission` line. */
  async function squiggleOnPermissionLine(timeoutMs: number): Promise<{ x: number; y: number; width: number; height: number }> {
    return waitFor(
      async () => {
        if (page.isClosed()) throw new Error('the browser page has closed');
        // Short timeouts: this is polled, and the editor re-renders (elements come and go) meanwhile.
        const line = await permissionLine()
          .boundingBox({ timeout: 1_000 })
          .catch(() => null);
        if (!line) return undefined;
        for (const squiggle of await editor().locator('.squiggly-warning').all()) {
          const box = await squiggle.boundingBox({ timeout: 1_000 }).catch(() => null);
          if (box && box.y + box.height / 2 >= line.y && box.y + box.height / 2 <= line.y + line.height) return box;
        }
        return undefined;
      },
      timeoutMs,
      () => 'no .squiggly-warning on the `file_permission` line of main.tf',
      200,
    );
  }

  /** The Problems panel's rows, as text. */
  async function problems(): Promise<string[]> {
    return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(oneLine);
  }

  /** Focuses the Problems panel and waits for a row containing `text`; a timeout says what the panel held. */
  async function problemRow(text: string, timeoutMs: number): Promise<string> {
    await runFromPalette(page, 'Focus on Problems View');
    let rows: string[] = [];
    return waitFor(
      async () => {
        rows = await problems();
        return rows.find((row) => row.includes(text));
      },
      timeoutMs,
      () => `no Problems entry contains ${JSON.stringify(text)}; the panel lists ${rows.length ? JSON.stringify(rows) : 'nothing'}`,
      200,
    );
  }

  before(async () => {
    // An interrupted run (Ctrl+C) exits from codeServer.ts's signal handler: remove the workspace then too.
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      const vsix = await packagedExtension({ log });
      const workspace = tempDir('ii-e2e-ws-');
      copyDeployedSeedExample(workspace);
      mainTf = path.join(workspace, 'main.tf');
      // The plan graph runs the real OpenTofu: init here (providers from the project's mirror), and
      // the extension host inherits the CLI configuration that names that mirror.
      assertTofuProvisioned();
      await runTofu(workspace, ['init', '-input=false', '-no-color']);
      process.env.TF_CLI_CONFIG_FILE = TOFURC;

      let started = Date.now();
      server = await startCodeServer({ workspace, vsix });
      timings.codeServerStart = Date.now() - started;
      // A machine-scoped setting. code-server's extension host is a remote one, which reads machine
      // settings from the server machine's settings file (user settings can't set them there, nor can
      // a workspace's). The machine has a `terraform` of its own on PATH: the setting must win over it.
      writeMachineSettings(server, { 'immutableInfra.terraform.path': TOFU_BIN });
      log(`code-server on port ${server.port} (group ${server.pgid}) in ${timings.codeServerStart} ms`);

      started = Date.now();
      browser = await launchChromium();
      page = await openWorkbench(browser, server, 'main.tf');
      timings.workbenchReady = Date.now() - started;
      log(`workbench with the explorer ready in ${timings.workbenchReady} ms`);
    });
  });

  after(async () => {
    const memory = `code-server ${server?.memoryMiB() ?? '?'} MiB, Chromium ${browser?.memoryMiB() ?? '?'} MiB (PSS), test process ${Math.round(process.memoryUsage().rss / 1048576)} MiB (RSS)`;
    const stopped = await stopSession(browser, server);
    Object.assign(timings, stopped.timings);
    cleanupTempDirs();
    log(`memory before stopping: ${memory}`);
    log(`timings (ms): ${JSON.stringify({ ...timings, whole: Date.now() - t0 })}`);
    assert.deepEqual(stopped.problems, [], 'stopping the browser and code-server');
  });

  test('a warning squiggle marks the file_permission line of main.tf', () =>
    step('squiggle', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tf' }).click();
      await editor().locator('.view-lines', { hasText: 'file_permission' }).waitFor({ timeout: 30_000 });
      await squiggleOnPermissionLine(45_000);
    }));

  test('the Problems panel lists the finding from Immutable Infra', () =>
    step('problems-panel', async () => {
      const row = await problemRow(FORCES, 20_000);
      assert.match(row, /Immutable Infra/, `the Problems entry does not name Immutable Infra: ${row}`);
      assert.match(row, /"0777" → "0700"/, `the Problems entry does not show the change: ${row}`);
    }));

  test('hovering the squiggle shows the baseline value', () =>
    step('hover', async () => {
      const hover = page.locator('.monaco-hover:visible', { hasText: 'Baseline' });
      let box = await squiggleOnPermissionLine(10_000);
      let shown: string[] = [];
      await waitFor(
        async () => {
          box = await squiggleOnPermissionLine(10_000);
          // Found anew each time (a code lens arriving above the resource shifts the lines). Move off and
          // back onto the squiggle: VS Code shows the hover after the mouse rests on it.
          await page.mouse.move(box.x + box.width / 2, box.y - 60);
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
          const appeared = await hover
            .first()
            .waitFor({ timeout: 3_000 })
            .then(() => true)
            .catch(() => false);
          shown = (await page.locator('.monaco-hover:visible').allInnerTexts()).map(oneLine);
          return appeared;
        },
        20_000,
        () => `no hover with "Baseline" appeared over the squiggle at ${JSON.stringify(box)}; visible hovers: ${JSON.stringify(shown)}`,
      );
      const text = oneLine(await hover.first().innerText());
      assert.match(text, /Baseline/, text);
      assert.ok(text.includes('"0777"'), `the hover does not show the baseline value "0777": ${text}`);
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);
    }));

  test('the create_before_destroy quick fix edits the file, and the warning then says the replacement is created first', () =>
    step('quick-fix', async () => {
      const action = page.locator('.action-widget .monaco-list-row', { hasText: QUICK_FIX_TITLE });
      await waitFor(
        async () => {
          // Put the cursor on the finding (found anew each time: a code lens arriving shifts the lines),
          // then Ctrl+. for the quick fixes.
          const box = await squiggleOnPermissionLine(10_000);
          await page.keyboard.press('Escape');
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
          await page.keyboard.press('Control+.');
          return action
            .first()
            .waitFor({ timeout: 5_000 })
            .then(() => true)
            .catch(() => false);
        },
        20_000,
        () => `no quick fix "${QUICK_FIX_TITLE}…" in the Ctrl+. menu`,
      );
      await action.first().click();
      await editor().locator('.view-lines', { hasText: 'create_before_destroy' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Control+s');
      const saved = await waitFor(
        () => {
          const text = readFileSync(mainTf, 'utf8');
          return /create_before_destroy\s*=\s*true/.test(text) && text;
        },
        15_000,
        () => `main.tf on disk has no create_before_destroy = true after Ctrl+S:\n${readFileSync(mainTf, 'utf8')}`,
      );
      assert.match(saved, /lifecycle\s*\{\s*create_before_destroy = true\s*\}/);
      assert.match(saved, /file_permission = "0700"/, 'the quick fix must not touch the edited attribute');
      const row = await problemRow('create the replacement first', 20_000);
      assert.ok(row.includes(FORCES), `the new warning lost its subject: ${row}`);
      assert.match(row, /Immutable Infra/, row);
      await squiggleOnPermissionLine(10_000);
    }));

  test('Show Plan Graph: the replaced node is drawn with file_permission as the reason; Reveal opens main.tf at the block', () =>
    step('plan-graph', async () => {
      // Leave main.tf so that the reveal has to open it and move the cursor.
      await runFromPalette(page, 'View: Close All Editors');
      // Back to the example as committed: the quick fix's create_before_destroy would make the apply
      // below create test.txt and then delete it (the old object has the same filename), which is
      // what Terraform really does with it, but not the seed scenario.
      copyFileSync(path.join(EXAMPLE, 'main.tf'), mainTf);
      await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
      const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      const node = webview.locator('[data-address="local_file.example"]');
      // OpenTofu plans in the extension host: provider start-up and refresh take a few seconds.
      await webview.locator('html[data-state="ready"]').waitFor({ state: 'attached', timeout: 90_000 });
      await node.waitFor({ timeout: 10_000 });
      assert.equal(await node.getAttribute('data-display'), 'replace-delete-first');
      const status = page.locator('.statusbar-item', { hasText: 'Plan: 1 to add, 0 to change, 1 to destroy.' });
      await status.first().waitFor({ timeout: 10_000 });
      await node.click();
      const forcedBy = webview.locator('.details dd.forced-by');
      await forcedBy.waitFor({ timeout: 10_000 });
      assert.equal(oneLine(await forcedBy.innerText()), 'file_permission', 'the details pane names the attribute that forces the replacement');
      await webview.locator('vscode-button.reveal').click();
      await editor().locator('.view-lines', { hasText: 'file_permission' }).waitFor({ timeout: 15_000 });
      const tab = page.locator('.tabs-container .tab.active', { hasText: 'main.tf' });
      await tab.waitFor({ timeout: 10_000 });
      // The cursor is on the resource header: line 5 of the example (four comment lines above it).
      const position = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ });
      let shown = '';
      await waitFor(
        async () => {
          shown = await position
            .first()
            .innerText()
            .catch(() => '(no position in the status bar)');
          return /Ln 5, Col 1\b/.test(shown);
        },
        10_000,
        () => `the cursor is not on the resource block: ${shown}`,
        200,
      );
    }));

  test('Apply Reviewed Plan: modal → Apply → success; the file is 0700 on disk, the nodes are done, the warning is gone', () =>
    step('apply', async () => {
      await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 15_000 });
      const dialogText = oneLine(await dialog.innerText());
      assert.match(dialogText, /Plan: 1 to add, 0 to change, 1 to destroy\./, `the modal does not show the summary: ${dialogText}`);
      assert.match(dialogText, /local_file\.example — forced by file_permission/, `the modal does not list the replacement first: ${dialogText}`);
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      const done = page.locator('.notifications-toasts .notification-toast', { hasText: 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.' });
      await done.first().waitFor({ timeout: 90_000 });
      const testFile = path.join(path.dirname(mainTf), 'test.txt');
      assert.equal(statSync(testFile).mode & 0o777, 0o700, 'test.txt has mode 0700 after the apply');
      const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await webview.locator('html[data-apply="applied"]').waitFor({ state: 'attached', timeout: 10_000 });
      assert.equal(await webview.locator('[data-address="local_file.example"]').getAttribute('data-apply'), 'done');
      // The language server watches the state file: the applied edit no longer forces anything.
      await runFromPalette(page, 'Focus on Problems View');
      let rows: string[] = [];
      await waitFor(
        async () => {
          rows = await problems();
          return !rows.some((row) => row.includes(FORCES));
        },
        30_000,
        () => `the Problems panel still lists the replacement after the apply: ${JSON.stringify(rows)}`,
        300,
      );
    }));
});
