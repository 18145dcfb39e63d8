/**
 * The plan graph and the rollout timeline under VS Code's light, dark and high-contrast themes (the
 * `--vscode-*` variables and <body> class a webview gets), at 360, 600, 900 and 1600 px: every node
 * and every lane on screen, and every node label (the name, the action's symbol, a module's counts)
 * and every piece of lane text (pod names, their revision, the phase names in the bars) at WCAG AA
 * contrast (4.5:1) against what is painted under
 * it, computed from the page's own styles. The checker itself is shown to fail a deliberately
 * pale label. Screenshots: test-artifacts/screenshots/ (printed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { contrastFailures, contrastRatio, hexOf, measureContrast, parseColour, resolvedColour, sampleContrast, type ContrastResult } from './contrast';
import { fixtureGraph, GraphBrowser, type PageProblems } from './graphPageSupport';
import {
  boxes,
  openGraphCliHtml,
  openGraphInHost,
  openTimelineInHost,
  screenshotPath,
  SCREENSHOT_DIR,
  seedTimeline,
  TIMELINE_BUNDLE,
  visibleRect,
  within,
} from './pageLayoutSupport';
import { HIGH_CONTRAST, HIGH_CONTRAST_LIGHT, LIGHT_MODERN, THEMES, type VsCodeTheme } from './vscodeThemes';

const WIDTHS = [360, 600, 900, 1600];
const HEIGHT = 900;
const NODE_TEXT = ['svg g.leaf text.label', 'svg g.leaf text.counts', 'svg g.leaf text.symbol'];
const LANE_TEXT = ['[data-pod] tspan.pod-name', '[data-pod] tspan.revision-badge', '[data-pod] text.phase-label'];
/** The graph's details pane: the action (its symbol and word, in the action's colour), the attribute paths that force a replacement with their badge, the headings. */
const GRAPH_DETAILS_ACTION = ['.details .action .symbol', '.details .action .action-label'];
const GRAPH_DETAILS_FORCES = ['.details tr.forces td.path', '.details .forces-badge'];
const GRAPH_DETAILS_TEXT = [...GRAPH_DETAILS_ACTION, ...GRAPH_DETAILS_FORCES, '.details dt', '.details h3'];
/**
 * The timeline's text outside the lanes: the facts (a warning in the warning colour), the sync status
 * and the selected sync's details, the legend's labels, the capacity chart's coloured legend, limit
 * labels and outcome marker, and the axes.
 */
const TIMELINE_TEXT = [
  '.facts dt',
  '.facts dd',
  '.sync-status',
  '.sync-details .sync-title',
  '.sync-details .sync-reason',
  '.sync-details th',
  '.sync-details td',
  '.sync-details li',
  '.legend li > span:not(.swatch)',
  'text.chart-legend tspan',
  'text.limit-label',
  '.outcome-marker text',
  'text.tick-label',
  'text.y-tick-label',
];
const DETAILS_WIDTHS = [600, 1600];

const browser = new GraphBrowser();
let saved = 0;
before(async () => {
  if (!existsSync(TIMELINE_BUNDLE)) throw new Error(`The timeline bundle is missing at ${TIMELINE_BUNDLE}: run \`node scripts/build.mjs\` first.`);
  await browser.start();
});
after(async () => {
  await browser.stop();
  console.log(`Theme screenshots (${saved}) in ${SCREENSHOT_DIR}`);
});

/** The lowest ratio measured, for the log: what the margin over AA is. */
function lowest(results: readonly ContrastResult[]): string {
  const worst = results.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return `${worst.ratio.toFixed(2)}:1 ${worst.selector} "${worst.text}" (${worst.foreground} on ${worst.background})`;
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

async function save(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name) });
  saved++;
}

/**
 * Selects one shown resource of each action in the graph-features plan (every action but update in
 * place) and measures the details pane's text each time; the replacement's details are screenshotted.
 */
async function measureGraphDetails(page: Page, screenshot: string): Promise<{ failures: string[]; measured: ContrastResult[]; forcesMeasured: number }> {
  const byKind = await page.$$eval('svg g.leaf[data-address]', (nodes) => {
    const found: Record<string, string> = {};
    for (const node of nodes) {
      const kind = [...node.classList].find((c) => c.startsWith('kind-'));
      if (kind && !(kind in found)) found[kind] = node.getAttribute('data-address') ?? '';
    }
    return found;
  });
  assert.deepEqual(Object.keys(byKind).sort(), [
    'kind-create',
    'kind-delete',
    'kind-forget',
    'kind-import',
    'kind-move',
    'kind-read',
    'kind-replace-create-first',
    'kind-replace-delete-first',
  ]);
  const failures: string[] = [];
  const measured: ContrastResult[] = [];
  let forcesMeasured = 0;
  for (const [kind, address] of Object.entries(byKind)) {
    await page.locator(`svg g.leaf[data-address="${address}"]`).click();
    await page.waitForFunction((a) => document.querySelector('.details .address')?.textContent === a, address);
    const results = await measureContrast(page, GRAPH_DETAILS_TEXT);
    measured.push(...results);
    assert.equal(results.filter((r) => GRAPH_DETAILS_ACTION.includes(r.selector)).length, 2, `${kind}: the action's symbol and word were measured`);
    forcesMeasured += results.filter((r) => GRAPH_DETAILS_FORCES.includes(r.selector)).length;
    failures.push(...contrastFailures(results).map((failure) => `${kind} (${address}): ${failure}`));
    if (kind === 'kind-replace-delete-first') await save(page, screenshot);
  }
  return { failures, measured, forcesMeasured };
}

