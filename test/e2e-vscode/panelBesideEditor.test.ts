/**
 * Both pictures as a new user first sees them: the packaged .vsix in code-server, Chromium at
 * 1400 × 900, the explorer open, a file in the editor and the panel opened beside it, as the
 * commands open it. The workspace holds the seed scenario: main.tf with `file_permission` "0700"
 * against the state OpenTofu wrote for "0777", and the nginx Deployment whose working copy moves
 * the image from git HEAD's `nginx:1.21.6` to `nginx:1.23.3`.
 *
 * - Show Plan Graph (planned by the real OpenTofu): `local_file.example`'s node is on screen, in
 *   the panel beside main.tf and not under anything; clicking it shows its details, on screen too.
 * - Show Rollout Timeline with the Deployment in the editor: its 6 pod lanes are on screen.
 *
 * "On screen" is measured, not looked at: the element's box lies within the webview's frame, the
 * frame within the window, and the page's own hit test at the element's centre finds the element.
 *
 *   node --test out/test/e2e-vscode/panelBesideEditor.test.js   (needs `bash scripts/setup-tools.sh`)
 *
 * II_E2E_VSIX=path/to.vsix tests that package as is. On a failure: test-results/e2e-vscode-beside-<step>.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import {
  assertToolsProvisioned,
  launchChromium,
  openWorkbench,
  repoRoot,
  runFromPalette,
  runStep,
  startCodeServer,
  stopSession,
  waitFor,
  writeMachineSettings,
  type Chromium,
  type CodeServer,
} from '../support/codeServer';
import { copyDeployedSeedExample } from '../support/seedModule';
import { packagedExtension } from '../support/packagedExtension';
import { cleanupTempDirs, gitModule } from '../support/tempModule';
import { assertTofuProvisioned, runTofu, TOFU_BIN, TOFURC } from '../support/tofu';

const WINDOW = { width: 1400, height: 900 };
/** Kept for a person to look at (git-ignored), beside the webview suite's width and theme matrix. */
const SCREENSHOT_DIR = path.join(repoRoot, 'test-artifacts', 'screenshots');

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `vscode-1400x900-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}
const DEPLOYMENT = readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const DEPLOYED = DEPLOYMENT.replace('image: nginx:1.23.3', 'image: nginx:1.21.6');
/** The extension's defaults (package.json): 5 s image pull and start. */
const EXPECTED_TIMELINE = simulateRollout(workloadsFromManifest(DEPLOYMENT)[0], { podStartSeconds: 5, nodes: 3 });

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const within = (inner: Box, outer: Box): boolean =>
  inner.width > 0 &&
  inner.height > 0 &&
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

/** Where an element is inside its page, and whether that page's hit test at its centre finds it or its owner. */
interface OnPage {
  box: Box;
  viewport: { width: number; height: number };
  hit: boolean;
  /** What the hit test found instead, for the message. */
  hitDescription: string;
}

/**
 * `owner` is the selector of the element's drawing as a whole (a node's group, a pod's lane): the
 * hit test may find any part of it, such as the label drawn over a bar, but nothing else.
 */
async function onPage(element: Locator, owner: string): Promise<OnPage> {
  return element.evaluate((target, ownerSelector) => {
    const r = target.getBoundingClientRect();
    const hitElement = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    const drawing = target.closest(ownerSelector) ?? target;
    const hit = hitElement !== null && drawing.contains(hitElement);
    const hitDescription = hitElement ? [hitElement.tagName.toLowerCase(), ...hitElement.classList].join('.') : 'nothing';
    return { box: { x: r.x, y: r.y, width: r.width, height: r.height }, viewport: { width: innerWidth, height: innerHeight }, hit, hitDescription };
  }, owner);
}

/** Asserts the element is drawn inside its page's viewport, not covered, and with the frame on screen in the window. */
async function assertOnScreen(element: Locator, owner: string, frameBox: Box, what: string): Promise<void> {
  const seen = await onPage(element, owner);
  assert.ok(
    within(seen.box, { x: 0, y: 0, ...seen.viewport }),
    `${what} lies outside the webview's viewport: ${JSON.stringify(seen.box)} in ${JSON.stringify(seen.viewport)}`,
  );
  assert.ok(seen.hit, `${what} is covered by ${seen.hitDescription}`);
  const inWindow = { x: frameBox.x + seen.box.x, y: frameBox.y + seen.box.y, width: seen.box.width, height: seen.box.height };
  assert.ok(within(inWindow, { x: 0, y: 0, ...WINDOW }), `${what} is off the window: ${JSON.stringify(inWindow)}`);
}

