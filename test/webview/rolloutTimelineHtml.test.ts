// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The CLI's rollout-timeline HTML (`rollout MANIFEST -o FILE`, run as the built dist/cli.js) opened
 * from its file in a real Chromium with no VS Code host: the page finds its embedded timeline,
 * draws the same lanes, chart, sync stepper and details as the editor's panel, follows the
 * system's light or dark setting, loads nothing but its own file, and shows hostile manifest
 * names as text with no script run and no CSP violation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { CLI, runCli } from '../support/cli';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { GraphBrowser, repoRoot, waitForState, type PageProblems } from './graphPageSupport';
import { resolvedColour } from './contrast';

const SEED = path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml');

const IMG = '<img src=x onerror="window.__pwned=\'img\'">';
const SCRIPT_END = '</script><script>window.__pwned="script-end"</script>';
const SVG = '<svg onload="window.__pwned=\'svg\'"></svg>';

/** The seed's Deployment with markup in its name, namespace and container name (JSON strings are YAML's double-quoted scalars). */
function hostileManifest(name: string, namespace: string, container: string): string {
  return readFileSync(SEED, 'utf8')
    .replace('  name: nginx-deployment\n', `  name: ${JSON.stringify(name)}\n  namespace: ${JSON.stringify(namespace)}\n`)
    .replace('- name: nginx\n', `- name: ${JSON.stringify(container)}\n`);
}

const browser = new GraphBrowser();
before(() => browser.start());
after(async () => {
  await browser.stop();
  cleanupTempDirs();
});

