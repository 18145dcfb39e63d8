// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The details pane names the upstream replacement that forces a replacement, in a real Chromium:
 * the CLI's HTML on the cascade the real OpenTofu planned
 * (test/fixtures/plans/opentofu-real/replacement-cause), walked up with the pane's "Select"
 * buttons, and hostile strings in a cause, which stay text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { graphNode, planGraph } from '../support/planGraphFixtures';
import { byAddress, fixtureGraph, GraphBrowser, type PageProblems } from './graphPageSupport';

const browser = new GraphBrowser();
before(() => browser.start());
after(() => browser.stop());

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.console, [], 'console errors and warnings');
}

async function selectedAddress(page: Page): Promise<string> {
  return (await page.textContent('aside.details h2.address')) ?? '';
}

async function causeTexts(page: Page): Promise<string[]> {
  return page.$$eval('aside.details ul.replaced-because li', (items) => items.map((item) => item.querySelector('.cause-text')?.textContent ?? item.textContent ?? ''));
}

describe('plan graph: why a replacement follows from another', () => {
  test('the cascade random_id.c ← module.mid.null_resource.b ← local_file.a, walked up with "Select"', async () => {
    const { page, problems } = await browser.openCliHtml(fixtureGraph('opentofu-real/replacement-cause/plan.json'));
    await page.click(byAddress('random_id.c'));
    await page.waitForSelector('aside.details ul.replaced-because');
    assert.deepEqual(await causeTexts(page), [
      'Replaced because `module.mid.null_resource.b` is replaced: `keepers` reads its `id` through `module.mid.b_id`, known only after apply.',
    ]);
    assert.equal(await page.getAttribute('aside.details li.cause', 'data-cause'), 'module.mid.null_resource.b');

    await page.click('aside.details li.cause button.select-cause');
    await page.waitForFunction(() => document.querySelector('aside.details h2.address')?.textContent === 'module.mid.null_resource.b');
    assert.deepEqual(await causeTexts(page), [
      'Replaced because `local_file.a` is replaced: `triggers` reads its `id` through `var.upstream_id`, known only after apply.',
    ]);

    await page.click('aside.details li.cause button.select-cause');
    await page.waitForFunction(() => document.querySelector('aside.details h2.address')?.textContent === 'local_file.a');
    // The start of the cascade: forced by its own edit, no reference to name.
    assert.equal(await page.$('aside.details ul.replaced-because'), null);
    assert.equal(await page.textContent('aside.details .forced-by'), 'file_permission');
    assertNoProblems(problems);
    await page.close();
  });

  test('several instances, one instance, a local, and a counter-case', async () => {
    const { page, problems } = await browser.openCliHtml(fixtureGraph('opentofu-real/replacement-cause/plan.json'));
    const detailsOf = async (address: string) => {
      await page.click(byAddress(address));
      await page.waitForFunction((a) => document.querySelector('aside.details h2.address')?.textContent === a, address);
      return causeTexts(page);
    };
    assert.deepEqual(await detailsOf('random_id.all'), [
      'Replaced because `null_resource.each` is replaced (`null_resource.each["x"]` and `null_resource.each["y"]`): `keepers` reads it, known only after apply.',
    ]);
    assert.deepEqual(await detailsOf('random_id.from_x'), ['Replaced because `null_resource.each["x"]` is replaced: `keepers` reads its `id`, known only after apply.']);
    assert.deepEqual(await detailsOf('null_resource.through_local'), [
      '`triggers` is known only after apply and reads `local.a_id`: the plan does not describe locals, so the replacement behind it cannot be named.',
    ]);
    assert.equal(await page.$('aside.details li.local-not-followed button'), null);
    // Replaced by its own edit; it reads only the filename, which the replacement keeps.
    assert.deepEqual(await detailsOf('null_resource.own_change'), []);
    assert.equal(await selectedAddress(page), 'null_resource.own_change');
    assertNoProblems(problems);
    await page.close();
  });

  test('hostile strings in a cause are text, and a cause naming no node in the graph has no "Select"', async () => {
    const IMG = '<img src=x onerror="window.__pwned=\'img\'">';
    const dependent = graphNode('null_resource.dependent', 'replace-delete-first', {
      replacePaths: ['triggers'],
      replacedBecause: [
        {
          address: `null_resource.up["${IMG}"]`,
          dependentAttribute: `triggers${IMG}`,
          attribute: IMG,
          through: [`var.${IMG}`, '</script><script>window.__pwned="end"</script>'],
        },
      ],
      localsNotFollowed: [{ dependentAttribute: 'triggers', local: `local.${IMG}` }],
    });
    const { page, problems } = await browser.openCliHtml(planGraph([dependent, graphNode('null_resource.other', 'create')]));
    await page.click(byAddress('null_resource.dependent'));
    await page.waitForSelector('aside.details ul.replaced-because');
    const [cause, local] = await causeTexts(page);
    assert.equal(
      cause,
      `Replaced because \`null_resource.up["${IMG}"]\` is replaced: \`triggers${IMG}\` reads its \`${IMG}\` through \`var.${IMG}\` and \`</script><script>window.__pwned="end"</script>\`, known only after apply.`,
    );
    assert.match(local, /reads `local\.<img src=x/);
    assert.equal(await page.$$eval('aside.details img, aside.details script', (elements) => elements.length), 0);
    assert.equal(await page.$('aside.details button.select-cause'), null);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no payload ran');
    assertNoProblems(problems);
    await page.close();
  });
});
