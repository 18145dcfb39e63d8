// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The rollout-timeline page (dist/timeline.js) in a real Chromium, in a VS Code-like harness: a
 * CSP with a nonce and `acquireVsCodeApi` recording what the page posts and saves. Timelines come
 * from the real simulator over manifests (the seed Deployment, Recreate, a StatefulSet), so the
 * page is checked against what the extension will send: one `data-pod` lane per simulated pod with
 * its phases, the capacity curve against the minimum and the pod limit, stepping through the
 * syncs, the `data-state` contract (docs/editor.md), and hostile names drawn as text with no CSP violation.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RolloutTimeline } from '../../common/src/rollout';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { GraphBrowser, repoRoot, type PageProblems } from './graphPageSupport';

const BUNDLE = path.join(repoRoot, 'dist', 'timeline.js');
const SEED = readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');

function timelineOf(manifest: string, options: Parameters<typeof simulateRollout>[1] = { podStartSeconds: 5 }): RolloutTimeline {
  const [workload] = workloadsFromManifest(manifest);
  return simulateRollout(workload, options);
}

const RECREATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  strategy:
    type: Recreate
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 10
      containers:
        - name: web
          image: web:2
`;

const STATEFUL = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 3
  serviceName: db
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      containers:
        - name: db
          image: db:2
          readinessProbe:
            initialDelaySeconds: 5
            periodSeconds: 5
`;

const IMG = '<img src=x onerror="window.__pwned=\'img\'">';
const SCRIPT_END = '</script><script>window.__pwned="script-end"</script>';
const SVG = '<svg onload="window.__pwned=\'svg\'"></svg>';

const browser = new GraphBrowser();
before(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`The timeline bundle is missing at ${BUNDLE}: run \`node scripts/build.mjs\` first.`);
  await browser.start();
});
after(() => browser.stop());

interface HarnessWindow {
  __posted: Array<{ type: string; message?: string }>;
  __states: Array<{ timelineId?: string; sync?: number }>;
}