/** `rollout MANIFEST -o timeline.html` through the built CLI; the path of the page it wrote. */
async function writePage(manifest: string, dir = tempDir('ii-timeline-html-')): Promise<string> {
  const result = await runCli(['rollout', manifest, '-o', 'timeline.html'], dir);
  assert.equal(result.code, 0, `${CLI}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  return path.join(dir, 'timeline.html');
}

/** Opens the page from its file, recording every request it makes besides. */
async function open(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; problems: PageProblems; requests: string[] }> {
  const { page, problems } = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.emulateMedia({ colorScheme });
  await page.goto(`file://${file}`);
  assert.equal(await waitForState(page), 'ready', (await page.textContent('body')) ?? '');
  return { page, problems, requests: requests.filter((url) => url !== `file://${file}`) };
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

describe('rollout timeline HTML (the CLI page, Chromium, no host)', () => {
  test('the seed (nginx v1 → v2, 3 replicas): 6 pod lanes, the pods-over-time chart, the sync stepper and the details, offline', async () => {
    const [workload] = workloadsFromManifest(readFileSync(SEED, 'utf8'));
    const expected = simulateRollout(workload, {});
    const { page, problems, requests } = await open(await writePage(SEED));
    assert.deepEqual(requests, [], 'the page loads nothing but itself');
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('standalone')));

    const lanes = await page.$$eval('[data-pod]', (elements) =>
      elements.map((e) => ({ pod: e.getAttribute('data-pod'), revision: e.getAttribute('data-revision'), phases: e.querySelectorAll('[data-phase]').length })),
    );
    assert.equal(lanes.length, 6, JSON.stringify(lanes));
    assert.deepEqual(
      lanes.map((lane) => lane.revision),
      ['old', 'old', 'old', 'new', 'new', 'new'],
    );
    assert.deepEqual(
      lanes.map((lane) => lane.pod),
      expected.lanes.map((lane) => lane.podName),
    );
    assert.ok(
      lanes.every((lane) => lane.phases > 0),
      'every lane draws its phases',
    );

    assert.equal(await page.textContent('h1.title'), 'Deployment nginx-deployment');
    assert.equal(await page.title(), 'Rollout timeline — Deployment nginx-deployment');
    const facts = (await page.textContent('.facts')) ?? '';
    assert.match(facts, /Duration:?\s*15 s/);
    assert.match(facts, /Peak pods:?\s*4 \(limit 4 = 3 \+ maxSurge 1\)/);
    // Outside VS Code the figure not in the manifest is set by the command's option, and the page says so.
    const assumptions = (await page.textContent('.assumptions')) ?? '';
    assert.match(assumptions, /Image pull and container start: 5 s \(option --ready-after\)/);
    assert.doesNotMatch(assumptions, /setting immutableInfra/);

    // The chart: both series and both limits, the pods reaching the surge limit of 4.
    const maxY = Number(await page.getAttribute('line.limit.max-pods', 'y1'));
    const pods = ((await page.getAttribute('polyline.series.pods', 'points')) ?? '').trim().split(/\s+/);
    assert.ok(
      pods.some((pair) => Math.abs(Number(pair.split(',')[1]) - maxY) < 0.5),
      'the pods reach the limit line',
    );
    assert.equal(await page.locator('polyline.series.available').count(), 1);
    assert.match((await page.textContent('text.limit-label.min-available')) ?? '', /^minimum 3 available/);

    // The stepper, with the keyboard and the buttons.
    const count = expected.syncs.length;
    assert.match((await page.textContent('.sync-status')) ?? '', new RegExp(`^Sync 1 of ${count} · `));
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync 2 of ${count}`);
    await page.click('vscode-button.step-last');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync ${count} of ${count}`);
    const rows = await page.$$eval('.sync-details table.group-counts tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows,
      expected.syncs[count - 1].groups.map((g) => [`${g.revision} ${g.name}`, String(g.desired), String(g.current), String(g.ready), String(g.available)]),
    );

    // The details of a pod under the pointer.
    const lane = expected.lanes[4];
    await page.hover(`[data-lane="${lane.id}"]`);
    await page.waitForFunction((name) => document.querySelector('.point-details .pod-name')?.textContent === name, lane.podName);
    assert.equal(await page.locator('.point-details .pod-phases li').count(), lane.phases.length + 1);
    assertNoProblems(problems);
    await page.close();
  });

  test("follows the system's light or dark setting, buttons included", async () => {
    const file = await writePage(SEED);
    const colours = async (scheme: 'light' | 'dark') => {
      const { page, problems } = await open(file, scheme);
      const seen = {
        body: await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
        // The colour the buttons paint (the variable holds light-dark(), a colour only where used).
        button: await resolvedColour(page, 'var(--vscode-button-secondaryBackground)'),
      };
      assertNoProblems(problems);
      await page.close();
      return seen;
    };
    const light = await colours('light');
    const dark = await colours('dark');
    assert.equal(light.body, 'rgb(255, 255, 255)');
    assert.equal(dark.body, 'rgb(31, 31, 31)');
    assert.deepEqual([light.button, dark.button], ['rgb(229, 229, 229)', 'rgb(58, 61, 65)'], JSON.stringify({ light, dark }));
  });

  test('hostile workload, namespace and container names: text in the title, the lanes and the details; no markup, no script', async () => {
    const name = `${IMG}${SCRIPT_END}`;
    const dir = tempDir('ii-timeline-html-');
    writeFiles(dir, { 'hostile.yaml': hostileManifest(name, SVG, IMG) });
    const file = await writePage('hostile.yaml', dir);
    const html = readFileSync(file, 'utf8');
    assert.equal(html.match(/<\/script/gi)?.length, 2, 'exactly two script elements end: the data block and the bundle');

    const { page, problems, requests } = await open(file);
    assert.deepEqual(requests, []);
    assert.equal(await page.textContent('h1.title'), `Deployment ${SVG}/${name}`);
    assert.equal(await page.title(), `Rollout timeline — Deployment ${SVG}/${name}`);
    const pods = await page.$$eval('[data-pod]', (e) => e.map((x) => x.getAttribute('data-pod') ?? ''));
    assert.equal(pods.length, 6);
    assert.ok(
      pods.every((pod) => pod.startsWith(name)),
      JSON.stringify(pods),
    );
    // ReplicaSet names are cut at 80 characters in the table: the markup they start with is there as text.
    assert.ok(((await page.textContent('.sync-details')) ?? '').includes(IMG), 'the ReplicaSet names, as text');
    await page.hover('[data-pod]');
    await page.waitForFunction((prefix) => document.querySelector('.point-details .pod-name')?.textContent?.startsWith(prefix.slice(0, 20)), name);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([nonce]):not([type="application/json"]), svg svg, svg foreignObject').length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no payload ran');
    assertNoProblems(problems);
    await page.close();
  });
});
