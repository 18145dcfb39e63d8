/**
 * Which program plans and applies, in a real VS Code (code-server in Chromium) set up the way users
 * met the problem: `immutableInfra.terraform.path` in the *User* settings only (a machine-scoped
 * setting, which a remote window does not reliably apply from there), and both programs on the
 * server's PATH — HashiCorp Terraform first (/usr/local/bin/terraform), then a temp folder holding
 * a copy of the project's OpenTofu as `tofu`. The module, a copy of the seed example, was
 * initialised with OpenTofu. Checked:
 *
 * - Show Plan Graph plans with OpenTofu (the log says which program and why);
 * - the apply modal names the program that made the plan ("OpenTofu 1.12.6, …/tofu"), and the
 *   apply, run by it, completes;
 * - after a second plan the temp `tofu` is replaced by a copy of Terraform: Apply Reviewed Plan is
 *   refused with a message naming both programs, and nothing is applied;
 * - with the User setting removed (tofu put back), the module's lock file chooses OpenTofu over the
 *   Terraform that comes first on PATH, for the plan and the apply, and the modal says why.
 *
 * Whether code-server applies the User value is not reliable (in our runs it sometimes did, and
 * the program was then OpenTofu by the setting; sometimes not, and OpenTofu was chosen by the lock
 * file): the first three tests hold either way and log which it was; the fourth has no setting.
 *
 *   node scripts/run-tests.mjs e2e-vscode        (needs `bash scripts/setup-tools.sh --only code-server`)
 *
 * On a failure: test-results/e2e-vscode-tool-<step>.png and the extension's logs next to it.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
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
} from '../support/codeServer';
import { copyDeployedSeedExample } from '../support/seedModule';
import { packagedExtension } from '../support/packagedExtension';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { findTerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { assertTofuProvisioned, runTofu, TOFU_BIN, TOFURC, tofuEnv } from '../support/tofu';
import { reportToolsUnderTest, TERRAFORM } from '../support/toolsUnderTest';

/**
 * Terraform as the end-to-end suite found it. This test needs both programs: where the machine has
 * no Terraform it is not registered, and the run's last line says so, and why.
 */
const TERRAFORM_BIN = TERRAFORM?.bin;
const SUMMARY = 'Plan: 1 to add, 0 to change, 1 to destroy.';

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

reportToolsUnderTest(__filename);

