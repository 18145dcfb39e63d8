/**
 * The rollout timeline in a real VS Code: the packaged .vsix in code-server, driven through
 * Chromium. The workspace is a git repository whose HEAD holds the seed Deployment with
 * `nginx:1.21.6`; the working copy is examples/kubernetes/deployment-v2.yaml (`nginx:1.23.3`),
 * so the language server announces a rolling update with a code lens. Clicking its
 * "Show rollout timeline" opens the timeline webview with one `data-pod` lane per pod the
 * simulator replaces or creates for that manifest. Then the same timeline from a plan: Open Plan
 * File… on a `kubernetes_deployment_v1` image update (plan JSON written by hand from the provider
 * schema: no cluster or kubernetes provider can run here) → the graph's details pane → "Show
 * rollout timeline", which the extension host builds from the plan it showed.
 *
 *   node --test out/test/e2e-vscode/rolloutTimeline.test.js   (needs `bash scripts/setup-tools.sh --only code-server`)
 *
 * II_E2E_VSIX=path/to.vsix tests that package as is instead of running `npm run package`.
 * On a failure: test-results/e2e-vscode-rollout-<step>.png.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { deploymentPlan, seedImageUpdate } from '../support/kubernetesDeploymentPlan';
import {
  assertToolsProvisioned,
  launchChromium,
  repoRoot,
  enterPathInFileDialog,
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

const EXAMPLE = readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const DEPLOYED = EXAMPLE.replace('image: nginx:1.23.3', 'image: nginx:1.21.6');
/** The extension's defaults (package.json): 5 s image pull and start, 3 nodes. */
const EXPECTED = simulateRollout(workloadsFromManifest(EXAMPLE)[0], { podStartSeconds: 5, nodes: 3 });

describe('real VS Code (code-server in Chromium): the rollout timeline from the code lens', { timeout: 240_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let workspace = '';

  /** Runs a test body; on failure saves a screenshot and the extension's logs under test-results/. */
  const step = (name: string, body: () => Promise<void>): Promise<void> => runStep('e2e-vscode-rollout', name, () => ({ page, server }), body);

  const editor = (): Locator => page.locator('.editor-instance .monaco-editor').first();

  before(async () => {
    process.once('exit', cleanupTempDirs);
    await step('setup', async () => {
      assertToolsProvisioned();
      assert.notEqual(DEPLOYED, EXAMPLE, 'the example changes the image');
      assert.equal(EXPECTED.lanes.length, 6, 'the seed replaces 3 pods: 3 old lanes and 3 new ones');
      const vsix = await packagedExtension({ timeoutMs: 180_000 });
      workspace = gitModule({ 'nginx-deployment.yaml': DEPLOYED }, { 'nginx-deployment.yaml': EXAMPLE });
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

  test('code lens "Show rollout timeline" → the timeline webview with one data-pod lane per simulated pod', () =>
    step('timeline', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'nginx-deployment.yaml' }).click();
      await editor().locator('.view-lines', { hasText: 'nginx:1.23.3' }).waitFor({ timeout: 30_000 });
      const lens = editor().locator('.codelens-decoration a', { hasText: 'Show rollout timeline' });
      // The server compares with git HEAD and announces the rolling update once the document is analysed.
      await lens.first().waitFor({ timeout: 60_000 });
      const label = editor().locator('.codelens-decoration', { hasText: 'Rolling update: spec.template.spec.containers[0].image changed' });
      assert.ok((await label.count()) > 0, 'the rolling-update label lens sits beside the command');
      await lens.first().click();

      const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await webview.locator('html[data-state="ready"], html[data-state="error"]').waitFor({ state: 'attached', timeout: 30_000 });
      const state = await webview.locator('html').getAttribute('data-state');
      assert.equal(
        state,
        'ready',
        `the timeline page did not render: ${await webview
          .locator('.message')
          .innerText()
          .catch(() => '')}`,
      );
      const pods = webview.locator('[data-pod]');
      let names: string[] = [];
      await waitFor(
        async () => {
          names = await pods.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-pod') ?? ''));
          return names.length === EXPECTED.lanes.length;
        },
        10_000,
        () => `expected ${EXPECTED.lanes.length} pod lanes, found ${JSON.stringify(names)}`,
        200,
      );
      assert.deepEqual(
        names,
        EXPECTED.lanes.map((lane) => lane.podName),
      );
      assert.equal(await webview.locator('h1.title').innerText(), 'Deployment nginx-deployment');
      assert.match(await webview.locator('.facts').innerText(), /Duration:?\s*15 s/);
      const tab = page.locator('.tabs-container .tab', { hasText: 'Rollout: nginx-deployment' });
      await tab.first().waitFor({ timeout: 10_000 });
    }));

  test('from a plan: Open Plan File… → the kubernetes_deployment_v1 node → "Show rollout timeline" → its lanes', () =>
    step('from-plan', async () => {
      const plan = deploymentPlan([seedImageUpdate()]);
      const planFile = path.join(workspace, 'k8s-plan.json');
      writeFileSync(planFile, JSON.stringify(plan));
      const node = buildPlanGraph(plan).nodes[0];
      assert.ok(node.rollout, 'the graph model carries the workload of the image update');
      const expected = simulateRollout(node.rollout.workload, {
        podStartSeconds: 5,
        nodes: 3,
        ...(node.rollout.initialReplicas !== undefined ? { initialReplicas: node.rollout.initialReplicas } : {}),
      });

      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Immutable Infra: Open Plan File');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Plan File' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await enterPathInFileDialog(page, planFile);

      // Two webviews may be visible now (the timeline from the step above, and the graph): find each by its content.
      const frameWith = async (selector: string): Promise<import('playwright-core').Frame> =>
        waitFor(
          async () => {
            for (const frame of page.frames())
              if (
                (await frame
                  .locator(selector)
                  .count()
                  .catch(() => 0)) > 0
              )
                return frame;
            return undefined;
          },
          30_000,
          () => `no webview holds ${selector}`,
          250,
        );
      const graph = await frameWith(`[data-address="${node.address}"]`);
      await graph.locator(`[data-address="${node.address}"]`).click();
      const button = graph.locator('aside.details vscode-button.show-rollout');
      await button.waitFor({ timeout: 10_000 });
      await button.click();
      const tab = page.locator('.tabs-container .tab', { hasText: node.address });
      await tab.first().waitFor({ timeout: 15_000 });
      let names: string[] = [];
      await waitFor(
        async () => {
          // The timeline panel is one per window: the tab above says it now shows the plan's resource.
          for (const frame of page.frames()) {
            names = await frame
              .locator('[data-pod]')
              .evaluateAll((elements) => elements.map((e) => e.getAttribute('data-pod') ?? ''))
              .catch(() => []);
            if (names.length > 0) return true;
          }
          return false;
        },
        20_000,
        () => `no timeline with pod lanes (last seen ${JSON.stringify(names)})`,
        250,
      );
      assert.deepEqual(
        names,
        expected.lanes.map((lane) => lane.podName),
      );
    }));
});
