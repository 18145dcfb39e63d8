// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A hostile plan in the CLI's HTML: markup, script end tags, comment openers, megabyte strings
 * and a 10,000-deep module path in addresses, values and reasons. All of it must render as text,
 * the page must reach `data-state="ready"`, and no script from the plan may run — checked by the
 * payloads themselves (they would set a flag), by the console and page errors, and by CSP
 * violation reports (an inline handler that the parser created would be blocked and reported).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PlanGraph } from '../../common/src/planGraph';
import { renderGraphHtml } from '../../core/src/plan/graphHtml';
import { parsePlanGraph } from '../../core/src/plan/planGraph';
import { graphNode, planGraph } from '../support/planGraphFixtures';
import { byAddress, drawnResources, GraphBrowser, waitForState, webviewBundle } from './graphPageSupport';

const IMG = '<img src=x onerror="window.__pwned=\'img\'">';
const SCRIPT_END = '</script><script>window.__pwned="script-end"</script>';
const COMMENT = '<!-- <script>window.__pwned="comment"</script>';
const SVG = '<svg onload="window.__pwned=\'svg\'"></svg>';
const LINE_SEPARATORS = '\u2028\u2029';
const MEGABYTE = `${'A'.repeat(1 << 20)}${IMG}`;
const DEEP_MODULE = Array.from({ length: 10_000 }, (_, i) => `module.m${i}`).join('.');

function hostileGraph(): PlanGraph {
  const nodes = [
    graphNode(`null_resource.x["${IMG}"]`, 'replace-delete-first', {
      replacePaths: [`triggers["${SCRIPT_END}"]`],
      reason: `${COMMENT} forces replacement ${SVG}`,
      actionReason: IMG,
      changes: [
        {
          path: `triggers["${SCRIPT_END}"]`,
          before: { kind: 'known', text: IMG },
          after: { kind: 'known', text: SCRIPT_END + LINE_SEPARATORS },
          forcesReplacement: true,
        },
        { path: 'content', before: { kind: 'known', text: MEGABYTE }, after: { kind: 'unknown' }, forcesReplacement: false },
      ],
      drift: [{ path: COMMENT, before: { kind: 'known', text: SVG }, after: { kind: 'sensitive' }, forcesReplacement: false }],
      providerName: SCRIPT_END,
    }),
    graphNode(`null_resource.long_${'y'.repeat(1 << 20)}`, 'create'),
    graphNode(`${DEEP_MODULE}.null_resource.deep`, 'update', { reason: IMG }),
    graphNode(`null_resource.comment["${COMMENT}"]`, 'delete', { previousAddress: SCRIPT_END, importId: IMG }),
  ];
  const graph = planGraph(nodes, [{ from: nodes[0].id, to: nodes[2].id }], `Plan: ${IMG} ${SCRIPT_END}`);
  // A producer need not list every module; the page derives the chain from the address.
  graph.modules = [{ address: '', nodeCount: 3 }];
  return graph;
}

const browser = new GraphBrowser();
before(() => browser.start());
after(() => browser.stop());