if (TERRAFORM_BIN !== undefined)
  describe('real VS Code (code-server): the program that plans is the one that applies', { timeout: 300_000 }, () => {
    let server: CodeServer | undefined;
    let browser: Chromium | undefined;
    let page: Page;
    let workspace = '';
    let tofuCopy = '';
    let tofuVersion = '';
    let terraformVersion = '';
    const t0 = Date.now();
    const log = (message: string): void => console.log(`# [e2e-vscode tool ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

    /** Runs a test body; on failure saves a screenshot and the extension's logs under test-results/. */
    const step = (name: string, body: () => Promise<void>): Promise<void> => runStep('e2e-vscode-tool', name, () => ({ page, server }), body);

    /** Until the extension host has started the extension, the palette does not list its commands. */
    async function extensionStarted(): Promise<void> {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tf' }).click();
      await logLines(/Starting the language server/, 1, 60_000);
    }

    /** The extension's own log (the Immutable Infra output channel's file). */
    function extensionLog(): string {
      return (server?.logFiles() ?? [])
        .filter((file) => /Immutable Infra/.test(path.basename(file)))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
    }

    /** Waits until the extension's log has `count` lines matching `pattern`; returns them. */
    async function logLines(pattern: RegExp, count: number, timeoutMs: number): Promise<string[]> {
      let lines: string[] = [];
      return waitFor(
        () => {
          lines = extensionLog()
            .split('\n')
            .filter((line) => pattern.test(line));
          return lines.length >= count && lines;
        },
        timeoutMs,
        () => `the extension log has ${lines.length} of ${count} lines matching ${pattern}; its end:\n${extensionLog().slice(-3_000)}`,
        250,
      );
    }

    async function versionOf(file: string): Promise<string> {
      return (await findTerraformExecutable(file, { env: tofuEnv() })).version;
    }

    before(async () => {
      process.once('exit', cleanupTempDirs);
      await step('setup', async () => {
        assertToolsProvisioned();
        assertTofuProvisioned();
        const vsix = await packagedExtension({ log });
        workspace = tempDir('ii-e2e-tool-ws-');
        copyDeployedSeedExample(workspace);
        // Initialised with OpenTofu: the lock file selects registry.opentofu.org/hashicorp/local.
        await runTofu(workspace, ['init', '-input=false', '-no-color']);
        assert.match(readFileSync(path.join(workspace, '.terraform.lock.hcl'), 'utf8'), /provider "registry\.opentofu\.org\/hashicorp\/local"/);

        const bin = tempDir('ii-e2e-tool-bin-');
        tofuCopy = path.join(bin, 'tofu');
        copyFileSync(TOFU_BIN, tofuCopy);
        chmodSync(tofuCopy, 0o755);
        tofuVersion = await versionOf(tofuCopy);
        terraformVersion = await versionOf(TERRAFORM_BIN);
        log(`OpenTofu ${tofuVersion} at ${tofuCopy}, Terraform ${terraformVersion} at ${TERRAFORM_BIN}`);

        server = await startCodeServer({
          workspace,
          vsix,
          env: {
            // terraform first, then the copy of tofu; nothing else of either on it.
            PATH: [path.dirname(TERRAFORM_BIN), bin, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
            // The server would otherwise lay the PATH of a login shell of this machine (/etc/profile)
            // over its own for the extension host, losing the temp folder: as when it is started from
            // a shell that already has the user's environment (VS Code's own marker for that).
            VSCODE_CLI: '1',
            // The providers' mirror, for both registry hosts.
            TF_CLI_CONFIG_FILE: TOFURC,
          },
        });
        // The path in the *User* settings only (start-code-server.sh wrote them at start; no Machine settings).
        const userSettings = path.join(server.dataDir, 'user', 'User', 'settings.json');
        const settings = JSON.parse(readFileSync(userSettings, 'utf8')) as Record<string, unknown>;
        writeFileSync(userSettings, JSON.stringify({ ...settings, 'immutableInfra.terraform.path': tofuCopy }, null, 2));
        assert.equal(existsSync(path.join(server.dataDir, 'user', 'Machine', 'settings.json')), false, 'no Machine settings');
        log(`code-server on port ${server.port} (group ${server.pgid})`);

        browser = await launchChromium();
        page = await openWorkbench(browser, server, 'main.tf');
        await extensionStarted();
      });
    });

    after(async () => {
      const { problems } = await stopSession(browser, server);
      cleanupTempDirs();
      log(`whole: ${Date.now() - t0} ms`);
      assert.deepEqual(problems, [], 'stopping the browser and code-server');
    });

    test('Show Plan Graph plans the OpenTofu-initialised module with OpenTofu, and the log says why', () =>
      step('plan', async () => {
        await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
        const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await webview.locator('html[data-state="ready"]').waitFor({ state: 'attached', timeout: 90_000 });
        assert.equal(await webview.locator('[data-address="local_file.example"]').getAttribute('data-display', { timeout: 10_000 }), 'replace-delete-first');
        await page.locator('.statusbar-item', { hasText: SUMMARY }).first().waitFor({ timeout: 10_000 });
        const [planning] = await logLines(/Planning .* with /, 1, 10_000);
        assert.ok(planning.includes(`with OpenTofu ${tofuVersion}, ${tofuCopy} — `), `the plan did not run the copy of OpenTofu: ${planning}`);
        // Why: the User setting, if this code-server applied it, else the module's lock file (with
        // terraform first on PATH). Either way the program is OpenTofu; which one it was is reported.
        assert.match(
          planning,
          / — (set in immutableInfra\.terraform\.path|chosen because \.terraform\.lock\.hcl selects providers from registry\.opentofu\.org)$/,
          planning,
        );
        log(`plan: ${planning.replace(/^.*?Planning/, 'Planning')}`);
      }));

    test('the apply modal names the program that made the plan, which applies it', () =>
      step('apply', async () => {
        await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 15_000 });
        const text = oneLine(await dialog.innerText());
        assert.ok(text.includes(SUMMARY), `the modal does not show the summary: ${text}`);
        assert.ok(text.includes(`by the program that made it: OpenTofu ${tofuVersion}, ${tofuCopy} — `), `the modal does not name the program: ${text}`);
        log(`modal: ${text}`);
        await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
        await page
          .locator('.notifications-toasts .notification-toast', { hasText: 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.' })
          .first()
          .waitFor({ timeout: 90_000 });
        assert.equal(statSync(path.join(workspace, 'test.txt')).mode & 0o777, 0o700, 'test.txt has mode 0700 after the apply');
        const [applying] = await logLines(/Applying the reviewed plan of /, 1, 10_000);
        assert.ok(applying.includes(`with OpenTofu ${tofuVersion}, ${tofuCopy}`), applying);
      }));

    test('a plan whose program changed (tofu replaced by terraform) is refused, naming both', () =>
      step('changed-program', async () => {
        // Back to "0777": a new plan to review.
        const mainTf = path.join(workspace, 'main.tf');
        writeFileSync(mainTf, readFileSync(mainTf, 'utf8').replace('file_permission = "0700"', 'file_permission = "0777"'));
        await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
        await logLines(/Plan of .* ended after \d+ ms: ok/, 2, 90_000);
        await page.locator('.statusbar-item', { hasText: SUMMARY }).first().waitFor({ timeout: 20_000 });
        const stateBefore = readFileSync(path.join(workspace, 'terraform.tfstate'), 'utf8');

        // The same path now holds Terraform (replaced whole, as an installer would).
        copyFileSync(TERRAFORM_BIN, `${tofuCopy}.new`);
        chmodSync(`${tofuCopy}.new`, 0o755);
        renameSync(`${tofuCopy}.new`, tofuCopy);

        await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
        const expected = `The reviewed plan was made by OpenTofu ${tofuVersion} (${tofuCopy}), but ${tofuCopy} is now Terraform ${terraformVersion}`;
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: expected });
        await toast.first().waitFor({ timeout: 30_000 });
        const text = oneLine(await toast.first().innerText());
        assert.match(text, /a saved plan can only be applied by the program that made it\. Run Show Plan Graph again and review the new plan\./, text);
        log(`refused: ${text}`);
        assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no apply modal was shown');
        assert.equal(readFileSync(path.join(workspace, 'terraform.tfstate'), 'utf8'), stateBefore, 'the state is untouched');
        assert.equal(statSync(path.join(workspace, 'test.txt')).mode & 0o777, 0o700, 'test.txt is as the first apply left it');
      }));

    test('the setting removed, both on PATH (terraform first): the lock file chooses OpenTofu, which plans and applies', () =>
      step('chosen-by-lock-file', async () => {
        copyFileSync(TOFU_BIN, `${tofuCopy}.new`);
        chmodSync(`${tofuCopy}.new`, 0o755);
        renameSync(`${tofuCopy}.new`, tofuCopy);
        const userSettings = path.join(server!.dataDir, 'user', 'User', 'settings.json');
        const { ['immutableInfra.terraform.path']: _removed, ...settings } = JSON.parse(readFileSync(userSettings, 'utf8')) as Record<string, unknown>;
        writeFileSync(userSettings, JSON.stringify(settings, null, 2));
        // The removal reaches the extension host when VS Code has read the file again (if it had
        // applied the value at all): plan until a plan ran without it.
        const lockFileReason = 'chosen because .terraform.lock.hcl selects providers from registry.opentofu.org';
        let planning = '';
        await waitFor(
          async () => {
            const plansBefore = (await logLines(/Plan of .* ended after/, 0, 1_000)).length;
            await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
            await logLines(/Plan of .* ended after \d+ ms: ok/, plansBefore + 1, 90_000);
            planning = (await logLines(/Planning .* with /, 1, 1_000)).at(-1) ?? '';
            return planning.endsWith(lockFileReason);
          },
          60_000,
          () => `plans still run without the lock file's choice; the last: ${planning}`,
          1_000,
        );
        assert.ok(planning.includes(`with OpenTofu ${tofuVersion}, ${tofuCopy} — ${lockFileReason}`), planning);
        log(`plan: ${planning.replace(/^.*?Planning/, 'Planning')}`);

        await runFromPalette(page, 'Immutable Infra: Apply Reviewed Plan');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 15_000 });
        const text = oneLine(await dialog.innerText());
        assert.ok(
          text.includes(`by the program that made it: OpenTofu ${tofuVersion}, ${tofuCopy} — ${lockFileReason}.`),
          `the modal does not say which program and why: ${text}`,
        );
        await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
        // (The file is created 0777 less the umask: its mode says little here; the second apply's summary does.)
        await logLines(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed\./, 2, 90_000);
        const [, applying] = await logLines(/Applying the reviewed plan of /, 2, 10_000);
        assert.ok(applying.includes(`with OpenTofu ${tofuVersion}, ${tofuCopy} — ${lockFileReason}`), applying);
      }));
  });
