// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/**
 * Benchmark of the plan graph: synthetic plans of 1,000 and 10,000 resource changes
 * (~5 and ~50 MB of `show -json`: modules, count instances, references between resources, some
 * replacements) through the CLI's path (plan JSON → graph → self-contained HTML) into headless
 * Chromium. Figures: time from navigation to `data-state="ready"` (targets ≤ 1 s and ≤ 4 s) and
 * the page's JS heap; baseline: `JSON.parse` of the same plan file in this process, same run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { renderGraphHtml } from '../../core/src/plan/graphHtml';
import { parsePlanGraph } from '../../core/src/plan/planGraph';
import { planMarkdown } from '../../cli/src/planMarkdown';
import type { BenchFigure } from './terraformBench';

const CHROMIUM = '/usr/bin/chromium';
const BUNDLE = path.resolve(__dirname, '..', '..', '..', 'dist', 'webview.js');
/** Configuration resources per module, and instances (count) of each. */
const RESOURCES_PER_MODULE = 10;
const COUNT = 4;

/** About 5 KB of `show -json` per resource change, like a real provider's attributes. */
function attributes(module: number, resource: number, instance: number, version: number): Record<string, unknown> {
  const tags: Record<string, string> = {};
  for (let t = 0; t < 12; t++) tags[`tag_${t}`] = `value-${module}-${resource}-${t}-${version}`;
  return {
    id: `id-${module}-${resource}-${instance}`,
    content: `# generated configuration for service ${module}, resource ${resource}[${instance}]\n${'setting = "value"\n'.repeat(95)}`,
    filename: `/srv/svc_${module}/r${resource}_${instance}.conf`,
    file_permission: version === 0 ? '0644' : '0600',
    triggers: { build: `b-${version}`, image: `registry.example.com/svc_${module}:1.${version}.0` },
    tags,
    ports: [80, 443, 8080 + resource],
    nested: { a: { b: { c: [1, 2, 3], d: 'x'.repeat(400) } } },
  };
}

