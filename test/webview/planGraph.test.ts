// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The plan-graph page in a real Chromium (the `data-state` and `data-address` markers of docs/editor.md): the CLI's
 * self-contained HTML on fixture plans and on graphs built in code, and the page in a VS Code-like
 * harness (`acquireVsCodeApi` defined) for the ready/showPlan/reveal messages and saved view state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { PlanGraph } from '../../common/src/planGraph';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { deploymentPlan, deploymentResourceChange, deploymentValue, seedImageUpdate } from '../support/kubernetesDeploymentPlan';
import { everyKindGraph, largeGraph } from '../support/planGraphFixtures';
import { byAddress, drawnResources, fixtureGraph, GraphBrowser, waitForIdle, waitForResourceCount, webviewBundle, type PageProblems } from './graphPageSupport';

const browser = new GraphBrowser();
before(() => browser.start());
after(() => browser.stop());

/**
 * Deployment changes of a hand-written plan (test/support/kubernetesDeploymentPlan.ts): an
 * in-place image update, a destroy-first replacement, a create, and an unrelated resource.
 */
function deploymentGraph(): PlanGraph {
  return buildPlanGraph(
    deploymentPlan([
      seedImageUpdate(),
      deploymentResourceChange({
        address: 'kubernetes_deployment_v1.replaced',
        actions: ['delete', 'create'],
        before: deploymentValue({ name: 'old', replicas: '2' }),
        after: deploymentValue({ name: 'new', image: 'nginx:1.23.3' }),
        replacePaths: [['metadata', 0, 'name']],
        actionReason: 'replace_because_cannot_update',
      }),
      deploymentResourceChange({ address: 'kubernetes_deployment_v1.fresh', actions: ['create'], before: null, after: deploymentValue({ name: 'fresh' }) }),
      {
        address: 'local_file.example',
        mode: 'managed',
        type: 'local_file',
        name: 'example',
        provider_name: 'registry.terraform.io/hashicorp/local',
        change: { actions: ['update'], before: { content: 'a' }, after: { content: 'b' }, after_unknown: {} },
      },
    ]),
  );
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

async function detailsText(page: Page): Promise<string> {
  return (await page.textContent('aside.details')) ?? '';
}

async function toggleKind(page: Page, kind: string): Promise<void> {
  await page.click(`vscode-checkbox[data-kind="${kind}"]`);
}

describe('plan graph: the CLI HTML on fixture plans', () => {
  for (const fixture of [
    'terraform-json/basic/plan.json',
    'terraform-json/110_basic/plan.json',
    'opentofu-show-json/provider-aliasing/output.json',
    'opentofu-show-json/multi-resource-update/output.json',
    'terraform-json/identity/plan.json',
  ]) {
    test(`${fixture}: one node per shown resource change, each with its action`, async () => {
      const graph = fixtureGraph(fixture);
      const { page, problems } = await browser.openCliHtml(graph);
      assert.equal(await page.getAttribute('html', 'data-state'), 'ready');
      const expected = new Map(graph.nodes.filter((node) => node.display !== 'no-op').map((node) => [node.address, node.display]));
      assert.ok(expected.size > 0);
      assert.deepEqual(await drawnResources(page), expected);
      assert.equal(await page.textContent('.summary'), graph.summary.line);
      // No host to reveal in: the CLI page has no "Reveal in source".
      await page.click(byAddress([...expected.keys()][0]));
      await page.waitForSelector('aside.details h2.address');
      assert.equal(await page.$('aside.details .reveal'), null);
      assertNoProblems(problems);
      await page.close();
    });
  }

  test('a Deployment change: its rollout and notes in the details, but no "Show rollout timeline" without a host', async () => {
    const { page, problems } = await browser.openCliHtml(deploymentGraph());
    await page.click(byAddress('kubernetes_deployment_v1.replaced'));
    await page.waitForSelector('aside.details dd.rollout');
    assert.equal(await page.textContent('aside.details dd.rollout'), 'Recreate of 2 → 3 pods');
    assert.match((await page.textContent('aside.details ul.rollout-notes')) ?? '', /^Replaced, destroy first/);
    assert.equal(await page.$('aside.details .show-rollout'), null);
    assert.equal(await page.$('aside.details .reveal'), null);
    assertNoProblems(problems);
    await page.close();
  });

  test('details of a replacement: the forcing attribute, the reason, the diff', async () => {
    const graph = fixtureGraph('opentofu-show-json/requires-replace/output.json');
    const { page, problems } = await browser.openCliHtml(graph);
    assert.deepEqual(await drawnResources(page), new Map([['test_instance.test', 'replace-delete-first']]));
    assert.equal(await page.textContent(`${byAddress('test_instance.test')} text.symbol`), '-/+');
    await page.click(byAddress('test_instance.test'));
    await page.waitForSelector('aside.details h2.address');
    assert.equal(await page.textContent('aside.details h2.address'), 'test_instance.test');
    assert.equal(await page.textContent('aside.details .forced-by'), 'ami');
    assert.equal(await page.textContent('aside.details .reason'), '`ami` forces replacement');
    const forced = await page.$$eval('aside.details tr.forces', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    assert.equal(forced.length, 1);
    assert.equal(forced[0][0], 'amiforces replacement');
    assert.equal(forced[0][1], '"bar"');
    assert.equal(forced[0][3], '"force-replace"');
    assertNoProblems(problems);
    await page.close();
  });

  test('details show "(known after apply)", "(sensitive value)" and drift', async () => {
    const { page, problems } = await browser.openCliHtml(everyKindGraph());
    await page.click(byAddress('local_file.example'));
    await page.waitForSelector('aside.details table.diff');
    const text = await detailsText(page);
    assert.match(text, /\(known after apply\)/);
    assert.match(text, /\(sensitive value\)/);
    assert.match(text, /Changed outside Terraform \(drift\)/);
    assert.match(text, /replace_because_cannot_update/);
    assertNoProblems(problems);
    await page.close();
  });

  test('no-op is hidden by default; its filter shows it; each filter hides its kind', async () => {
    const graph = fixtureGraph('terraform-json/config_resource_depends_on/plan.json');
    const { page, problems } = await browser.openCliHtml(graph);
    assert.deepEqual(await drawnResources(page), new Map([['null_resource.bar', 'replace-delete-first']]));
    await toggleKind(page, 'no-op');
    await waitForResourceCount(page, 2);
    assert.equal((await drawnResources(page)).get('null_resource.foo'), 'no-op');
    await toggleKind(page, 'replace-delete-first');
    await waitForResourceCount(page, 1);
    assert.deepEqual([...(await drawnResources(page)).keys()], ['null_resource.foo']);
    assertNoProblems(problems);
    await page.close();
  });

  test('the replace-only view shows replacements of both orders and nothing else', async () => {
    const { page, problems } = await browser.openCliHtml(everyKindGraph());
    await waitForResourceCount(page, 9);
    await page.click('vscode-checkbox.replace-only');
    await waitForResourceCount(page, 2);
    assert.deepEqual(
      await drawnResources(page),
      new Map([
        ['local_file.example', 'replace-delete-first'],
        ['time_static.stamp', 'replace-create-first'],
      ]),
    );
    await page.click('vscode-checkbox.replace-only');
    await waitForResourceCount(page, 9);
    assertNoProblems(problems);
    await page.close();
  });

  test('search keeps the matching addresses', async () => {
    const { page, problems } = await browser.openCliHtml(fixtureGraph('terraform-json/basic/plan.json'));
    await page.fill('vscode-textfield.search input', 'baz');
    await page.press('vscode-textfield.search input', 'Enter');
    await waitForResourceCount(page, 4);
    assert.deepEqual([...(await drawnResources(page)).keys()].sort(), [
      'data.null_data_source.baz',
      'null_resource.baz[0]',
      'null_resource.baz[1]',
      'null_resource.baz[2]',
    ]);
    await page.fill('vscode-textfield.search input', '');
    await page.press('vscode-textfield.search input', 'Enter');
    await waitForResourceCount(page, 8);
    assertNoProblems(problems);
    await page.close();
  });

  test('module frames collapse to a box and expand again; a large plan starts collapsed', async () => {
    const small = await browser.openCliHtml(fixtureGraph('terraform-json/basic/plan.json'));
    await small.page.click('g.module-group[data-module="module.foo"] g.header');
    await waitForResourceCount(small.page, 6);
    await small.page.waitForSelector('g.module-box[data-module="module.foo"]');
    assert.match((await small.page.textContent('g.module-box[data-module="module.foo"] text.counts')) ?? '', /^2 resources: 2 \+$/);
    await small.page.click('g.module-box[data-module="module.foo"]');
    await waitForResourceCount(small.page, 8);
    assertNoProblems(small.problems);
    await small.page.close();

    const { page, problems } = await browser.openCliHtml(largeGraph(30, 12, 4));
    assert.equal(await page.$$eval('g.module-box[data-expanded="false"]', (boxes) => boxes.length), 30);
    assert.equal((await drawnResources(page)).size, 4);
    await page.click('g.module-box[data-module="module.svc_5"]');
    await waitForResourceCount(page, 16);
    assert.ok(await page.$(byAddress('module.svc_5.null_resource.item[11]')));
    assertNoProblems(problems);
    await page.close();
  });

  test('keyboard: Tab into the graph, arrows move between nodes, Enter selects, Escape clears', async () => {
    const { page, problems } = await browser.openCliHtml(fixtureGraph('terraform-json/basic/plan.json'));
    await page.focus('vscode-textfield.search input');
    const focusedAddress = () => page.evaluate(() => document.activeElement?.closest('[data-address]')?.getAttribute('data-address') ?? null);
    let reached: string | null = null;
    for (let presses = 0; presses < 40 && reached === null; presses++) {
      await page.keyboard.press('Tab');
      reached = await focusedAddress();
    }
    assert.ok(reached, 'Tab reaches a node of the graph');
    // Whichever node Tab lands on has a neighbour in at least one direction.
    let moved: string | null = reached;
    for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp']) {
      await page.keyboard.press(key);
      moved = await focusedAddress();
      if (moved !== reached) break;
    }
    assert.ok(moved && moved !== reached, `an arrow key moves focus away from ${reached}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((address) => document.querySelector('aside.details h2.address')?.textContent === address, moved);
    assert.equal(await page.getAttribute(byAddress(moved), 'aria-pressed'), 'true');
    await page.keyboard.press('Escape');
    await page.waitForSelector('aside.details p.hint');
    assert.equal(await page.$('svg .leaf.selected'), null);
    assertNoProblems(problems);
    await page.close();
  });

  test('a flat plan of 240 changes is laid out in the Web Worker (CSP worker-src blob:)', async () => {
    const { page, problems } = await browser.openCliHtml(largeGraph(0, 0, 240));
    assert.equal(await page.getAttribute('html', 'data-layout'), 'worker');
    assert.equal((await drawnResources(page)).size, 240);
    assertNoProblems(problems);
    await page.close();
  });
});

/** A page like the extension's panel: CSP with a nonce, the bundle, and `acquireVsCodeApi` recording what is posted. */
function harnessHtml(): string {
  const nonce = 'test-nonce-0123456789';
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; worker-src blob:; img-src data:`;
  const js = webviewBundle().js.replace(/<\/(script)/gi, '<\\/$1');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body><script nonce="${nonce}">${js}</script></body></html>`;
}

interface HarnessWindow {
  __posted: unknown[];
  __states: unknown[];
}

async function openHarness(savedState: unknown): Promise<{ page: Page; problems: PageProblems }> {
  const file = browser.writeFile('harness.html', harnessHtml());
  const { page, problems } = await browser.newPage({
    script: (state: unknown) => {
      const w = window as unknown as HarnessWindow & { acquireVsCodeApi(): unknown };
      w.__posted = [];
      w.__states = [];
      w.acquireVsCodeApi = () => ({
        postMessage: (message: unknown) => w.__posted.push(message),
        getState: () => state,
        setState: (next: unknown) => w.__states.push(next),
      });
    },
    arg: savedState ?? null,
  });
  await page.goto(`file://${file}`);
  return { page, problems };
}

const posted = (page: Page) => page.evaluate(() => (window as unknown as HarnessWindow).__posted);

async function showPlan(page: Page, graph: PlanGraph, planId: string): Promise<void> {
  await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => (m as { type: string }).type === 'ready'));
  await page.evaluate(([g, id]) => window.postMessage({ type: 'showPlan', planId: id, graph: g, source: '/work/plan' }, '*'), [graph, planId] as const);
  await page.waitForSelector('html[data-state="ready"]', { state: 'attached' });
  await waitForIdle(page);
}

describe('plan graph: in a VS Code-like host', () => {
  test('posts ready, draws showPlan, and "Reveal in source" and double-click post reveal', async () => {
    const { page, problems } = await openHarness(undefined);
    const graph = everyKindGraph();
    await showPlan(page, graph, 'plan-1');
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await page.click(byAddress('local_file.example'));
    await page.click('aside.details vscode-button.reveal');
    await page.dblclick(byAddress('null_resource.gone'));
    await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.length >= 3);
    assert.deepEqual(await posted(page), [{ type: 'ready' }, { type: 'reveal', address: 'local_file.example' }, { type: 'reveal', address: 'null_resource.gone' }]);
    // A message that isn't one of ours is dropped, never interpreted.
    await page.evaluate(() => window.postMessage({ type: 'showPlan', graph: 'nonsense' }, '*'));
    await page.evaluate(() => window.postMessage('<img src=x>', '*'));
    assert.equal((await drawnResources(page)).size, 9);
    assertNoProblems(problems);
    await page.close();
  });

  test('Apply…: offered only when the host can apply; it only asks the host; progress marks the nodes; a finished apply takes the button away', async () => {
    const { page, problems } = await openHarness(undefined);
    const graph = everyKindGraph();
    await showPlan(page, graph, 'plan-a');
    assert.equal(await page.isVisible('vscode-button.apply'), false, 'no Apply… without canApply');
    await page.evaluate((g) => window.postMessage({ type: 'showPlan', planId: 'plan-a', graph: g, source: '/work', canApply: true }, '*'), graph);
    await page.waitForSelector('vscode-button.apply', { state: 'visible' });
    await page.click('vscode-button.apply');
    await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => (m as { type: string }).type === 'requestApply'));
    assert.deepEqual(
      (await posted(page)).filter((m) => (m as { type: string }).type === 'requestApply'),
      [{ type: 'requestApply', planId: 'plan-a' }],
    );

    const progress = (nodes: unknown[], message: string, finished?: string) =>
      page.evaluate(([n, m, f]) => window.postMessage({ type: 'applyProgress', planId: 'plan-a', nodes: n, message: m, ...(f ? { finished: f } : {}) }, '*'), [
        nodes,
        message,
        finished,
      ] as const);
    await progress(
      [
        { address: 'local_file.example', status: 'applying', detail: 'delete' },
        { address: 'null_resource.gone', status: 'pending' },
      ],
      '0 of 2 resources: destroying local_file.example…',
    );
    await page.waitForSelector(`${byAddress('local_file.example')}[data-apply="applying"]`);
    assert.equal(await page.getAttribute('html', 'data-apply'), 'running');
    assert.equal(await page.textContent('.apply-status'), '0 of 2 resources: destroying local_file.example…');
    // Progress for another plan is not this page's business.
    await page.evaluate(() =>
      window.postMessage({ type: 'applyProgress', planId: 'other', nodes: [{ address: 'local_file.example', status: 'errored' }], message: 'x' }, '*'),
    );
    await progress(
      [
        { address: 'local_file.example', status: 'done' },
        { address: 'null_resource.gone', status: 'errored', detail: '<img src=x onerror=alert(1)>' },
      ],
      'Apply failed',
      'failed',
    );
    await page.waitForSelector('html[data-apply="failed"]', { state: 'attached' });
    assert.equal(await page.getAttribute(byAddress('local_file.example'), 'data-apply'), 'done');
    assert.equal(await page.getAttribute(byAddress('null_resource.gone'), 'data-apply'), 'errored');
    await page.click(byAddress('null_resource.gone'));
    assert.equal(await page.textContent('aside.details dd.apply-status'), 'errored: <img src=x onerror=alert(1)>', 'the error is shown as text');
    assert.equal(await page.isVisible('vscode-button.apply'), false, 'a finished apply offers no second Apply…');
    assertNoProblems(problems);
    await page.close();
  });

  test('the state lock line: shown as text from showPlan, updated by stateLock for the shown plan only, hidden without one', async () => {
    const { page, problems } = await openHarness(undefined);
    const graph = everyKindGraph();
    await showPlan(page, graph, 'plan-l');
    assert.equal(await page.isVisible('.state-lock'), false, 'a plan without a lock line shows none');
    const hostile = 'State lock of pg (workspace prod): Locked by <img src=x onerror="window.__pwned=1"> for apply';
    await page.evaluate(([g, text]) => window.postMessage({ type: 'showPlan', planId: 'plan-l', graph: g, source: '/work', lock: { state: 'locked', text } }, '*'), [
      graph,
      hostile,
    ] as const);
    await page.waitForSelector('.state-lock[data-state="locked"]', { state: 'visible' });
    assert.equal(await page.textContent('.state-lock'), hostile);
    assert.equal(await page.locator('.state-lock img').count(), 0, 'the lock line was parsed as HTML');
    // Another plan's lock is not this page's; this plan's replaces the line.
    await page.evaluate(() => window.postMessage({ type: 'stateLock', planId: 'other', lock: { state: 'unknown', text: 'other' } }, '*'));
    await page.evaluate(() =>
      window.postMessage({ type: 'stateLock', planId: 'plan-l', lock: { state: 'unlocked', text: 'State lock of pg (workspace prod): Not locked' } }, '*'),
    );
    await page.waitForSelector('.state-lock[data-state="unlocked"]');
    assert.equal(await page.textContent('.state-lock'), 'State lock of pg (workspace prod): Not locked');
    // A lock line that is not one (an unknown state) makes the whole message one the page drops.
    await page.evaluate(() => window.postMessage({ type: 'stateLock', planId: 'plan-l', lock: { state: 'pwned', text: 'x' } }, '*'));
    assert.equal(await page.getAttribute('.state-lock', 'data-state'), 'unlocked');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assertNoProblems(problems);
    await page.close();
  });

  test('the view state is saved and restored for the same plan (hide and show of the panel)', async () => {
    const first = await openHarness(undefined);
    const graph = fixtureGraph('terraform-json/basic/plan.json');
    await showPlan(first.page, graph, 'plan-7');
    await first.page.click('g.module-group[data-module="module.foo"] g.header');
    await waitForResourceCount(first.page, 6);
    await first.page.click(byAddress('null_resource.bar'));
    await first.page.waitForSelector('aside.details h2.address');
    const state = await first.page.evaluate(() => {
      const states = (window as unknown as HarnessWindow).__states;
      return states[states.length - 1];
    });
    assert.deepEqual((state as { expandedModules: string[] }).expandedModules, []);
    assert.equal((state as { selected: string }).selected, 'null_resource.bar');
    await first.page.close();

    const second = await openHarness(state);
    await showPlan(second.page, graph, 'plan-7');
    assert.equal((await drawnResources(second.page)).size, 6, 'module.foo is still collapsed');
    assert.equal(await second.page.textContent('aside.details h2.address'), 'null_resource.bar');
    await second.page.close();

    const other = await openHarness(state);
    await showPlan(other.page, graph, 'another-plan');
    assert.equal((await drawnResources(other.page)).size, 8, 'a different plan starts from the defaults');
    assertNoProblems(other.problems);
    await other.page.close();
  });

  test('a fitted view is restored fitted to the pane it finds (a panel reopened narrower); a panned one keeps its numbers', async () => {
    const graph = fixtureGraph('terraform-json/basic/plan.json');
    const lastState = (page: Page) =>
      page.evaluate(() => {
        const states = (window as unknown as HarnessWindow).__states;
        return states[states.length - 1] as { fitted?: boolean; transform?: { x: number; y: number; k: number } };
      });
    /** Every drawn node inside the graph's pane, as the page lays it out now. */
    const nodesInPane = (page: Page) =>
      page.evaluate(() => {
        const pane = document.querySelector('.graph')!.getBoundingClientRect();
        return [...document.querySelectorAll('svg g.leaf rect.body')].every((node) => {
          const r = node.getBoundingClientRect();
          return r.left >= pane.left - 0.5 && r.top >= pane.top - 0.5 && r.right <= pane.right + 0.5 && r.bottom <= pane.bottom + 0.5;
        });
      });

    const wide = await openHarness(undefined);
    await showPlan(wide.page, graph, 'plan-7');
    await wide.page.click('vscode-button.fit');
    // The view is saved a moment after it settles.
    await wide.page.waitForFunction(() => (window as unknown as HarnessWindow).__states.length > 0);
    const fitted = await lastState(wide.page);
    assert.equal(fitted.fitted, true, 'the fitted view is saved as fitted');
    await wide.page.close();

    const narrow = await openHarness(fitted);
    await narrow.page.setViewportSize({ width: 360, height: 900 });
    await showPlan(narrow.page, graph, 'plan-7');
    assert.ok(await nodesInPane(narrow.page), 'restored at 360 px, the fitted view fits the narrow pane, not the wide one it was saved in');
    await narrow.page.setViewportSize({ width: 900, height: 900 });
    await waitForIdle(narrow.page);
    assert.ok(await nodesInPane(narrow.page), 'and it keeps fitting as the pane grows');
    await narrow.page.close();

    const panned = await openHarness(undefined);
    await showPlan(panned.page, graph, 'plan-7');
    const pane = (await panned.page.locator('.graph').boundingBox())!;
    await panned.page.mouse.move(pane.x + pane.width - 20, pane.y + pane.height - 20);
    await panned.page.mouse.down();
    await panned.page.mouse.move(pane.x + pane.width - 120, pane.y + pane.height - 70, { steps: 5 });
    await panned.page.mouse.up();
    await panned.page.waitForFunction(() => {
      const states = (window as unknown as HarnessWindow).__states as Array<{ fitted?: boolean }>;
      return states.length > 0 && states[states.length - 1].fitted === false;
    });
    const moved = await lastState(panned.page);
    await panned.page.close();
    const reopened = await openHarness(moved);
    await showPlan(reopened.page, graph, 'plan-7');
    const transform = await reopened.page.getAttribute('svg.graph-canvas g.viewport', 'transform');
    assert.equal(transform, `translate(${moved.transform!.x},${moved.transform!.y}) scale(${moved.transform!.k})`, "the user's own view comes back as it was");
    assertNoProblems(reopened.problems);
    await reopened.page.close();
  });

  test('"Show rollout timeline": only for a Deployment change with a rollout; it posts showRollout with the address only', async () => {
    const { page, problems } = await openHarness(undefined);
    await showPlan(page, deploymentGraph(), 'plan-k8s');
    await page.click(byAddress('kubernetes_deployment_v1.nginx'));
    await page.waitForSelector('aside.details vscode-button.show-rollout', { state: 'visible' });
    assert.equal(await page.textContent('aside.details dd.rollout'), 'RollingUpdate of 3 pods (maxSurge 25%, maxUnavailable 25%)');
    await page.click('aside.details vscode-button.show-rollout');
    await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => (m as { type: string }).type === 'showRollout'));
    assert.deepEqual(
      (await posted(page)).filter((m) => (m as { type: string }).type === 'showRollout'),
      [{ type: 'showRollout', address: 'kubernetes_deployment_v1.nginx' }],
    );
    // A new Deployment and a resource of another kind: no timeline to show.
    for (const address of ['kubernetes_deployment_v1.fresh', 'local_file.example']) {
      await page.click(byAddress(address));
      await page.waitForFunction((a) => document.querySelector('aside.details h2.address')?.textContent === a, address);
      assert.equal(await page.$('aside.details .show-rollout'), null, address);
      assert.ok(await page.$('aside.details vscode-button.reveal'), `${address} can still be revealed`);
    }
    assertNoProblems(problems);
    await page.close();
  });

  test('showError and an unreadable graph set data-state="error" with a readable message', async () => {
    const { page } = await openHarness(undefined);
    await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.length === 1);
    await page.evaluate(() => window.postMessage({ type: 'showPlan', planId: 'x', graph: { version: 99, nodes: [] }, source: '' }, '*'));
    await page.waitForSelector('html[data-state="error"]', { state: 'attached' });
    assert.match((await page.textContent('.message.error')) ?? '', /version 99/);
    assert.deepEqual((await posted(page))[1], { type: 'renderError', message: (await page.textContent('.message.error')) ?? '' });
    await page.close();
  });
});
