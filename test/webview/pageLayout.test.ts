// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The plan graph and the rollout timeline at ordinary widths, in a real Chromium: at 360, 600, 900
 * and 1600 px (900 px high) the seed plan's node and the seed Deployment's six pod lanes are on
 * screen without scrolling anything, the details pane sits beside the picture on a wide page and
 * under it on a narrow one, selecting still shows the details, and the selection (and the chosen
 * sync) survives a resize from 1600 to 600 px. Checked with bounding boxes; the screenshots are
 * saved for a person to look at (test-artifacts/screenshots/, printed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { byAddress, fixtureGraph, GraphBrowser, type PageProblems } from './graphPageSupport';
import {
  boxes,
  openGraphCliHtml,
  openTimelineInHost,
  screenshotPath,
  scrollState,
  seedTimeline,
  SCREENSHOT_DIR,
  TIMELINE_BUNDLE,
  visibleRect,
  within,
  type Box,
} from './pageLayoutSupport';

const WIDTHS = [360, 600, 900, 1600];
const HEIGHT = 900;
/** Where the details pane moves under the picture (graph.css, timeline.css). */
const BREAKPOINT = 1300;
const SEED_PLAN = 'opentofu-real/graph-features/plan.json';
const SEED_NODE = 'local_file.example';

const browser = new GraphBrowser();
const saved: string[] = [];
before(async () => {
  if (!existsSync(TIMELINE_BUNDLE)) throw new Error(`The timeline bundle is missing at ${TIMELINE_BUNDLE}: run \`node scripts/build.mjs\` first.`);
  await browser.start();
});
after(async () => {
  await browser.stop();
  console.log(`Layout screenshots (${saved.length}) in ${SCREENSHOT_DIR}`);
});

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

async function box(page: Page, selector: string): Promise<Box> {
  const [found] = await boxes(page, selector);
  assert.ok(found, `${selector} is drawn`);
  return found;
}

async function save(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  await page.screenshot({ path: file });
  saved.push(file);
}

/** Beside on a wide page, under on a narrow one; either way both on screen. */
function assertPanes(width: number, picture: Box, details: Box): void {
  if (width >= BREAKPOINT) {
    assert.ok(details.x >= picture.x + picture.width - 1, `at ${width} px the details are beside the picture: ${JSON.stringify({ picture, details })}`);
    assert.ok(picture.width >= width / 2, `and the picture keeps most of the width: ${picture.width}`);
  } else {
    assert.ok(details.y >= picture.y + picture.height - 1, `at ${width} px the details are under the picture: ${JSON.stringify({ picture, details })}`);
    assert.ok(Math.abs(picture.width - width) <= 1, `and the picture takes the whole width: ${picture.width}`);
  }
  assert.ok(details.y < HEIGHT, `the details pane starts on screen: ${JSON.stringify(details)}`);
}

const waitForFrames = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

describe('plan graph at ordinary widths (the CLI HTML, the seed plan)', () => {
  const graph = fixtureGraph(SEED_PLAN);
  const shown = graph.nodes.filter((node) => node.display !== 'no-op').map((node) => node.address);

  for (const width of WIDTHS) {
    test(`${width} × ${HEIGHT}: every node is on screen, the seed's included, and selecting it shows its details`, async () => {
      const { page, problems } = await openGraphCliHtml(browser, graph, width, HEIGHT);
      assert.equal(await page.getAttribute('html', 'data-state'), 'ready');
      const pane = await visibleRect(page, '.graph');
      assert.ok(pane.height >= 260 && pane.width >= Math.min(width, 475), `the graph keeps a usable pane: ${JSON.stringify(pane)}`);
      assertPanes(width, await box(page, '.graph'), await box(page, 'aside.details'));
      const nodes = await boxes(page, 'svg g.node[data-address] rect.body');
      assert.equal(nodes.length, shown.length);
      const off = nodes.filter((node) => !within(node, pane));
      assert.deepEqual(off, [], `every node is within the graph's pane (${JSON.stringify(pane)}), none behind the details or off screen`);
      assert.ok(within(await box(page, `${byAddress(SEED_NODE)} rect.body`), pane));
      assert.deepEqual(await scrollState(page), { scrolled: [], sideways: [] }, 'nothing scrolled, nothing to scroll sideways');
      await save(page, `graph-${width}`);

      await page.click(byAddress(SEED_NODE));
      await page.waitForSelector(`${byAddress(SEED_NODE)}.selected`, { state: 'attached' });
      assert.equal(await page.textContent('aside.details .address'), SEED_NODE);
      const address = await box(page, 'aside.details .address');
      assert.ok(within(address, { x: 0, y: 0, width, height: HEIGHT }), `the selected resource's details are on screen: ${JSON.stringify(address)}`);
      assert.ok(within(await box(page, `${byAddress(SEED_NODE)} rect.body`), await visibleRect(page, '.graph')), 'the selected node stays in view');
      await save(page, `graph-${width}-selected`);
      assertNoProblems(problems);
      await page.close();
    });
  }

  test('the selection survives a resize from 1600 to 600 px, and the fitted view fits the new pane', async () => {
    const { page, problems } = await openGraphCliHtml(browser, graph, 1600, HEIGHT);
    await page.click(byAddress(SEED_NODE));
    await page.waitForSelector(`${byAddress(SEED_NODE)}.selected`, { state: 'attached' });
    await page.setViewportSize({ width: 600, height: HEIGHT });
    // The details move under the graph; the graph fits its new pane (a ResizeObserver, then a frame).
    await page.waitForFunction(() => {
      const graphPane = document.querySelector('.graph')!.getBoundingClientRect();
      const details = document.querySelector('aside.details')!.getBoundingClientRect();
      return details.top >= graphPane.bottom - 1 && graphPane.width === window.innerWidth;
    });
    await waitForFrames(page);
    assert.equal(await page.getAttribute(byAddress(SEED_NODE), 'aria-pressed'), 'true');
    assert.equal(await page.textContent('aside.details .address'), SEED_NODE);
    const pane = await visibleRect(page, '.graph');
    const off = (await boxes(page, 'svg g.node[data-address] rect.body')).filter((node) => !within(node, pane));
    assert.deepEqual(off, [], 'after the resize every node is within the pane again');
    await save(page, 'graph-1600-to-600-selected');
    // And back: the details return beside the graph, the selection still there.
    await page.setViewportSize({ width: 1600, height: HEIGHT });
    await page.waitForFunction(
      () => document.querySelector('aside.details')!.getBoundingClientRect().left >= document.querySelector('.graph')!.getBoundingClientRect().right - 1,
    );
    assert.equal(await page.textContent('aside.details .address'), SEED_NODE);
    assertNoProblems(problems);
    await page.close();
  });
});

describe('rollout timeline at ordinary widths (VS Code-like host, the seed Deployment)', () => {
  const timeline = seedTimeline();

  for (const width of WIDTHS) {
    test(`${width} × ${HEIGHT}: all 6 pod lanes and the chart are on screen, their names tell the pods apart`, async () => {
      const { page, problems } = await openTimelineInHost(browser, timeline, width, HEIGHT, null);
      assert.equal(await page.getAttribute('html', 'data-state'), 'ready');
      assert.equal(timeline.lanes.length, 6);
      const pane = await visibleRect(page, '.timeline');
      assertPanes(width, await box(page, '.timeline'), await box(page, 'aside.details'));
      const lanes = await boxes(page, '[data-pod] rect.lane-hit');
      assert.equal(lanes.length, 6);
      const off = lanes.filter((lane) => !within(lane, pane));
      assert.deepEqual(off, [], `every lane is within the timeline's pane (${JSON.stringify(pane)})`);
      const frame = await box(page, 'rect.chart-frame');
      assert.ok(within(frame, pane), `the chart is within the pane: ${JSON.stringify({ frame, pane })}`);
      assert.ok(frame.width >= 160, `the plot keeps its minimum width: ${frame.width}`);
      // Every bar's time axis is the chart's: the lanes are not squeezed to their labels.
      const bars = await boxes(page, '[data-pod] rect.phase');
      assert.ok(bars.length >= 6 && bars.every((bar) => bar.x >= frame.x - 1 && bar.x + bar.width <= frame.x + frame.width + 1));
      const names = await page.$$eval('[data-pod] tspan.pod-name', (spans) => spans.map((span) => span.textContent));
      assert.equal(new Set(names).size, 6, `six different names: ${names.join(', ')}`);
      const labels = await boxes(page, '[data-pod] text.lane-label');
      assert.ok(
        labels.every((label) => label.x + label.width <= frame.x),
        'each name ends before the plot',
      );
      assert.deepEqual(await scrollState(page), { scrolled: [], sideways: [] }, 'nothing scrolled, nothing to scroll sideways');
      await save(page, `timeline-${width}`);

      // Focusing a lane (Tab) shows that pod in the details, on screen.
      await page.focus(`[data-pod="${timeline.lanes[3].podName}"]`);
      await page.waitForSelector('aside.details .pod-name', { state: 'attached' });
      assert.equal(await page.textContent('aside.details .pod-name'), timeline.lanes[3].podName);
      const podName = await box(page, 'aside.details .pod-name');
      assert.ok(within(podName, { x: 0, y: 0, width, height: HEIGHT }), `the focused pod's details are on screen: ${JSON.stringify(podName)}`);
      assertNoProblems(problems);
      await page.close();
    });
  }

  test('the chosen sync and the lanes survive a resize from 1600 to 600 px', async () => {
    const { page, problems } = await openTimelineInHost(browser, timeline, 1600, HEIGHT, null);
    await page.click('vscode-button.step-next');
    await page.click('vscode-button.step-next');
    const status = (await page.textContent('.sync-status')) ?? '';
    assert.match(status, /^Sync 3 of/);
    const cursorAt = async () => Number(await page.getAttribute('line.sync-cursor', 'x1'));
    const wideCursor = await cursorAt();
    await page.setViewportSize({ width: 600, height: HEIGHT });
    await page.waitForFunction(
      () => document.querySelector('aside.details')!.getBoundingClientRect().top >= document.querySelector('.timeline')!.getBoundingClientRect().bottom - 1,
    );
    await page.waitForFunction((w) => Number(document.querySelector('svg.timeline-canvas')!.getAttribute('width')) <= w, 600);
    assert.equal(await page.textContent('.sync-status'), status);
    const narrowCursor = await cursorAt();
    assert.ok(narrowCursor < wideCursor, `the sync cursor is redrawn on the narrower axis (${wideCursor} → ${narrowCursor})`);
    const pane = await visibleRect(page, '.timeline');
    const off = (await boxes(page, '[data-pod] rect.lane-hit')).filter((lane) => !within(lane, pane));
    assert.deepEqual(off, [], 'after the resize every lane is within the pane again');
    await save(page, 'timeline-1600-to-600-sync-3');
    assertNoProblems(problems);
    await page.close();
  });
});