/** A plan of `modules` × RESOURCES_PER_MODULE × COUNT resource changes, as `show -json` writes it. */
export function syntheticPlan(modules: number): string {
  const changes: unknown[] = [];
  const moduleCalls: Record<string, unknown> = {};
  for (let m = 0; m < modules; m++) {
    const resources: unknown[] = [];
    for (let r = 0; r < RESOURCES_PER_MODULE; r++) {
      const references = r === 0 ? [] : [`local_file.r${Math.floor((r - 1) / 2)}.id`, `local_file.r${Math.floor((r - 1) / 2)}`];
      resources.push({
        address: `local_file.r${r}`,
        mode: 'managed',
        type: 'local_file',
        name: `r${r}`,
        provider_config_key: 'local',
        expressions: { content: { references }, filename: { constant_value: `/srv/r${r}` } },
        count_expression: { constant_value: COUNT },
      });
      for (let i = 0; i < COUNT; i++) {
        const kind = (m * RESOURCES_PER_MODULE + r) % 10;
        const actions = kind === 3 ? ['delete', 'create'] : kind === 7 ? ['create', 'delete'] : kind < 3 ? ['update'] : kind === 9 ? ['no-op'] : ['create'];
        const creating = actions.length === 1 && actions[0] === 'create';
        changes.push({
          address: `module.svc_${m}.local_file.r${r}[${i}]`,
          module_address: `module.svc_${m}`,
          mode: 'managed',
          type: 'local_file',
          name: `r${r}`,
          index: i,
          provider_name: 'registry.terraform.io/hashicorp/local',
          change: {
            actions,
            before: creating ? null : attributes(m, r, i, 0),
            after: attributes(m, r, i, actions[0] === 'no-op' ? 0 : 1),
            after_unknown: actions.length === 2 ? { id: true } : {},
            before_sensitive: creating ? false : {},
            after_sensitive: {},
            ...(actions.length === 2 ? { replace_paths: [['file_permission']] } : {}),
          },
          ...(actions.length === 2 ? { action_reason: 'replace_because_cannot_update' } : {}),
        });
      }
    }
    moduleCalls[`svc_${m}`] = { source: './svc', module: { resources } };
  }
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.0',
    resource_changes: changes,
    configuration: { provider_config: { local: { name: 'local', full_name: 'registry.terraform.io/hashicorp/local' } }, root_module: { module_calls: moduleCalls } },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function graphBench(print: (figure: BenchFigure) => void): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const bundle = { js: readFileSync(BUNDLE, 'utf8'), css: '' };
  const dir = mkdtempSync(path.join(tmpdir(), 'graph-bench-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    for (const [changes, target] of [
      [1_000, 1_000],
      [10_000, 4_000],
    ] as const) {
      const text = syntheticPlan(changes / RESOURCES_PER_MODULE / COUNT);
      const baseline = median(
        [0, 1, 2].map(() => {
          const started = performance.now();
          JSON.parse(text);
          return performance.now() - started;
        }),
      );
      let started = performance.now();
      const graph = parsePlanGraph(text);
      const html = renderGraphHtml(graph, bundle);
      const cli = performance.now() - started;
      started = performance.now();
      const comment = planMarkdown(parsePlanGraph(text), { planFile: 'plan.json' });
      const markdown = performance.now() - started;
      const file = path.join(dir, `plan-${changes}.html`);
      writeFileSync(file, html);

      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      started = performance.now();
      await page.goto(`file://${file}`, { waitUntil: 'commit' });
      await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', { state: 'attached', timeout: 120_000 });
      const ready = performance.now() - started;
      const state = await page.getAttribute('html', 'data-state');
      if (state !== 'ready') throw new Error(`the ${changes}-change plan did not render: ${await page.textContent('.message')}`);
      const inPage = await page.evaluate(() => globalThis.performance.getEntriesByName('plan-graph:ready')[0]?.startTime ?? Number.NaN);
      const session = await page.context().newCDPSession(page);
      await session.send('Performance.enable');
      const { metrics } = await session.send('Performance.getMetrics');
      const heap = (metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
      const drawn = await page.$$eval('[data-address], [data-module]', (elements) => elements.length);
      // Where the time went (the page marks its steps), for whoever tunes it next.
      const steps = await page.evaluate(() => {
        // globalThis: `performance` here would be the Node import, which the page doesn't have.
        const navigation = globalThis.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const marks = globalThis.performance.getEntriesByType('mark').map((mark) => `${mark.name.replace('plan-graph:', '')} ${mark.startTime.toFixed(0)}`);
        return [`responseEnd ${navigation.responseEnd.toFixed(0)}`, `domInteractive ${navigation.domInteractive.toFixed(0)}`, ...marks].join(', ');
      });
      await page.close();

      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(
        `  (${changes} changes: plan ${mb(text.length)} MB, graph ${graph.nodes.length} nodes / ${graph.edges.length} edges, HTML ${mb(html.length)} MB, ${drawn} drawn elements; page ms: ${steps})`,
      );
      const add = (figure: BenchFigure) => {
        figures.push(figure);
        print(figure);
      };
      add({ name: `${changes} changes: JSON.parse of the plan (baseline)`, value: baseline, unit: 'ms' });
      add({ name: `${changes} changes: CLI plan → graph → HTML`, value: cli, unit: 'ms', ratioToBaseline: cli / baseline });
      add({
        name: `${changes} changes: CLI plan → pull-request comment (${comment.length.toLocaleString('en')} characters)`,
        value: markdown,
        unit: 'ms',
        ratioToBaseline: markdown / baseline,
      });
      // The target figure is the page's own clock (navigation start → the mark set with data-state="ready");
      // the driver's figure adds playwright's round trips and process start-up.
      add({ name: `${changes} changes: in page, navigation start → data-state="ready"`, value: inPage, unit: 'ms', target, ratioToBaseline: inPage / baseline });
      add({ name: `${changes} changes: seen by the driver, goto → data-state="ready"`, value: ready, unit: 'ms', ratioToBaseline: ready / baseline });
      add({ name: `${changes} changes: page JS heap`, value: heap, unit: 'MB' });
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