/** The timeline's text outside the lanes at the first and the last sync: each selector that must show was measured, none under AA. */
async function assertTimelineText(page: Page, name: string): Promise<void> {
  for (const step of ['first', 'last']) {
    const button = page.locator(`vscode-button.step-${step}`);
    // (disabled when the page is at that sync already)
    if ((await button.getAttribute('disabled')) === null) await button.click();
    const results = await measureContrast(page, TIMELINE_TEXT);
    for (const selector of ['.facts dd', '.sync-details .sync-title', '.legend li > span:not(.swatch)', 'text.chart-legend tspan', 'text.limit-label']) {
      assert.ok(
        results.some((r) => r.selector === selector),
        `${selector} was measured`,
      );
    }
    assert.deepEqual(contrastFailures(results), [], `the timeline's text at the ${step} sync`);
    console.log(`${name}, ${step} sync: ${results.length} texts, lowest ${lowest(results)}`);
  }
}

describe('the contrast check', () => {
  test("WCAG's figures: black on white 21:1, #767676 on white passes AA and #777777 does not", () => {
    const white = parseColour('#ffffff');
    assert.equal(contrastRatio(parseColour('#000000'), white), 21);
    assert.ok(contrastRatio(parseColour('#767676'), white) >= 4.5);
    assert.ok(contrastRatio(parseColour('#777777'), white) < 4.5);
    assert.deepEqual(parseColour('rgba(12, 34, 56, 0.5)'), { r: 12, g: 34, b: 56, a: 0.5 });
    assert.deepEqual(parseColour('color(srgb 1 0.5 0 / 0.25)'), { r: 255, g: 127.5, b: 0, a: 0.25 });
    // A half-transparent bar over white is paler: the text is checked against the blend.
    const result = sampleContrast({
      text: 'x',
      selector: 'x',
      colour: 'rgb(255, 255, 255)',
      alpha: 1,
      layers: [
        { what: 'body', colour: 'rgb(255, 255, 255)', alpha: 1 },
        { what: 'rect', colour: 'rgb(0, 0, 0)', alpha: 0.5 },
      ],
    });
    assert.equal(result.background, '#808080');
    assert.throws(() => parseColour('color-mix(in srgb, red, blue)'), /Not a colour the contrast check can read: "color-mix/);
  });

  test('fails a deliberately pale node label in the page, naming it, its ratio and its colours', async () => {
    const pale: VsCodeTheme = { ...LIGHT_MODERN, name: 'pale', variables: { ...LIGHT_MODERN.variables, 'editor-foreground': '#aaaaaa' } };
    const { page } = await openGraphInHost(browser, fixtureGraph('opentofu-real/graph-features/plan.json'), 1600, HEIGHT, pale);
    const failures = contrastFailures(await measureContrast(page, ['svg g.node[data-address="local_file.example"] text.label']));
    assert.equal(failures.length, 1, failures.join('\n'));
    assert.match(
      failures[0],
      /^svg g\.node\[data-address="local_file\.example"\] text\.label "local_file\.example": 2\.\d\d:1 \(#aaaaaa on #f8f8f8; under it html\. < body\.vscode-light < .*rect\.body\)$/,
    );
    await page.close();
  });
});

for (const theme of THEMES) {
  describe(`${theme.name} theme`, () => {
    for (const width of DETAILS_WIDTHS) {
      test(`plan graph details at ${width} px: each action's symbol and word, the paths forcing a replacement and their badge at AA contrast`, async () => {
        const graph = fixtureGraph('opentofu-real/graph-features/plan.json');
        const { page, problems } = await openGraphInHost(browser, graph, width, HEIGHT, theme);
        const { failures, measured, forcesMeasured } = await measureGraphDetails(page, `graph-details-${theme.name}-${width}`);
        assert.ok(forcesMeasured >= 2, 'a replacement showed a path forcing it, with its badge');
        console.log(`${theme.name} graph details at ${width} px: ${measured.length} texts, lowest ${lowest(measured)}`);
        assert.deepEqual(failures, []);
        assertNoProblems(problems);
        await page.close();
      });
    }

    for (const width of WIDTHS) {
      test(`plan graph at ${width} px: every node on screen, node labels at AA contrast`, async () => {
        const graph = fixtureGraph('opentofu-real/graph-features/plan.json');
        const { page, problems } = await openGraphInHost(browser, graph, width, HEIGHT, theme);
        assert.equal(await page.getAttribute('body', 'class'), theme.bodyClasses.join(' '));
        const pane = await visibleRect(page, '.graph');
        const nodes = await boxes(page, 'svg g.node[data-address] rect.body');
        assert.ok(nodes.length > 0);
        assert.deepEqual(
          nodes.filter((node) => !within(node, pane)),
          [],
        );
        const results = await measureContrast(page, NODE_TEXT);
        assert.equal(results.filter((r) => r.selector === NODE_TEXT[0]).length, nodes.length, 'every node label was measured');
        assert.deepEqual(contrastFailures(results), []);
        await save(page, `graph-${theme.name}-${width}`);
        assertNoProblems(problems);
        await page.close();
      });

      test(`rollout timeline at ${width} px: all 6 lanes on screen, lane text at AA contrast`, async () => {
        const { page, problems } = await openTimelineInHost(browser, seedTimeline(), width, HEIGHT, theme);
        const pane = await visibleRect(page, '.timeline');
        const lanes = await boxes(page, '[data-pod] rect.lane-hit');
        assert.equal(lanes.length, 6);
        assert.deepEqual(
          lanes.filter((lane) => !within(lane, pane)),
          [],
        );
        // At the first sync (pods not yet started drawn faded), and at the last.
        for (const step of ['first', 'last']) {
          if (step === 'last') await page.click('vscode-button.step-last');
          const results = await measureContrast(page, LANE_TEXT);
          assert.equal(results.filter((r) => r.selector === LANE_TEXT[0]).length, 6, 'every pod name was measured');
          assert.deepEqual(contrastFailures(results), [], `at the ${step} sync`);
        }
        await assertTimelineText(page, `${theme.name} timeline text at ${width} px`);
        await save(page, `timeline-${theme.name}-${width}`);
        assertNoProblems(problems);
        await page.close();
      });
    }
  });
}

describe("a colour the theme leaves unset: the fallback of the theme's kind, whatever the system says", () => {
  // The high-contrast themes send no charts.orange (replace, destroy first). A VS Code window's
  // system setting may say the opposite of its theme (code-server's browser says light under every theme).
  const cases: Array<{ theme: VsCodeTheme; system: 'light' | 'dark'; expected: string }> = [
    { theme: { ...HIGH_CONTRAST, colorScheme: 'light' }, system: 'light', expected: '#d18616' },
    { theme: { ...HIGH_CONTRAST_LIGHT, colorScheme: 'dark' }, system: 'dark', expected: '#c15600' },
    // A theme that sends it: its own orange, made opaque.
    { theme: { ...LIGHT_MODERN, colorScheme: 'dark' }, system: 'dark', expected: '#ea5c00' },
  ];
  for (const { theme, system, expected } of cases) {
    test(`${theme.name} on a ${system} system: replace (destroy first) is ${expected}`, async () => {
      const { page, problems } = await openGraphInHost(browser, fixtureGraph('opentofu-real/graph-features/plan.json'), 900, HEIGHT, theme);
      const colour = await resolvedColour(page, 'var(--kind-replace-delete-first)');
      // A relative colour computes to `color(srgb r g b)`: compared as hex.
      assert.equal(hexOf(parseColour(colour)), expected);
      assertNoProblems(problems);
      await page.close();
    });
  }
});

describe("outside VS Code: the page's own colours, light or dark after the reader's system setting", () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${colorScheme}: the CLI's HTML graph's node labels and the timeline's lane text at AA contrast`, async () => {
      const graphPage = await openGraphCliHtml(browser, fixtureGraph('opentofu-real/graph-features/plan.json'), 900, HEIGHT);
      await graphPage.page.emulateMedia({ colorScheme });
      const background = await graphPage.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, colorScheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)', 'the scheme took');
      assert.deepEqual(contrastFailures(await measureContrast(graphPage.page, NODE_TEXT)), []);
      const details = await measureGraphDetails(graphPage.page, `graph-details-cli-${colorScheme}-900`);
      assert.ok(details.forcesMeasured >= 2, 'a replacement showed a path forcing it, with its badge');
      assert.deepEqual(details.failures, []);
      console.log(`CLI ${colorScheme} graph details at 900 px: ${details.measured.length} texts, lowest ${lowest(details.measured)}`);
      await save(graphPage.page, `graph-cli-${colorScheme}-900`);
      assertNoProblems(graphPage.problems);
      await graphPage.page.close();

      const timelinePage = await openTimelineInHost(browser, seedTimeline(), 900, HEIGHT, null);
      await timelinePage.page.emulateMedia({ colorScheme });
      const results = await measureContrast(timelinePage.page, LANE_TEXT);
      assert.equal(results.filter((r) => r.selector === LANE_TEXT[0]).length, 6);
      assert.deepEqual(contrastFailures(results), []);
      await assertTimelineText(timelinePage.page, `no theme ${colorScheme} timeline text at 900 px`);
      await save(timelinePage.page, `timeline-no-theme-${colorScheme}-900`);
      assertNoProblems(timelinePage.problems);
      await timelinePage.page.close();
    });
  }
});