describe('plan graph: a hostile plan', () => {
  test('renders every string as text, reaches ready, and runs no script from the plan', async () => {
    const graph = hostileGraph();
    const html = renderGraphHtml(graph, webviewBundle());
    // The embedded JSON cannot end its element or open a comment.
    const data = html.slice(html.indexOf('id="plan-graph">'), html.indexOf('</script>', html.indexOf('id="plan-graph">')));
    assert.ok(!/[<>&\u2028\u2029]/.test(data.slice('id="plan-graph">'.length)), 'the JSON block holds no < > & U+2028 U+2029');
    assert.equal(html.match(/<\/script/gi)?.length, 2, 'exactly two script elements end: the data block and the bundle');

    const { page, problems } = await browser.openCliHtml(graph);
    assert.equal(await page.getAttribute('html', 'data-state'), 'ready');
    const drawn = await drawnResources(page);
    assert.deepEqual(new Set(drawn.keys()), new Set(graph.nodes.map((node) => node.address)), 'every address is drawn, in full, in data-address');
    assert.equal(await page.textContent('.summary'), graph.summary.line);

    // The markup is text: no element from the plan exists.
    assert.equal(await page.$$eval('img, iframe, object, embed', (elements) => elements.length), 0);
    assert.equal(await page.$$eval('body script', (elements) => elements.length), 2);
    assert.equal(await page.$$eval('svg svg', (elements) => elements.length), 0);
    assert.match((await page.textContent(`${byAddress(graph.nodes[0].address)} title`)) ?? '', /<img src=x onerror=/);

    // Details: every hostile field shown as text; the megabyte value cut in the pane.
    await page.click(byAddress(graph.nodes[0].address));
    await page.waitForSelector('aside.details table.diff');
    const details = (await page.textContent('aside.details')) ?? '';
    assert.ok(details.includes(IMG) && details.includes('</script><script>') && details.includes('<!--') && details.includes(SVG));
    assert.ok(details.length < 100_000, `the pane holds ${details.length} characters, not the megabyte`);
    assert.equal(await page.$$eval('aside.details img, aside.details svg, aside.details script', (elements) => elements.length), 0);

    // The 10,000-deep module is one frame holding its resource; its label is cut, its address is not.
    const deepAddress = graph.nodes[2].address;
    assert.equal(await page.getAttribute(byAddress(deepAddress), 'data-display'), 'update');
    assert.ok(((await page.textContent(`${byAddress(deepAddress)} text.label`)) ?? '').length <= 34);
    assert.equal(await page.$$eval('g.module-group', (groups) => groups.length), 1);
    await page.click(byAddress(deepAddress));
    await page.waitForFunction(() => (document.querySelector('aside.details h2.address')?.textContent ?? '').endsWith('…'));

    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no payload ran');
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.violations, []);
    assert.deepEqual(problems.console, []);
    await page.close();
  });

  test('the same strings through the CLI path (plan JSON → graph → HTML)', async () => {
    const deep = Array.from({ length: 200 }, (_, i) => `module.m${i}`).join('.');
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.0',
      resource_changes: [
        {
          address: `null_resource.a["${IMG}"]`,
          mode: 'managed',
          type: 'null_resource',
          name: 'a',
          index: IMG,
          provider_name: 'registry.terraform.io/hashicorp/null',
          change: {
            actions: ['delete', 'create'],
            before: { triggers: { k: IMG } },
            after: { triggers: { k: SCRIPT_END } },
            after_unknown: {},
            before_sensitive: {},
            after_sensitive: {},
            replace_paths: [['triggers']],
          },
          action_reason: 'replace_because_cannot_update',
        },
        {
          address: `${deep}.null_resource.b`,
          module_address: deep,
          mode: 'managed',
          type: 'null_resource',
          name: 'b',
          provider_name: 'registry.terraform.io/hashicorp/null',
          change: { actions: ['create'], before: null, after: { x: COMMENT + MEGABYTE }, after_unknown: {}, before_sensitive: false, after_sensitive: {} },
        },
      ],
    };
    const graph = parsePlanGraph(JSON.stringify(plan));
    const { page, problems } = await browser.openCliHtml(graph);
    assert.equal(await waitForState(page), 'ready');
    assert.equal((await drawnResources(page)).size, 2);
    await page.click(byAddress(`null_resource.a["${IMG}"]`));
    await page.waitForSelector('aside.details tr.forces');
    // Values are shown as HCL renders them (quotes escaped), still as text.
    assert.ok(((await page.textContent('aside.details')) ?? '').includes('</script><script>window.__pwned='));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no payload ran');
    assert.deepEqual([...problems.pageErrors, ...problems.violations, ...problems.console], []);
    await page.close();
  });
});
