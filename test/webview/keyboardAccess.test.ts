// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Keyboard access to the plan graph and the rollout timeline at 360, 600, 900 and 1600 px, under VS
 * Code's dark and light themes, in a real Chromium: Tab pressed from the top of the page reaches
 * every interactive control (the filters, the search, Fit, the module headers, one node, the
 * details' buttons once a node is selected; the sync stepper, the pod lanes), each once per round,
 * none skipped, none trapping focus; each focused control is on screen (its bounding box within the
 * viewport and the visible part of its pane) and has a visible focus indicator: an outline, border,
 * box shadow or stroke (on it, or inside its shadow root) that it lacks unfocused, at 3:1 or more
 * against the colour it is drawn on. Then a selection by keyboard is announced, once, in the
 * page's live region.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { JSHandle, Page } from 'playwright-core';
import { contrastRatio, parseColour, over, type Rgba } from './contrast';
import { byAddress, fixtureGraph, GraphBrowser, type PageProblems } from './graphPageSupport';
import { openGraphCliHtml, openGraphInHost, openTimelineInHost, seedTimeline, TIMELINE_BUNDLE, within, type Box } from './pageLayoutSupport';
import { DARK_MODERN, LIGHT_MODERN, type VsCodeTheme } from './vscodeThemes';

const WIDTHS = [360, 600, 900, 1600];
const HEIGHT = 900;
const THEMES_CHECKED: readonly VsCodeTheme[] = [DARK_MODERN, LIGHT_MODERN];
const SEED_PLAN = 'opentofu-real/graph-features/plan.json';
const SEED_NODE = 'local_file.example';
/** WCAG 1.4.11 (non-text contrast), which a focus indicator is held to. */
const INDICATOR_CONTRAST = 3;
/** More Tabs than either page has stops: a round that has not come back by then is trapped. */
const MAX_PRESSES = 120;

/** What the page offers the keyboard, found in its DOM: the controls Tab has to reach. */
const INTERACTIVE = ['vscode-textfield', 'vscode-checkbox', 'vscode-button', 'button', 'a[href]', 'input', 'select', 'textarea', '[tabindex="0"]'].join(', ');

const browser = new GraphBrowser();
const figures: string[] = [];
before(async () => {
  if (!existsSync(TIMELINE_BUNDLE)) throw new Error(`The timeline bundle is missing at ${TIMELINE_BUNDLE}: run \`node scripts/build.mjs\` first.`);
  await browser.start();
});
after(async () => {
  await browser.stop();
  console.log(`Controls reached by Tab:\n${figures.join('\n')}`);
});

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

/** One focus indicator property of one element of a control (the control, or inside its shadow root). */
interface Paint {
  path: string;
  outline: string;
  outlineColour: string;
  border: string;
  borderColour: string;
  boxShadow: string;
  stroke: string;
  strokeWidth: string;
}

interface FocusStop {
  name: string;
  box: Box;
  /** The visible part of the pane that clips it (the graph's or the timeline's), or the viewport. */
  clip: Box;
  /** The colour the control is drawn on: the nearest opaque background of what holds it. */
  backdrop: string;
}

/** Runs in the page: the element with focus (a shadow host for a focused shadow part), described. */
function describeFocus(): FocusStop | null {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const name = (e: Element): string => {
    const data = e.closest('[data-address], [data-module], [data-lane]');
    if (e instanceof SVGElement && data) {
      const kind = data.getAttribute('data-address') !== null ? 'node' : data.getAttribute('data-lane') !== null ? 'lane' : 'module';
      return `${kind} ${data.getAttribute('data-address') ?? data.getAttribute('data-module') ?? data.getAttribute('data-pod') ?? ''}`;
    }
    const label = e.getAttribute('aria-label') ?? (e as HTMLElement).innerText ?? '';
    return `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} "${label.trim().slice(0, 40)}"`;
  };
  const r = element.getBoundingClientRect();
  let clip = { x: 0, y: 0, width: window.innerWidth, height: window.innerHeight };
  const pane = element.closest('.graph, .timeline');
  if (pane) {
    const p = pane.getBoundingClientRect();
    const x = Math.max(0, p.x);
    const y = Math.max(0, p.y);
    clip = { x, y, width: Math.max(0, Math.min(window.innerWidth, p.right) - x), height: Math.max(0, Math.min(window.innerHeight, p.bottom) - y) };
  }
  let backdrop = 'rgb(255, 255, 255)';
  for (let e: Element | null = element.parentElement; e; e = e.parentElement) {
    const colour = getComputedStyle(e).backgroundColor;
    if (!/^rgba\(.*,\s*0\)$|^transparent$/.test(colour)) {
      backdrop = colour;
      break;
    }
  }
  return { name: name(element), box: { x: r.x, y: r.y, width: r.width, height: r.height }, clip, backdrop };
}

/** Runs in the page: what `element` and everything in it (shadow roots too) paint now, focused or not, to compare the two. */
function paintsOf(element: Element): Paint[] {
  const paints: Paint[] = [];
  const walk = (e: Element, path: string) => {
    const s = getComputedStyle(e);
    paints.push({
      path,
      outline: `${s.outlineStyle} ${s.outlineWidth}`,
      outlineColour: s.outlineColor,
      border: `${s.borderTopStyle} ${s.borderTopWidth}`,
      borderColour: s.borderTopColor,
      boxShadow: s.boxShadow,
      stroke: s.stroke,
      strokeWidth: s.strokeWidth,
    });
    [...e.children].forEach((child, i) => walk(child, `${path}/${i}`));
    if (e.shadowRoot) [...e.shadowRoot.children].forEach((child, i) => walk(child, `${path}#${i}`));
  };
  walk(element, '');
  return paints;
}

const colourOf = (text: string): Rgba | undefined => {
  try {
    const colour = parseColour(text);
    return colour.a > 0 ? colour : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The focus indicators: what the control paints focused and not unfocused (an outline, a border
 * colour, a box shadow, a stroke), each with its contrast against the backdrop.
 */
function focusIndicators(focused: Paint[], unfocused: Paint[], backdrop: string): Array<{ what: string; colour: string; ratio: number }> {
  const before = new Map(unfocused.map((paint) => [paint.path, paint]));
  const background = over(parseColour(backdrop), { r: 255, g: 255, b: 255, a: 1 });
  const found: Array<{ what: string; colour: string; ratio: number }> = [];
  const add = (what: string, colourText: string) => {
    const colour = colourOf(colourText);
    if (colour) found.push({ what, colour: colourText, ratio: contrastRatio(over(colour, background), background) });
  };
  for (const paint of focused) {
    const was = before.get(paint.path);
    if (!was) continue;
    const outlineShown = !paint.outline.startsWith('none') && parseFloat(paint.outline.split(' ')[1]) >= 1;
    if (outlineShown && (paint.outline !== was.outline || paint.outlineColour !== was.outlineColour)) add(`${paint.path} outline`, paint.outlineColour);
    const borderShown = !paint.border.startsWith('none') && parseFloat(paint.border.split(' ')[1]) >= 1;
    if (borderShown && paint.borderColour !== was.borderColour) add(`${paint.path} border`, paint.borderColour);
    if (paint.boxShadow !== 'none' && paint.boxShadow !== was.boxShadow) {
      for (const colour of paint.boxShadow.match(/rgba?\([^)]*\)/g) ?? []) add(`${paint.path} box-shadow`, colour);
    }
    if (paint.stroke !== 'none' && parseFloat(paint.strokeWidth) >= 1 && (paint.stroke !== was.stroke || paint.strokeWidth !== was.strokeWidth)) {
      add(`${paint.path} stroke`, paint.stroke);
    }
  }
  return found;
}

interface Round {
  /** The controls in the order Tab reached them. */
  order: string[];
  /** Problems found on the way: off screen, no visible indicator, focus stuck. */
  problems: string[];
  /** Interactive controls of the page that Tab never reached. */
  missed: string[];
}

interface ReachWindow {
  __reached: Element[];
}

/**
 * Presses Tab from the top of the page until focus comes back to the first control, checking each
 * stop: on screen, with a visible focus indicator. Then compares what was reached with the page's
 * interactive controls (visible, enabled, in the tab order).
 */
async function tabRound(page: Page, width: number, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<Round> {
  // A click on the page's top-left corner (the toolbar's padding: nothing there acts on a click)
  // moves the point Tab starts from to the top of the page; a blur alone would leave it where focus was.
  await page.mouse.click(1, 1);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    (window as unknown as ReachWindow).__reached = [];
  });
  const order: string[] = [];
  const problems: string[] = [];
  let first: JSHandle | undefined;
  let previous: { handle: JSHandle; stop: FocusStop; paints: Paint[] } | undefined;
  let leftPage = 0;
  const viewport = { x: 0, y: 0, width, height: HEIGHT };
  for (let presses = 0; presses < MAX_PRESSES; presses++) {
    await page.keyboard.press(key);
    const handle = await page.evaluateHandle(() => document.activeElement);
    if (previous) {
      const unfocused = await previous.handle.evaluate(paintsOf as (e: unknown) => Paint[]);
      const indicators = focusIndicators(previous.paints, unfocused, previous.stop.backdrop);
      if (!indicators.some((indicator) => indicator.ratio >= INDICATOR_CONTRAST)) {
        problems.push(`${previous.stop.name}: no focus indicator at ${INDICATOR_CONTRAST}:1 on ${previous.stop.backdrop} (${JSON.stringify(indicators)})`);
      }
      if (await page.evaluate(([a, b]) => a === b, [handle, previous.handle] as const)) problems.push(`${previous.stop.name}: ${key} did not move focus`);
      previous = undefined;
    }
    const stop = await page.evaluate(describeFocus);
    if (!stop) {
      // Past the last control focus leaves the page (to the browser), once a round (Shift+Tab from the top also once before).
      if (first && ++leftPage > 1) problems.push('focus left the page twice in one round');
      continue;
    }
    if (first && (await page.evaluate(([a, b]) => a === b, [handle, first] as const))) break;
    first ??= handle;
    if (await page.evaluate((e) => (window as unknown as ReachWindow).__reached.includes(e as Element), handle)) {
      problems.push(`${stop.name} reached twice in one round (focus loops short of the page's end)`);
      break;
    }
    await page.evaluate((e) => (window as unknown as ReachWindow).__reached.push(e as Element), handle);
    order.push(stop.name);
    if (!within(stop.box, viewport) || !within(stop.box, stop.clip)) {
      problems.push(`${stop.name} is not on screen when focused: ${JSON.stringify(stop.box)} (visible ${JSON.stringify(stop.clip)})`);
    }
    previous = { handle, stop, paints: await handle.evaluate(paintsOf as (e: unknown) => Paint[]) };
    if (presses === MAX_PRESSES - 1) problems.push(`${key} never came back to ${order[0]}: trapped after ${order.length} stops`);
  }
  const missed = await page.evaluate((selector) => {
    const reached = (window as unknown as ReachWindow).__reached;
    const inTabOrder = (e: Element) => {
      const h = e as HTMLElement & { disabled?: boolean };
      if (h.disabled || h.hasAttribute('hidden') || h.closest('[hidden]')) return false;
      if (!h.checkVisibility({ visibilityProperty: true })) return false;
      return h.tabIndex >= 0;
    };
    return [...document.querySelectorAll(selector)]
      .filter(inTabOrder)
      .filter((e) => !reached.includes(e))
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${e.getAttribute('data-address') ?? e.getAttribute('data-pod') ?? ''}`);
  }, INTERACTIVE);
  return { order, problems, missed };
}

const announced = (page: Page) =>
  page.evaluate(() => document.querySelector('.announcer[role="status"][aria-live="polite"]')?.textContent?.replace(/\u00a0$/, '') ?? null);

describe('plan graph: every control by Tab, on screen, with a visible focus (VS Code-like host, the seed plan)', () => {
  const graph = fixtureGraph(SEED_PLAN);

  for (const theme of THEMES_CHECKED) {
    for (const width of WIDTHS) {
      test(`${theme.name}, ${width} × ${HEIGHT}: Tab reaches every control before and after a keyboard selection, which is announced`, async () => {
        const { page, problems } = await openGraphInHost(browser, graph, width, HEIGHT, theme);
        const plain = await tabRound(page, width);
        assert.deepEqual(plain.problems, [], `Tab round: ${plain.order.join(' → ')}`);
        assert.match(plain.order[0], /^vscode-textfield\.search /, 'Tab from the top starts at the search');
        assert.deepEqual(plain.missed, [], 'controls Tab did not reach');
        for (const expected of ['vscode-textfield.search', 'vscode-checkbox.replace-only', 'vscode-button.fit', 'vscode-checkbox.kind-filter']) {
          assert.ok(
            plain.order.some((name) => name.startsWith(expected)),
            `${expected} reached: ${plain.order.join(' → ')}`,
          );
        }
        assert.ok(plain.order.includes('module module.app["red"]'), `the module header reached: ${plain.order.join(' → ')}`);
        assert.equal(plain.order.filter((name) => name.startsWith('node ')).length, 1, 'one node (roving tabindex)');
        const back = await tabRound(page, width, 'Shift+Tab');
        assert.deepEqual(back.problems, [], `Shift+Tab round: ${back.order.join(' → ')}`);
        assert.deepEqual(back.order, [...plain.order].reverse(), 'Shift+Tab visits the same stops in reverse');

        await page.focus(byAddress(SEED_NODE));
        await page.keyboard.press('Enter');
        await page.waitForFunction((address) => document.querySelector('aside.details h2.address')?.textContent === address, SEED_NODE);
        assert.equal(await announced(page), 'Selected local_file.example: replace (create first), forced by file_permission.');

        const selected = await tabRound(page, width);
        assert.deepEqual(selected.problems, [], `Tab round with a selection: ${selected.order.join(' → ')}`);
        assert.deepEqual(selected.missed, [], 'controls Tab did not reach with a selection');
        assert.match(selected.order[0], /^vscode-textfield\.search /, 'Tab from the top starts at the search');
        assert.ok(selected.order.includes(`node ${SEED_NODE}`), 'Tab enters the graph at the selected node');
        assert.match(selected.order[selected.order.length - 1], /^vscode-button\.reveal /, 'and reaches Reveal in source last');
        assert.ok(
          selected.order.some((name) => name.startsWith('vscode-button.reveal')),
          `Reveal in source reached: ${selected.order.join(' → ')}`,
        );
        figures.push(`graph ${theme.name} ${width} px: ${plain.order.length} stops, ${selected.order.length} with a selection: ${selected.order.join(' → ')}`);

        await page.focus(byAddress(SEED_NODE));
        await page.keyboard.press('Escape');
        await page.waitForSelector('aside.details p.hint');
        assert.equal(await announced(page), 'Selection cleared.');
        assertNoProblems(problems);
        await page.close();
      });
    }
  }

  for (const scheme of ['dark', 'light'] as const) {
    test(`the CLI's HTML (no VS Code theme, ${scheme} colour scheme), 360 and 1600 px: Tab reaches every control with a visible focus`, async () => {
      for (const width of [360, 1600]) {
        const { page, problems } = await openGraphCliHtml(browser, graph, width, HEIGHT);
        await page.emulateMedia({ colorScheme: scheme });
        const round = await tabRound(page, width);
        assert.deepEqual(round.problems, [], `Tab round: ${round.order.join(' → ')}`);
        assert.deepEqual(round.missed, [], 'controls Tab did not reach');
        assert.ok(round.order.some((name) => name.startsWith('node ')));
        figures.push(`graph CLI HTML ${scheme} ${width} px: ${round.order.length} stops`);
        assertNoProblems(problems);
        await page.close();
      }
    });
  }

  test('360 px, the view dragged away from every node: Tab brings the node and the module header it focuses into view', async () => {
    const { page, problems } = await openGraphInHost(browser, graph, 360, HEIGHT, DARK_MODERN);
    const pane = (await page.$eval('.graph', (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    })) as Box;
    const y = pane.y + pane.height / 2;
    // Dragged left five times the pane's width: the fitted picture is far off its left edge.
    for (let drag = 0; drag < 5; drag++) {
      await page.mouse.move(pane.x + pane.width - 10, y);
      await page.mouse.down();
      await page.mouse.move(pane.x + 10, y, { steps: 4 });
      await page.mouse.up();
    }
    const onScreen = await page.$$eval(
      'svg g.leaf rect.body, svg g.module-group g.header',
      (elements, clip) =>
        elements.filter((e) => {
          const r = e.getBoundingClientRect();
          return r.right > clip.x && r.x < clip.x + clip.width;
        }).length,
      pane,
    );
    assert.equal(onScreen, 0, 'no node or header is left in the pane');
    const round = await tabRound(page, 360);
    assert.deepEqual(round.problems, [], `Tab round: ${round.order.join(' → ')}`);
    assert.deepEqual(round.missed, [], 'controls Tab did not reach');
    assert.ok(round.order.some((name) => name.startsWith('node ')));
    assertNoProblems(problems);
    await page.close();
  });

  test('a module header by keyboard: collapsing and expanding are announced and focus stays on the module', async () => {
    const { page, problems } = await openGraphInHost(browser, graph, 900, HEIGHT, DARK_MODERN);
    await page.focus('g.module-group[data-module="module.app[\\"red\\"]"] g.header');
    await page.keyboard.press('Enter');
    await page.waitForSelector('g.module-box[data-module="module.app[\\"red\\"]"]');
    assert.equal(await announced(page), 'Collapsed module.app["red"].');
    await page.waitForFunction(() => document.activeElement?.matches('g.module-box[data-module="module.app[\\"red\\"]"]'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('g.module-group[data-module="module.app[\\"red\\"]"]');
    assert.equal(await announced(page), 'Expanded module.app["red"].');
    await page.waitForFunction(() => document.activeElement?.matches('g.module-group[data-module="module.app[\\"red\\"]"] g.header'));
    assertNoProblems(problems);
    await page.close();
  });

  test('a selection is announced once: not again after a resize from 1600 to 360 px', async () => {
    const { page, problems } = await openGraphInHost(browser, graph, 1600, HEIGHT, DARK_MODERN);
    assert.equal(await announced(page), '', 'nothing is announced when the page opens');
    await page.focus(byAddress(SEED_NODE));
    await page.keyboard.press('Enter');
    await page.waitForFunction((address) => document.querySelector('aside.details h2.address')?.textContent === address, SEED_NODE);
    const raw = () => page.evaluate(() => document.querySelector('.announcer')?.textContent ?? null);
    const said = await raw();
    await page.setViewportSize({ width: 360, height: HEIGHT });
    await page.waitForFunction(() => document.querySelector('.graph')!.getBoundingClientRect().width === window.innerWidth);
    assert.equal(await page.getAttribute(byAddress(SEED_NODE), 'aria-pressed'), 'true');
    assert.equal(await raw(), said, 'the region is untouched by the resize');
    assert.equal(await page.getAttribute('aside.details', 'aria-live'), null, 'the details pane is not live');
    assertNoProblems(problems);
    await page.close();
  });
});

describe('rollout timeline: every control by Tab, on screen, with a visible focus (VS Code-like host, the seed Deployment)', () => {
  const timeline = seedTimeline();
  const count = timeline.syncs.length;

  for (const theme of THEMES_CHECKED) {
    for (const width of WIDTHS) {
      test(`${theme.name}, ${width} × ${HEIGHT}: Tab reaches the stepper and the six lanes; a lane and a step are announced`, async () => {
        const { page, problems } = await openTimelineInHost(browser, timeline, width, HEIGHT, theme);
        const first = await tabRound(page, width);
        assert.deepEqual(first.problems, [], `Tab round: ${first.order.join(' → ')}`);
        assert.match(first.order[0], /^vscode-button\.step-next /, 'Tab from the top starts at Next (First and Previous are disabled)');
        assert.deepEqual(first.missed, [], 'controls Tab did not reach');
        assert.equal(first.order.filter((name) => name.startsWith('lane ')).length, 6, `the six lanes: ${first.order.join(' → ')}`);
        assert.ok(first.order.some((name) => name.startsWith('vscode-button.step-next')));
        assert.ok(!first.order.some((name) => name.startsWith('vscode-button.step-previous')), 'Previous is disabled at the first sync');
        const back = await tabRound(page, width, 'Shift+Tab');
        assert.deepEqual(back.problems, [], `Shift+Tab round: ${back.order.join(' → ')}`);
        assert.deepEqual(back.order, [...first.order].reverse(), 'Shift+Tab visits the same stops in reverse');

        const lane = timeline.lanes[3];
        await page.focus(`[data-pod="${lane.podName}"]`);
        const laneSaid = (await announced(page)) ?? '';
        // The lane's label (read on focus) has its phases; the announcement adds its state at the shown sync.
        assert.ok(laneSaid.startsWith(`Pod ${lane.podName} at sync 1 (0 s): `), laneSaid);
        assert.match(laneSaid, /: [a-z ]+\.$/);
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync 2 of ${count}`);
        const syncSaid = (await announced(page)) ?? '';
        assert.ok(syncSaid.startsWith(`Sync 2 of ${count} at `), syncSaid);
        assert.ok(syncSaid.includes(timeline.syncs[1].step), `the step's name: ${syncSaid}`);

        const second = await tabRound(page, width);
        assert.deepEqual(second.problems, [], `Tab round at sync 2: ${second.order.join(' → ')}`);
        assert.match(second.order[0], /^vscode-button\.step-first /, 'Tab from the top starts at First');
        assert.deepEqual(second.missed, [], 'controls Tab did not reach at sync 2');
        for (const step of ['first', 'previous', 'next', 'last'])
          assert.ok(
            second.order.some((name) => name.startsWith(`vscode-button.step-${step}`)),
            step,
          );
        figures.push(`timeline ${theme.name} ${width} px: ${first.order.length} stops at sync 1, ${second.order.length} at sync 2: ${second.order.join(' → ')}`);
        assert.equal(await page.getAttribute('.sync-details', 'aria-live'), null, 'the sync details are not live');
        assertNoProblems(problems);
        await page.close();
      });
    }
  }

  test('a lane and a sync are announced once: not again after a resize from 1600 to 600 px, nor when the page opens', async () => {
    const { page, problems } = await openTimelineInHost(browser, timeline, 1600, HEIGHT, DARK_MODERN);
    assert.equal(await announced(page), '', 'nothing is announced when the page opens');
    await page.focus(`[data-pod="${timeline.lanes[0].podName}"]`);
    await page.keyboard.press('End');
    await page.waitForFunction((text) => document.querySelector('.sync-status')?.textContent?.startsWith(text), `Sync ${count} of ${count}`);
    const raw = () => page.evaluate(() => document.querySelector('.announcer')?.textContent ?? null);
    const said = await raw();
    assert.ok(said?.startsWith(`Sync ${count} of ${count} at `), said ?? '');
    await page.setViewportSize({ width: 600, height: HEIGHT });
    await page.waitForFunction((w) => Number(document.querySelector('svg.timeline-canvas')!.getAttribute('width')) <= w, 600);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-pod')), timeline.lanes[0].podName, 'the lane keeps focus');
    assert.equal(await raw(), said, 'the region is untouched by the resize');
    assertNoProblems(problems);
    await page.close();
  });
});
