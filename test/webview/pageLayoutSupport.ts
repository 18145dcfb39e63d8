// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Opens the plan graph and the rollout timeline at a chosen viewport size, for the layout and theme
 * tests: the graph as the CLI's HTML (file://) or in a VS Code-like host, the timeline in a VS
 * Code-like host (a CSP with a nonce, a recording `acquireVsCodeApi`), each optionally under a VS
 * Code theme (its `--vscode-*` variables on <html> and its class on <body>, as VS Code sets them).
 * Also: where a box sits against the viewport, and where the screenshots go.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { PlanGraph } from '../../common/src/planGraph';
import type { RolloutTimeline } from '../../common/src/rollout';
import { renderGraphHtml } from '../../core/src/plan/graphHtml';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { waitForIdle, waitForState, webviewBundle, repoRoot, type GraphBrowser, type PageProblems } from './graphPageSupport';
import type { VsCodeTheme } from './vscodeThemes';

export const TIMELINE_BUNDLE = path.join(repoRoot, 'dist', 'timeline.js');
/** Git-ignored (.gitignore): the pictures are for a person to look at, not compared by the tests. */
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-artifacts', 'screenshots');

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

/** The seed Deployment (nginx, 3 replicas, a new image): its rollout replaces 3 pods, 6 lanes. */
export function seedTimeline(): RolloutTimeline {
  const [workload] = workloadsFromManifest(readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8'));
  return simulateRollout(workload, { podStartSeconds: 5 });
}

interface HarnessWindow {
  __posted: Array<{ type: string }>;
}

/**
 * Before the page's script runs: the `acquireVsCodeApi` of a VS Code webview, recording what the
 * page posts, and the theme's variables on <html> and its class on <body>, as VS Code sets them.
 */
function hostScript(arg: { theme: VsCodeTheme | null }): void {
  const w = window as unknown as HarnessWindow & { acquireVsCodeApi(): unknown };
  w.__posted = [];
  let state: unknown;
  w.acquireVsCodeApi = () => ({
    postMessage: (message: { type: string }) => w.__posted.push(message),
    getState: () => state,
    setState: (next: unknown) => (state = next),
  });
  const theme = arg.theme;
  if (!theme) return;
  const apply = () => {
    for (const [name, value] of Object.entries(theme.variables)) document.documentElement.style.setProperty(`--vscode-${name}`, value);
    document.body.classList.add(...theme.bodyClasses);
  };
  if (document.body) apply();
  else document.addEventListener('DOMContentLoaded', apply, { once: true });
}

function harnessHtml(bundle: string, csp: string, nonce: string): string {
  const js = bundle.replace(/<\/(script)/gi, '<\\/$1');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body><script nonce="${nonce}">${js}</script></body></html>`;
}

async function sizedPage(browser: GraphBrowser, width: number, height: number, init?: { script: (arg: unknown) => void; arg: unknown }) {
  const opened = await browser.newPage(init);
  await opened.page.setViewportSize({ width, height });
  return opened;
}

/** The CLI's HTML graph at a viewport size (no VS Code theme: the page's own light or dark colours). */
export async function openGraphCliHtml(browser: GraphBrowser, graph: PlanGraph, width: number, height: number): Promise<{ page: Page; problems: PageProblems }> {
  const file = browser.writeFile('plan.html', renderGraphHtml(graph, webviewBundle()));
  const opened = await sizedPage(browser, width, height);
  await opened.page.goto(`file://${file}`);
  await waitForState(opened.page);
  await waitForIdle(opened.page);
  return opened;
}

/**
 * A page bundle in a VS Code-like host under a theme (or none): the webview's CSP with a nonce, the
 * theme's variables, body classes and colour scheme, then `message` posted once the page is ready,
 * as the extension posts it.
 */
async function openInHost(
  browser: GraphBrowser,
  page: { file: string; bundle: string; csp: (nonce: string) => string },
  width: number,
  height: number,
  theme: VsCodeTheme | null,
  message: unknown,
): Promise<{ page: Page; problems: PageProblems }> {
  const nonce = `layout-test-nonce-${page.file.replace(/\W/g, '-')}`;
  const file = browser.writeFile(page.file, harnessHtml(page.bundle, page.csp(nonce), nonce));
  const opened = await sizedPage(browser, width, height, { script: hostScript as (arg: unknown) => void, arg: { theme } });
  if (theme) await opened.page.emulateMedia({ colorScheme: theme.colorScheme });
  await opened.page.goto(`file://${file}`);
  await opened.page.waitForFunction(() => (window as unknown as HarnessWindow).__posted.some((m) => m.type === 'ready'));
  await opened.page.evaluate((m) => window.postMessage(m, '*'), message);
  await waitForState(opened.page);
  return opened;
}

/** The graph in a VS Code-like host under a theme, with `graph` shown. */
export async function openGraphInHost(
  browser: GraphBrowser,
  graph: PlanGraph,
  width: number,
  height: number,
  theme: VsCodeTheme | null,
): Promise<{ page: Page; problems: PageProblems }> {
  const opened = await openInHost(
    browser,
    {
      file: 'graph-host.html',
      bundle: webviewBundle().js,
      csp: (nonce) => `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; worker-src blob:; img-src data:`,
    },
    width,
    height,
    theme,
    { type: 'showPlan', planId: 'plan-1', graph, source: '/work/plan' },
  );
  await waitForIdle(opened.page);
  return opened;
}

/** The timeline in a VS Code-like host under a theme (or none), with `timeline` shown. */
export async function openTimelineInHost(
  browser: GraphBrowser,
  timeline: RolloutTimeline,
  width: number,
  height: number,
  theme: VsCodeTheme | null,
): Promise<{ page: Page; problems: PageProblems }> {
  return openInHost(
    browser,
    {
      file: 'timeline-host.html',
      bundle: readFileSync(TIMELINE_BUNDLE, 'utf8'),
      csp: (nonce) => `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; font-src 'none'`,
    },
    width,
    height,
    theme,
    { type: 'showTimeline', timelineId: 'timeline-1', timeline, source: 'nginx-deployment.yaml' },
  );
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bounding boxes (viewport coordinates) of every element matching `selector`. */
export async function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.$$eval(selector, (elements) =>
    elements.map((element) => {
      const r = element.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

/** Whether `inner` lies within `outer` (to half a pixel: boxes of scaled SVG are fractional). */
export function within(inner: Box, outer: Box): boolean {
  const slack = 0.5;
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}

/** The part of the page a person sees without scrolling anything: the viewport, less what a scrolling pane hides. */
export async function visibleRect(page: Page, paneSelector: string): Promise<Box> {
  return page.$eval(paneSelector, (pane) => {
    const r = pane.getBoundingClientRect();
    // The pane's client area: its box less borders and scrollbars.
    const left = r.x + pane.clientLeft;
    const top = r.y + pane.clientTop;
    const x = Math.max(0, left);
    const y = Math.max(0, top);
    const right = Math.min(window.innerWidth, left + pane.clientWidth);
    const bottom = Math.min(window.innerHeight, top + pane.clientHeight);
    return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
  });
}

/** How far each scrolling container of the page (and the page itself) is scrolled, and whether any can scroll sideways. */
export async function scrollState(page: Page): Promise<{ scrolled: string[]; sideways: string[] }> {
  return page.evaluate(() => {
    const scrolled: string[] = [];
    const sideways: string[] = [];
    const name = (e: Element) => (e === document.scrollingElement ? 'page' : `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
    for (const element of [document.scrollingElement!, ...document.querySelectorAll('body *')]) {
      if (element.scrollTop !== 0 || element.scrollLeft !== 0) scrolled.push(name(element));
      const style = getComputedStyle(element);
      const canScrollX = element === document.scrollingElement || style.overflowX === 'auto' || style.overflowX === 'scroll';
      if (canScrollX && element.scrollWidth > element.clientWidth + 1) sideways.push(name(element));
    }
    return { scrolled, sideways };
  });
}
