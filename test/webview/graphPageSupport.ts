// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Drives the plan-graph page in Debian's Chromium (playwright-core, no browser download): the
 * CLI's HTML written to a temp folder and opened with file://, or a VS Code-like harness that
 * defines `acquireVsCodeApi` and records what the page posts. Each page also records console
 * errors, page errors and CSP violations, so a test can assert that nothing misbehaved.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PlanGraph } from '../../common/src/planGraph';
import { renderGraphHtml } from '../../core/src/plan/graphHtml';
import { parsePlanGraph } from '../../core/src/plan/planGraph';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
const BUNDLE = path.join(repoRoot, 'dist', 'webview.js');

export function assertBrowserAndBundle(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: run \`bash scripts/setup-tools.sh\` (it installs Debian's chromium; npm test does).`);
  if (!existsSync(BUNDLE)) throw new Error(`The webview bundle is missing at ${BUNDLE}: run \`node scripts/build.mjs\` first.`);
}

export function fixtureGraph(relativePath: string): PlanGraph {
  return parsePlanGraph(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'plans', relativePath), 'utf8'));
}

export function webviewBundle(): { js: string; css: string } {
  return { js: readFileSync(BUNDLE, 'utf8'), css: '' };
}

export interface PageProblems {
  console: string[];
  pageErrors: string[];
  violations: string[];
}

export class GraphBrowser {
  private browser: Browser | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'plan-graph-test-'));
  private files = 0;

  async start(): Promise<void> {
    assertBrowserAndBundle();
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  writeFile(name: string, contents: string): string {
    const file = path.join(this.dir, `${this.files++}-${name}`);
    writeFileSync(file, contents);
    return file;
  }

  /** A new page that records its problems (and CSP violations, from inside the page). */
  async newPage(initScript?: { script: (arg: unknown) => void; arg: unknown }): Promise<{ page: Page; problems: PageProblems }> {
    const page = await this.browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: PageProblems = { console: [], pageErrors: [], violations: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.console.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(error.message));
    await page.exposeFunction('__reportViolation', (text: string) => problems.violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { __reportViolation(text: string): void }).__reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    if (initScript) await page.addInitScript(initScript.script, initScript.arg);
    return { page, problems };
  }

  /** The CLI's HTML for a graph, opened from a file, waited on until `data-state` is ready (or error). */
  async openCliHtml(graph: PlanGraph): Promise<{ page: Page; problems: PageProblems; file: string }> {
    const file = this.writeFile('plan.html', renderGraphHtml(graph, webviewBundle()));
    const { page, problems } = await this.newPage();
    await page.goto(`file://${file}`);
    await waitForState(page);
    return { page, problems, file };
  }
}

export async function waitForState(page: Page, timeout = 30_000): Promise<string> {
  await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', { state: 'attached', timeout });
  return (await page.getAttribute('html', 'data-state')) ?? '';
}

/** Waits for the page to settle after a change: no layout in flight. */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForSelector('html[data-busy="false"]', { state: 'attached' });
}

/** The drawn resources: address → display kind. */
export async function drawnResources(page: Page): Promise<Map<string, string>> {
  const pairs = await page.$$eval('svg [data-address]', (elements) =>
    elements.map((element) => [element.getAttribute('data-address') ?? '', element.getAttribute('data-display') ?? '']),
  );
  return new Map(pairs as [string, string][]);
}

/** Waits until the number of drawn resources is `count` (a filter or search re-renders asynchronously). */
export async function waitForResourceCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('svg [data-address]').length === n && document.documentElement.dataset.busy === 'false', count, {
    timeout: 15_000,
  });
}

/** A CSS attribute selector for an exact address (addresses hold quotes and brackets). */
export function byAddress(address: string): string {
  return `svg [data-address="${address.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}