describe('real VS Code at 1400 × 900, the panel beside the editor: the pictures come first', { timeout: 300_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;

  const step = (name: string, body: () => Promise<void>): Promise<void> => runStep('e2e-vscode-beside', name, () => ({ page, server }), body);
  const editor = (): Locator => page.locator('.editor-instance .monaco-editor').first();

  /** The webview's inner frame that holds `selector`, and the outer frame's box in the window. */
  async function webviewWith(selector: string, timeoutMs: number): Promise<{ frame: Frame; frameBox: Box }> {
    return waitFor(
      async () => {
        for (const outer of await page.locator('iframe.webview.ready').all()) {
          const content = await (await outer.elementHandle().catch(() => null))?.contentFrame();
          const inner = await (await content?.$('iframe#active-frame').catch(() => null))?.contentFrame();
          if (!inner) continue;
          if (
            (await inner
              .locator(selector)
              .count()
              .catch(() => 0)) === 0
          )
            continue;
          const frameBox = await outer.boundingBox();
          if (frameBox) return { frame: inner, frameBox };
        }
        return undefined;
      },
      timeoutMs,
      () => `no webview holds ${selector}`,
      250,
    );
  }

  /** The editor group boxes left to right: the panel must open beside the file, not over it. */
  async function editorGroups(): Promise<Box[]> {
    const groups = await page.locator('.editor .split-view-view .editor-group-container').all();
    const found: Box[] = [];
    for (const group of groups) {
      const box = await group.boundingBox();
      if (box && box.width > 0) found.push(box);
    }
    return found.sort((a, b) => a.x - b.x);
  }

  before(async () => {
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      assertTofuProvisioned();
      assert.equal(EXPECTED_TIMELINE.lanes.length, 6, 'the seed replaces 3 pods: 3 old lanes and 3 new ones');
      const vsix = await packagedExtension({ timeoutMs: 180_000 });
      const workspace = gitModule({ 'nginx-deployment.yaml': DEPLOYED }, { 'nginx-deployment.yaml': DEPLOYMENT });
      copyDeployedSeedExample(workspace);
      await runTofu(workspace, ['init', '-input=false', '-no-color']);
      process.env.TF_CLI_CONFIG_FILE = TOFURC;
      server = await startCodeServer({ workspace, vsix });
      writeMachineSettings(server, { 'immutableInfra.terraform.path': TOFU_BIN });
      browser = await launchChromium();
      page = await openWorkbench(browser, server, 'main.tf');
      assert.deepEqual(page.viewportSize(), WINDOW);
    });
  });

  after(async () => {
    const { problems } = await stopSession(browser, server);
    cleanupTempDirs();
    assert.deepEqual(problems, [], 'stopping the browser and code-server');
  });

  test("Show Plan Graph beside main.tf: local_file.example's node is on screen; selecting it shows its details on screen", () =>
    step('plan-graph', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tf' }).click();
      await editor().locator('.view-lines', { hasText: 'file_permission' }).waitFor({ timeout: 30_000 });
      // The extension is up (its commands are in the palette) once its language server has marked the edit.
      await editor().locator('.codelens-decoration', { hasText: 'Will be replaced: file_permission' }).first().waitFor({ timeout: 60_000 });
      await runFromPalette(page, 'Immutable Infra: Show Plan Graph');
      const node = 'svg g.node[data-address="local_file.example"]';
      // OpenTofu plans in the extension host: provider start-up and refresh take a few seconds.
      const { frame, frameBox } = await webviewWith(`html[data-state="ready"] ${node}`, 90_000);
      const groups = await editorGroups();
      assert.equal(groups.length, 2, `main.tf and the panel side by side: ${JSON.stringify(groups)}`);
      assert.ok(frameBox.x >= groups[1].x - 1 && frameBox.width <= groups[1].width + 1, `the panel is the right-hand group: ${JSON.stringify({ frameBox, groups })}`);
      assert.ok(frameBox.width < 800, `the panel is an ordinary width, not the whole window: ${frameBox.width} px`);

      // The graph lays out and fits after its first paint; wait for the node to settle on screen.
      await waitFor(
        async () => {
          const seen = await onPage(frame.locator(`${node} rect.body`), 'g.node');
          return seen.hit && within(seen.box, { x: 0, y: 0, ...seen.viewport });
        },
        10_000,
        () => `local_file.example's node is not on screen in a ${frameBox.width} × ${frameBox.height} px panel`,
        200,
      );
      await assertOnScreen(frame.locator(`${node} rect.body`), 'g.node', frameBox, "local_file.example's node");
      // Readable, not shrunk to a dot: the node's label is drawn at least 8 px tall.
      const label = await onPage(frame.locator(`${node} text.label`), 'g.node');
      assert.ok(label.box.height >= 8, `the node's label is drawn ${label.box.height.toFixed(1)} px tall`);

      console.log(
        `# the graph's panel: ${Math.round(frameBox.width)} × ${Math.round(frameBox.height)} px at x ${Math.round(frameBox.x)}; the node's label ${label.box.height.toFixed(1)} px tall`,
      );
      await screenshot(page, 'plan-graph');
      await frame.locator(`${node} rect.body`).click();
      await frame.locator(`${node}.selected`).waitFor({ state: 'attached', timeout: 10_000 });
      const address = frame.locator('aside.details .address');
      await address.waitFor({ timeout: 10_000 });
      assert.equal(await address.innerText(), 'local_file.example');
      await assertOnScreen(address, 'aside.details', frameBox, "the selected resource's address in the details");
      await assertOnScreen(frame.locator('aside.details dd.forced-by'), 'aside.details', frameBox, 'the attribute that forces the replacement');
      assert.equal((await frame.locator('aside.details dd.forced-by').innerText()).trim(), 'file_permission');
      await assertOnScreen(frame.locator(`${node} rect.body`), 'g.node', frameBox, 'the selected node');
      await screenshot(page, 'plan-graph-selected');
    }));

  test('Show Rollout Timeline beside the Deployment: its 6 pod lanes are on screen', () =>
    step('rollout-timeline', async () => {
      await runFromPalette(page, 'View: Close All Editors');
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'nginx-deployment.yaml' }).click();
      await editor().locator('.view-lines', { hasText: 'nginx:1.23.3' }).waitFor({ timeout: 30_000 });
      // The command takes the workload under the cursor, once the language server has analysed the file.
      await editor().locator('.codelens-decoration a', { hasText: 'Show rollout timeline' }).first().waitFor({ timeout: 60_000 });
      await runFromPalette(page, 'Immutable Infra: Show Rollout Timeline');
      const { frame, frameBox } = await webviewWith('html[data-state="ready"] [data-pod]', 30_000);
      const groups = await editorGroups();
      assert.equal(groups.length, 2, `the Deployment and the panel side by side: ${JSON.stringify(groups)}`);
      assert.ok(frameBox.x >= groups[1].x - 1, `the panel is the right-hand group: ${JSON.stringify({ frameBox, groups })}`);

      const lanes = frame.locator('[data-pod]');
      assert.deepEqual(
        await lanes.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-pod'))),
        EXPECTED_TIMELINE.lanes.map((lane) => lane.podName),
      );
      for (const lane of EXPECTED_TIMELINE.lanes) {
        await assertOnScreen(frame.locator(`[data-pod="${lane.podName}"] [data-phase]`).first(), '[data-pod]', frameBox, `pod lane ${lane.podName}'s first phase`);
        await assertOnScreen(frame.locator(`[data-pod="${lane.podName}"] tspan.pod-name`).first(), '[data-pod]', frameBox, `pod lane ${lane.podName}'s name`);
      }
      console.log(`the timeline's panel: ${Math.round(frameBox.width)} × ${Math.round(frameBox.height)} px at x ${Math.round(frameBox.x)}`);
      await screenshot(page, 'rollout-timeline');
    }));
});
