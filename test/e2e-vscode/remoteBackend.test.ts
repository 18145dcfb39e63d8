/**
 * The seed flow in a real VS Code (the packaged .vsix in code-server, driven through Chromium) with
 * the state in a remote backend: PostgreSQL on loopback, the `pg` backend, OpenTofu as the program
 * (`immutableInfra.terraform.path` in the machine settings). The module is applied with "0777" to
 * the backend and opened as the workspace; the user edits it to "0700". Checked: the squiggle, the
 * hover with the state's old value and the serial it was compared with, the baseline status-bar
 * item; Show Plan Graph with the state lock line in its header; Apply Reviewed Plan refused while a
 * colleague's run (a second checkout of the module, its `apply` waiting at its prompt) holds the
 * lock, the refusal naming that run's PostgreSQL session; once it lets go, the apply through the
 * modal, the file on disk, the new serial, and the squiggle gone.
 *
 *   node scripts/run-tests.mjs e2e-vscode   (needs `bash scripts/setup-tools.sh --only code-server,backends`)
 *
 * On a failure: test-results/e2e-vscode-remote-<step>.png and the extension's logs next to it.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { disposeBackendServers, startPostgres, type PostgresServer } from '../support/backendServers';
import {
  assertToolsProvisioned,
  launchChromium,
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
import { packagedExtension } from '../support/packagedExtension';
import {
  deployRemoteSeedModule,
  holdStateLock,
  killStateLockHolders,
  pgBackend,
  remoteToolEnv,
  writeRemoteSeedModule,
  type RemoteModule,
  type StateLockHolder,
} from '../support/remoteModules';
import { cleanupTempDirs } from '../support/tempModule';
import { assertTofuProvisioned, OPENTOFU, TOFU_BIN } from '../support/tofu';

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('real VS Code (code-server in Chromium): the seed flow with its state in a pg backend', { timeout: 360_000 }, () => {
  let postgres: PostgresServer | undefined;
  let module: RemoteModule;
  let database = '';
  let holder: StateLockHolder | undefined;
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let mainTf = '';
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const log = (message: string): void => console.log(`# [e2e-vscode remote ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

  /** Runs a test body and times it; on failure saves a screenshot and the extension's logs under test-results/. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await runStep('e2e-vscode-remote', name, () => ({ page, server }), body);
    timings[name] = Date.now() - started;
  }

  const editor = (): Locator => page.locator('.editor-instance .monaco-editor').first();
  const permissionLine = (): Locator => editor().locator('.view-lines .view-line', { hasText: /^\s*file_permission\s*=/ });
  const graph = () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const toast = (text: string | RegExp): Locator => page.locator('.notifications-toasts .notification-toast', { hasText: text });

  /** The warning squiggle on the `file_permission` line, or undefined when there is none right now. */
  async function squiggleNow(): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
    const line = await permissionLine()
      .boundingBox({ timeout: 1_000 })
      .catch(() => null);
    if (!line) return undefined;
    for (const squiggle of await editor().locator('.squiggly-warning').all()) {
      const box = await squiggle.boundingBox({ timeout: 1_000 }).catch(() => null);
      if (box && box.y + box.height / 2 >= line.y && box.y + box.height / 2 <= line.y + line.height) return box;
    }
    return undefined;
  }

  const squiggleOnPermissionLine = (timeoutMs: number) =>
    waitFor(
      () => squiggleNow(),
      timeoutMs,
      () => 'no .squiggly-warning on the `file_permission` line of main.tf',
      200,
    );

  /** The baseline status-bar item's text, once it matches `pattern`. */
  async function baselineItem(pattern: RegExp, timeoutMs: number): Promise<string> {
    let shown: string[] = [];
    return waitFor(
      async () => {
        shown = (await page.locator('.statusbar-item').allInnerTexts()).map(oneLine);
        return shown.find((text) => pattern.test(text));
      },
      timeoutMs,
      () => `no status-bar item matches ${pattern}; the status bar shows ${JSON.stringify(shown)}`,
      300,
    );
  }

  /** The pid of the database session holding a granted advisory lock in the module's database (the pg backend's state lock). */
  async function advisoryLockHolder(): Promise<number | undefined> {
    const rows = await postgres!.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
      [database],
    );
    return rows[0]?.pid;
  }

  before(async () => {
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      assertTofuProvisioned();
      const vsix = await packagedExtension({ log });
      let started = Date.now();
      postgres = await startPostgres();
      const backend = await pgBackend(postgres);
      database = new URL(String(backend.settings.conn_str)).pathname.slice(1);
      module = await deployRemoteSeedModule(OPENTOFU, backend, '0777');
      timings.deploy = Date.now() - started;
      mainTf = path.join(module.dir, 'main.tf');
      log(`seed applied with 0777 to ${backend.describe} on port ${postgres.port} in ${timings.deploy} ms`);

      started = Date.now();
      // The extension host runs tofu with the server's environment: the CLI configuration naming the
      // providers mirror, non-interactive, no proxies.
      server = await startCodeServer({ workspace: module.dir, vsix, env: remoteToolEnv(backend) });
      timings.codeServerStart = Date.now() - started;
      // A machine-scoped setting: the remote extension host reads it from the server machine's settings.
      writeMachineSettings(server, { 'immutableInfra.terraform.path': TOFU_BIN });
      log(`code-server on port ${server.port} (group ${server.pgid}) in ${timings.codeServerStart} ms`);

      started = Date.now();
      browser = await launchChromium();
      page = await openWorkbench(browser, server, 'main.tf');
      timings.workbenchReady = Date.now() - started;
      log(`workbench ready (${page.viewportSize()?.width} × ${page.viewportSize()?.height}) in ${timings.workbenchReady} ms`);
    });
  });

  after(async () => {
    await holder?.kill().catch(() => undefined);
    killStateLockHolders();
    const stopped = await stopSession(browser, server);
    Object.assign(timings, stopped.timings);
    await disposeBackendServers();
    cleanupTempDirs();
    log(`timings (ms): ${JSON.stringify({ ...timings, whole: Date.now() - t0 })}`);
    assert.deepEqual(stopped.problems, [], 'stopping the browser and code-server');
  });

  test('the edit to "0700": the squiggle, the hover with the state\'s "0777" and its serial, the baseline status-bar item', () =>
    step('edit', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tf' }).click();
      await permissionLine().waitFor({ timeout: 30_000 });
      // As typed: the cursor to the end of the line, the old value deleted, the new one typed (the
      // closing quote typed over the one the editor closes by itself).
      await permissionLine().click();
      await page.keyboard.press('End');
      for (let i = 0; i < '"0777"'.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('"0700"');
      await permissionLine().filter({ hasText: '"0700"' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Control+s');
      await waitFor(
        () => /file_permission = "0700"\n/.test(readFileSync(mainTf, 'utf8')),
        15_000,
        () => `main.tf on disk does not set "0700" after Ctrl+S:\n${readFileSync(mainTf, 'utf8')}`,
      );
      // The language server reads the backend's state with tofu before it can compare: give it time.
      await squiggleOnPermissionLine(60_000);

      const hover = page.locator('.monaco-hover:visible', { hasText: 'Compared with state' });
      let shown: string[] = [];
      await waitFor(
        async () => {
          const box = await squiggleOnPermissionLine(10_000);
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
        () => `no hover with "Compared with state" over the squiggle; visible hovers: ${JSON.stringify(shown)}`,
      );
      const text = oneLine(await hover.first().innerText());
      assert.ok(text.includes('0777'), `the hover does not show the state's value "0777": ${text}`);
      assert.match(text, /Compared with state serial 1 of pg \(workspace default\), read \d+ s ago\./, text);
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);

      const item = await baselineItem(/\bpg · default · serial 1\b/, 15_000);
      log(`baseline status-bar item: ${item}`);
    }));

  test('Show Plan Graph: local_file.example is drawn, the header has the state lock line (not locked)', () =>
    step('plan-graph', async () => {
      await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
      await graph().locator('html[data-state="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
      const node = graph().locator('[data-address="local_file.example"]');
      await node.waitFor({ timeout: 10_000 });
      assert.equal(await node.getAttribute('data-display'), 'replace-delete-first');
      const lock = graph().locator('.state-lock');
      await lock.waitFor({ timeout: 10_000 });
      const line = oneLine(await lock.innerText());
      assert.equal(await lock.getAttribute('data-state'), 'unlocked', line);
      assert.match(line, /^State lock of pg \(workspace default\): Not locked \(checked \d\d:\d\d:\d\d UTC with PostgreSQL's advisory locks\)$/, line);
    }));

  test("Apply Reviewed Plan while another checkout's apply holds the lock: refused, naming its PostgreSQL session", () =>
    step('apply-refused', async () => {
      // A colleague's checkout: the same backend block, initialised, its apply waiting at the prompt.
      const other = writeRemoteSeedModule(OPENTOFU, module.backend, '0777');
      await other.init();
      holder = await holdStateLock(other);
      const sessionPid = await advisoryLockHolder();
      assert.ok(sessionPid, 'the holding apply has no advisory lock in the database');
      log(`tofu apply (pid ${holder.pid}) holds the lock as PostgreSQL session ${sessionPid}`);

      await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
      const refusal = toast('so the apply was not started');
      await refusal.first().waitFor({ timeout: 60_000 });
      const text = oneLine(await refusal.first().innerText());
      log(`refusal: ${text}`);
      assert.match(text, /The state of pg \(workspace default\) is locked, so the apply was not started: Locked by PostgreSQL session (\d+)/, text);
      assert.equal(Number(/PostgreSQL session (\d+)/.exec(text)?.[1]), sessionPid, `the refusal names another session than the holder's ${sessionPid}: ${text}`);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no apply modal while the state is locked');
      const lock = graph().locator('.state-lock');
      assert.equal(await lock.getAttribute('data-state'), 'locked', oneLine(await lock.innerText()));
      assert.ok(oneLine(await lock.innerText()).includes(`PostgreSQL session ${sessionPid}`), oneLine(await lock.innerText()));

      await holder.release();
      holder = undefined;
      assert.equal(await advisoryLockHolder(), undefined, 'the lock is free once the holder cancelled');
      // Close the refusal, so that the next step's notifications are its own.
      await runFromPalette(page, 'Notifications: Clear All Notifications');
    }));

  test('Apply Reviewed Plan once the lock is free: the modal, the apply, the file is 0700, serial 2, the squiggle gone', () =>
    step('apply', async () => {
      await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 60_000 });
      const dialogText = oneLine(await dialog.innerText());
      assert.match(dialogText, /Plan: 1 to add, 0 to change, 1 to destroy\./, dialogText);
      assert.match(dialogText, /local_file\.example — forced by file_permission/, dialogText);
      assert.match(dialogText, /made against state serial 1 of pg \(workspace default\), which is still the backend's/, dialogText);
      assert.match(dialogText, /State lock of pg \(workspace default\): Not locked/, dialogText);
      // The header no longer tells the refused apply's finding.
      const lock = graph().locator('.state-lock');
      assert.equal(await lock.getAttribute('data-state'), 'unlocked', oneLine(await lock.innerText()));
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      await toast('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.').first().waitFor({ timeout: 120_000 });
      assert.equal(statSync(path.join(module.dir, 'test.txt')).mode & 0o777, 0o700, 'test.txt has mode 0700 after the apply');
      await graph().locator('html[data-apply="applied"]').waitFor({ state: 'attached', timeout: 10_000 });

      const pulled = JSON.parse((await module.statePull()).stdout) as { serial: number; resources: { instances: { attributes: { file_permission: string } }[] }[] };
      assert.equal(pulled.resources[0]?.instances[0]?.attributes.file_permission, '0700', "the backend's state holds 0700");
      assert.equal(pulled.serial, 2, "the backend's state serial after the apply");

      // Back in main.tf: the edit is what the state holds now, so nothing forces a replacement.
      const started = Date.now();
      await page.locator('.tabs-container .tab', { hasText: 'main.tf' }).click();
      await permissionLine().waitFor({ timeout: 10_000 });
      await waitFor(
        async () => (await squiggleNow()) === undefined,
        30_000,
        () => 'the squiggle on the file_permission line is still there after the apply',
        300,
      );
      timings.squiggleGone = Date.now() - started;
      const item = await baselineItem(/\bpg · default · serial 2\b/, 10_000);
      log(`squiggle gone ${timings.squiggleGone} ms after the apply; baseline status-bar item: ${item}`);
    }));
});