/** A page like the extension's panel: the same CSP, the bundle under its nonce, and a recording `acquireVsCodeApi`. */
function harnessHtml(): string {
  const nonce = 'test-nonce-timeline-0123';
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; font-src 'none'`;
  const js = readFileSync(BUNDLE, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return `<!DOCTYPE html><html lang="en" data-state="loading"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body><script nonce="${nonce}">${js}</script></body></html>`;
}

async function openHarness(savedState?: unknown): Promise<{ page: Page; problems: PageProblems }> {
  const file = browser.writeFile('timeline.html', harnessHtml());
  const { page, problems } = await browser.newPage({
    script: (state: unknown) => {
      const w = window as unknown as HarnessWindow & { acquireVsCodeApi(): unknown };
      w.__posted = [];
      w.__states = [];
      w.acquireVsCodeApi = () => ({
        postMessage: (message: { type: string }) => w.__posted.push(message),
        getState: () => state,
        setState: (next: { sync?: number }) => w.__states.push(next),
      });
    },
    arg: savedState ?? null,
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => m.type === 'ready'));
  return { page, problems };
}

async function show(page: Page, timeline: unknown, timelineId = 'timeline-1'): Promise<string> {
  await page.evaluate(([t, id]) => window.postMessage({ type: 'showTimeline', timelineId: id, timeline: t, source: 'nginx-deployment.yaml' }, '*'), [
    timeline,
    timelineId,
  ] as const);
  await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', { state: 'attached' });
  return (await page.getAttribute('html', 'data-state')) ?? '';
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

const status = async (page: Page) => (await page.textContent('.sync-status')) ?? '';
const lastState = (page: Page) => page.evaluate(() => (window as unknown as HarnessWindow).__states.at(-1));

/** The polyline's points, as numbers. */
async function polyline(page: Page, selector: string): Promise<Array<[number, number]>> {
  const text = (await page.getAttribute(selector, 'points')) ?? '';
  return text
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(',').map(Number) as [number, number]);
}

const lineY = async (page: Page, selector: string) => Number(await page.getAttribute(selector, 'y1'));

describe('rollout timeline page (Chromium, VS Code-like host)', () => {
  test('the seed Deployment: one data-pod lane per simulated pod, each with its phases in order, and the figures', async () => {
    const timeline = timelineOf(SEED);
    const { page, problems } = await openHarness();
    assert.equal(await show(page, timeline), 'ready');
    const lanes = await page.$$eval('[data-pod]', (elements) =>
      elements.map((e) => ({
        pod: e.getAttribute('data-pod'),
        revision: e.getAttribute('data-revision'),
        phases: [...e.querySelectorAll('[data-phase]')].map((s) => s.getAttribute('data-phase')),
        labels: [...e.querySelectorAll('text.phase-label')].map((s) => s.textContent).filter(Boolean),
      })),
    );
    assert.equal(timeline.lanes.length, 6, 'the seed replaces 3 pods: 3 old lanes and 3 new ones');
    assert.deepEqual(
      lanes.map(({ pod, revision, phases }) => ({ pod, revision, phases })),
      timeline.lanes.map((lane) => ({ pod: lane.podName, revision: lane.revision, phases: lane.phases.map((p) => p.phase) })),
    );
    // Phases are labelled where their bar is wide enough (the long ones always are at this width).
    assert.ok(
      lanes.every((lane) => lane.labels.length > 0),
      JSON.stringify(lanes),
    );
    const facts = (await page.textContent('.facts')) ?? '';
    assert.match(facts, /Duration:?\s*15 s/);
    assert.match(facts, /Peak pods:?\s*4 \(limit 4 = 3 \+ maxSurge 1\)/);
    assert.match(facts, /Lowest available:?\s*3 \(minimum 3 = 3 − maxUnavailable 0\)/);
    // In VS Code the start-up time comes from a setting, and the page names it.
    assert.match((await page.textContent('.assumptions')) ?? '', /Image pull and container start: 5 s \(setting immutableInfra\.rollout\.podStartSeconds\)/);
    assert.equal(await page.textContent('h1.title'), 'Deployment nginx-deployment');
    assert.deepEqual(await page.$$eval('.legend li', (items) => items.map((i) => i.textContent)), [
      'pending',
      'starting',
      'ready',
      'available',
      'terminating',
      'old pods (paler)',
    ]);
    assertNoProblems(problems);
    await page.close();
  });

  test('the capacity curve stays on the minimum and the pods on the surge limit; Recreate drops to zero with downtime marked', async () => {
    const { page, problems } = await openHarness();
    await show(page, timelineOf(SEED));
    const minY = await lineY(page, 'line.limit.min-available');
    const maxY = await lineY(page, 'line.limit.max-pods');
    assert.ok(maxY < minY, 'the pod limit (4) is drawn above the minimum (3)');
    const available = await polyline(page, 'polyline.series.available');
    const pods = await polyline(page, 'polyline.series.pods');
    // y grows downwards: never below the minimum line, never above the limit.
    assert.ok(
      available.every(([, y]) => y <= minY + 0.5),
      `available dips below the minimum: ${JSON.stringify(available)}`,
    );
    assert.ok(
      available.some(([, y]) => Math.abs(y - minY) < 0.5),
      'available sits on the minimum',
    );
    assert.ok(
      pods.every(([, y]) => y >= maxY - 0.5),
      'pods exceed the surge limit',
    );
    assert.ok(
      pods.some(([, y]) => Math.abs(y - maxY) < 0.5),
      'pods reach the surge limit',
    );
    assert.match((await page.textContent('text.limit-label.min-available')) ?? '', /^minimum 3 available/);
    assert.match((await page.textContent('text.limit-label.max-pods')) ?? '', /^limit 4 pods/);
    assert.equal(await page.$('rect.downtime'), null, 'a rolling update has no downtime');
    await page.close();

    const recreate = timelineOf(RECREATE);
    assert.ok(recreate.summary.downtime.length > 0);
    const second = await openHarness();
    await show(second.page, recreate, 'recreate');
    const bottom = Number(await second.page.getAttribute('rect.chart-frame', 'y')) + Number(await second.page.getAttribute('rect.chart-frame', 'height'));
    const recreateAvailable = await polyline(second.page, 'polyline.series.available');
    assert.ok(
      recreateAvailable.some(([, y]) => Math.abs(y - bottom) < 0.5),
      'available reaches 0',
    );
    assert.equal(await second.page.locator('rect.downtime').count(), recreate.summary.downtime.length);
    assert.match((await second.page.textContent('.facts dd.downtime.warning')) ?? '', /with no available pod/);
    assertNoProblems(problems);
    assertNoProblems(second.problems);
    await second.page.close();
  });

  test('steps through the syncs with the buttons and the arrow keys; the place is saved and restored', async () => {
    const timeline = timelineOf(SEED);
    const count = timeline.syncs.length;
    assert.ok(count >= 3);
    const { page, problems } = await openHarness();
    await show(page, timeline, 'seed');
    const title = (i: number) => new RegExp(`^Sync ${i + 1} of ${count} · ${timeline.syncs[i].t} s · ${timeline.syncs[i].step}$`);
    assert.match(await status(page), title(0));
    assert.equal(await page.getAttribute('vscode-button.step-previous', 'disabled'), '');
    const cursorX = async () => Number(await page.getAttribute('line.sync-cursor', 'x1'));
    const x0 = await cursorX();

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync 2 of ${count}`);
    assert.match(await status(page), title(1));
    assert.ok((await cursorX()) > x0, 'the cursor moved to the later sync');
    assert.match((await page.textContent('.sync-details .sync-reason')) ?? '', new RegExp(timeline.syncs[1].reason.replace(/[()]/g, '\\$&')));
    const rows = await page.$$eval('.sync-details table.group-counts tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows,
      timeline.syncs[1].groups.map((g) => [`${g.revision} ${g.name}`, String(g.desired), String(g.current), String(g.ready), String(g.available)]),
    );
    // At that moment every lane says what its pod is doing (or that it is not there).
    const atSync = await page.$$eval('[data-pod]', (elements) => elements.map((e) => e.getAttribute('data-phase-at-sync')));
    assert.equal(atSync.length, timeline.lanes.length);
    assert.ok(atSync.every((phase) => phase !== null));

    await page.click('vscode-button.step-next');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync 3 of ${count}`);
    await page.keyboard.press('End');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync ${count} of ${count}`);
    assert.equal(await page.getAttribute('vscode-button.step-next', 'disabled'), '');
    await page.keyboard.press('ArrowRight');
    assert.match(await status(page), title(count - 1), 'no step past the last sync');
    await page.click('vscode-button.step-previous');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync ${count - 1} of ${count}`);
    assert.deepEqual(await lastState(page), { timelineId: 'seed', sync: count - 2 });
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('.sync-status')?.textContent?.startsWith('Sync 1 of'));
    assertNoProblems(problems);
    await page.close();

    // A page re-created for the same timeline (the panel hidden and shown) comes back to its sync; another timeline starts at the first.
    const again = await openHarness({ timelineId: 'seed', sync: 2 });
    await show(again.page, timeline, 'seed');
    assert.match(await status(again.page), title(2));
    await again.page.close();
    const other = await openHarness({ timelineId: 'seed', sync: 2 });
    await show(other.page, timeline, 'another');
    assert.match(await status(other.page), title(0));
    await other.page.close();
  });

  test("hover and keyboard focus show a pod's phases; hover over the chart shows the counts at that moment", async () => {
    const timeline = timelineOf(STATEFUL);
    const { page, problems } = await openHarness();
    await show(page, timeline, 'db');
    assert.deepEqual(
      await page.$$eval('[data-pod]', (e) => e.map((x) => x.getAttribute('data-pod'))),
      timeline.lanes.map((l) => l.podName),
    );
    const first = timeline.lanes[0];
    await page.hover(`[data-lane="${first.id}"]`);
    await page.waitForFunction((name) => document.querySelector('.point-details .pod-name')?.textContent === name, first.podName);
    const phases = await page.$$eval('.point-details .pod-phases li', (items) => items.map((i) => i.textContent ?? ''));
    assert.equal(phases.length, first.phases.length + 1);
    assert.match(phases[1], new RegExp(`^${first.phases[0].phase} `));

    await page.focus(`[data-lane="${first.id}"]`);
    await page.keyboard.press('ArrowDown');
    const second = timeline.lanes[1];
    await page.waitForFunction((name) => document.querySelector('.point-details .pod-name')?.textContent === name, second.podName);
    assert.equal(await page.evaluate(() => (document.activeElement as Element | null)?.getAttribute('data-lane')), second.id);

    const frame = await page.locator('rect.chart-frame').boundingBox();
    assert.ok(frame);
    await page.mouse.move(frame.x + 2, frame.y + frame.height / 2);
    await page.waitForSelector('.point-details .moment-counts');
    assert.match((await page.textContent('.point-details .moment-counts')) ?? '', /^\d+ available \(minimum \d+\), \d+ pods \(limit \d+\)$/);
    assertNoProblems(problems);
    await page.close();
  });

  test('hostile workload, group and pod names render as text: no markup, no script, no CSP violation', async () => {
    const timeline = timelineOf(SEED);
    timeline.name = `${IMG}${SCRIPT_END}`;
    timeline.namespace = SVG;
    timeline.notes = [SCRIPT_END, IMG];
    for (const [i, lane] of timeline.lanes.entries()) {
      lane.podName = `${i % 2 ? IMG : SCRIPT_END}-${i}-${'x'.repeat(i === 0 ? 100_000 : 1)}`;
      lane.group = SVG;
    }
    for (const sync of timeline.syncs) {
      sync.reason = `${IMG} ${sync.reason}`;
      for (const group of sync.groups) group.name = SCRIPT_END;
    }
    for (const event of timeline.events) event.replicaSet = IMG;
    const { page, problems } = await openHarness();
    assert.equal(await show(page, timeline, 'hostile'), 'ready');
    assert.deepEqual(
      await page.$$eval('[data-pod]', (e) => e.map((x) => x.getAttribute('data-pod'))),
      timeline.lanes.map((l) => l.podName),
    );
    assert.equal(await page.textContent('h1.title'), `Deployment ${SVG}/${IMG}${SCRIPT_END}`);
    assert.ok(((await page.textContent('.sync-details')) ?? '').includes(IMG));
    assert.ok(((await page.textContent('.assumptions .notes')) ?? '').includes(SCRIPT_END));
    assert.ok(((await page.textContent('[data-lane] tspan.pod-name')) ?? '').length <= 61, 'a huge pod name is cut in its label');
    await page.hover(`[data-lane="${timeline.lanes[1].id}"]`);
    await page.waitForFunction((name) => document.querySelector('.point-details .pod-name')?.textContent === name, timeline.lanes[1].podName);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([nonce]), svg svg, svg foreignObject').length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    assertNoProblems(problems);
    await page.close();
  });

  test('data-state="error" with a readable message: a timeline the page cannot read (reported to the host), and the host\'s own error', async () => {
    const { page, problems } = await openHarness();
    // A message that isn't one of ours is dropped, never interpreted.
    await page.evaluate(() => window.postMessage('<img src=x>', '*'));
    await page.evaluate(() => window.postMessage({ type: 'showTimeline', timeline: 'nonsense' }, '*'));
    assert.equal(await page.getAttribute('html', 'data-state'), 'loading');
    const broken = { ...timelineOf(SEED), version: 2 };
    assert.equal(await show(page, broken), 'error');
    const text = (await page.textContent('.message.error')) ?? '';
    assert.match(text, /timeline version 1; it was given version 2/);
    await page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => m.type === 'renderError'));
    const lanes = { ...timelineOf(SEED) } as Record<string, unknown>;
    lanes.lanes = [{ id: 'a', podName: 'a', group: 'g', revision: 'new', phases: [{ phase: 'available', start: 5, end: 1 }] }];
    await page.evaluate((t) => window.postMessage({ type: 'showTimeline', timelineId: 'x', timeline: t, source: 's' }, '*'), lanes);
    await page.waitForFunction(() => document.querySelector('.message.error')?.textContent?.includes('lanes[0].phases[0] ends before it starts'));
    assertNoProblems(problems);
    await page.close();

    const second = await openHarness();
    await second.page.evaluate(() => window.postMessage({ type: 'showError', message: 'No Deployment, StatefulSet or DaemonSet in <this> file.' }, '*'));
    await second.page.waitForSelector('html[data-state="error"]', { state: 'attached' });
    assert.equal(await second.page.textContent('.message.error'), 'No Deployment, StatefulSet or DaemonSet in <this> file.');
    assert.deepEqual(await second.page.evaluate(() => (window as unknown as HarnessWindow).__posted), [{ type: 'ready' }], "the host's own error is not echoed back");
    assertNoProblems(second.problems);
    await second.page.close();
  });
});
