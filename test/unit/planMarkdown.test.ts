import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MAX_COMMENT_LENGTH } from '../../cli/src/commentBudget';
import { MAX_CASCADE_LINES, planMarkdown } from '../../cli/src/planMarkdown';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { graphFeaturesPlan, HOSTILE_KEY, hostilePlan, largePlan } from '../support/largePlans';
import { assertOnlyCommentMarkup, elements, listItems, renderMarkdown } from '../support/markdownHtml';
import { graphNode, planGraph } from '../support/planGraphFixtures';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const fixture = (name: string) => buildPlanGraph(JSON.parse(readFileSync(path.join(PLANS, name), 'utf8')));

describe('plan-summary markdown: a real plan', () => {
  test('the summary line first, then replacements, destroys, and the rest collapsed', async () => {
    const markdown = planMarkdown(fixture('opentofu-real/graph-features/plan.json'), { planFile: 'plan.json' });
    assert.equal(markdown.split('\n')[0], '**Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.**');
    const replacements = markdown.indexOf('#### Replacements (6)');
    const destroys = markdown.indexOf('#### Destroys (3)');
    const rest = markdown.indexOf('<details><summary>Other changes (9): 5 to create, 1 to read, 1 to import, 1 to move, 1 to forget</summary>');
    assert.ok(replacements > 0 && destroys > replacements && rest > destroys, markdown);
    assert.ok(markdown.endsWith('\n</details>\n'));
    assert.doesNotMatch(markdown, /are not listed/);

    const html = await renderMarkdown(markdown);
    const items = listItems(html);
    assert.deepEqual(items.slice(0, 2), [
      '+/- local_file.example (create the replacement, then destroy)\nforced by file_permission: "0777" → "0700"',
      '-/+ null_resource.after_app (destroy, then create the replacement)\nReplacement was requested (-replace)',
    ]);
    assert.ok(items.includes('- null_resource.gone — null_resource.gone is not in the configuration'), items.join('\n'));
    assert.ok(items.includes('→ random_id.new_name — moved from random_id.old_name'));
    assert.ok(items.includes('⇐ random_id.imported — imported from p-9hUg'));
    // One item per listed change: 6 + 3 + 9; unchanged instances (no-ops) are not listed.
    assert.equal(items.length, 18);
    assert.ok(!items.some((item) => item.includes('module.app["blue"]')));
    assert.equal(elements(html, 'summary').length, 1);
  });

  test('a replacement that starts a cascade comes first, with the replacements it forces as a tree', async () => {
    const markdown = planMarkdown(fixture('opentofu-real/replacement-cause/plan.json'), { planFile: 'plan.json' });
    const html = await renderMarkdown(markdown);
    const [first] = listItems(html);
    assert.match(first, /^\+\/- local_file\.a \(create the replacement, then destroy\)\nforced by file_permission: "0777" → "0700"\nreplacing it replaces 10 more:/);
    // module.mid.null_resource.b → module.leaf["p"].random_id.d → null_resource.from_p, each nested in the one before.
    assert.match(
      html,
      /<code>module\.mid\.null_resource\.b<\/code><ul>\n<li><code>random_id\.c<\/code><\/li>\n<li><code>module\.leaf\["p"\]\.random_id\.d<\/code><ul>\n<li><code>null_resource\.from_p<\/code><\/li>/,
    );
    const items = listItems(html);
    assert.ok(
      items.includes(
        '+/- module.mid.null_resource.b (create the replacement, then destroy)\nforced by triggers: { upstream = "434216db5cc876c608773232063dfd493744be32" } → (known after apply)\nreplaced in turn, because local_file.a is replaced (triggers reads its id through var.upstream_id)',
      ),
      items.join('\n\n'),
    );
    assert.ok(items.some((item) => item.endsWith('replaced in turn, because 2 instances of null_resource.each are replaced (keepers reads it)')));
    assert.ok(items.some((item) => item.includes('triggers reads local.a_id: the plan does not say what it refers to')));
    assert.equal(items.length, 13);
  });

  test('an errored plan with changes says that the list is partial', () => {
    const plan = graphFeaturesPlan();
    plan.errored = true;
    const markdown = planMarkdown(buildPlanGraph(plan), { planFile: 'plan.json' });
    assert.ok(
      markdown.startsWith(
        '**Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.**\n\nThe plan errored: the changes below are only those it got to.\n\n#### Replacements (6)\n',
      ),
      markdown,
    );
  });

  test('a plan without changes is its summary line alone', () => {
    assert.equal(planMarkdown(fixture('opentofu-show-json/basic-update/output.json'), { planFile: 'plan.json' }), '**No changes.**\n');
  });

  test('a long cascade lists its first dependents and counts the rest', async () => {
    const root = graphNode('local_file.a', 'replace-delete-first', { replacePaths: ['file_permission'] });
    const dependents = Array.from({ length: MAX_CASCADE_LINES + 10 }, (_, i) =>
      graphNode(`null_resource.d${i}`, 'replace-delete-first', {
        replacePaths: ['triggers'],
        replacedBecause: [{ address: 'local_file.a', dependentAttribute: 'triggers', attribute: 'id' }],
      }),
    );
    const html = await renderMarkdown(planMarkdown(planGraph([root, ...dependents]), { planFile: 'plan.json' }));
    const [first] = listItems(html);
    const expected = ['-/+ local_file.a (destroy, then create the replacement)', 'forced by file_permission', 'replacing it replaces 30 more:'];
    for (let i = 0; i < MAX_CASCADE_LINES; i++) expected.push(`null_resource.d${i}`);
    assert.equal(first, [...expected, '… and 10 more'].join('\n'));
  });
});

describe('plan-summary markdown: hostile names', () => {
  test('an address and a value full of Markdown and HTML render as exactly themselves, in their own item', async () => {
    const markdown = planMarkdown(buildPlanGraph(hostilePlan()), { planFile: 'plan.json' });
    const html = await renderMarkdown(markdown);
    assertOnlyCommentMarkup(html);
    const items = listItems(html);
    // The raw line breaks of the key would have started a heading and a table: they are <br>s inside the item.
    const shownKey = HOSTILE_KEY.replace(/\r\n/g, '\n');
    assert.ok(
      items.includes(`+/- local_file.example["${shownKey}"] (create the replacement, then destroy)\nforced by file_permission: "0777" → "<img src=x onerror=alert(1)>|"`),
      items.join('\n\n'),
    );
    assert.ok(items.includes(`- null_resource.gone["${shownKey}"] — null_resource.gone is not in the configuration`), items.join('\n\n'));
    assert.equal(items.length, 18);
    assert.equal(elements(html, 'details').length, 1);
    assert.equal(elements(html, 'table').length, 0);
    assert.equal(elements(html, 'h4').length, 2);
  });
});

describe('plan-summary markdown: the size of a comment', () => {
  test('a 10,000-change plan: at most 65,536 characters, replacements first, and a note with the counts left out', async () => {
    const graph = buildPlanGraph(largePlan({ replace: 4_000, destroy: 3_000, create: 3_000 }));
    const markdown = planMarkdown(graph, { planFile: 'big plan.json' });
    assert.ok(markdown.length <= MAX_COMMENT_LENGTH, `${markdown.length} characters`);
    assert.ok(markdown.length > MAX_COMMENT_LENGTH - 2_000, `the room is used: ${markdown.length} characters`);
    assert.equal(markdown.split('\n')[0], '**Plan: 1 to import, 7011 to add, 0 to change, 7009 to destroy, 1 to forget.**');

    const html = await renderMarkdown(markdown);
    const items = listItems(html);
    // 4,006 replacements (the plan's own 6 and the copies), 3,003 destroys, 3,009 other changes.
    const total = 4_006 + 3_003 + 3_009;
    const listed = items.length;
    assert.ok(listed > 100, `${listed} listed`);
    assert.ok(
      items.every((item) => /^(\+\/-|-\/\+) /.test(item)),
      'only replacements fit',
    );
    assert.match(markdown, /#### Replacements \(4006\)/);
    assert.doesNotMatch(markdown, /#### Destroys|<details>/);
    const note = `> **${total - listed} of ${total} changes are not listed** (${4_006 - listed} replacements, 3003 destroys, 3009 other changes): the whole list would not fit in one comment (at most 65,536 characters). See every change with <code>immutable-infra graph big plan.json -o plan.html</code>, or with <code>terraform show</code> (<code>tofu show</code>) of the saved plan.\n`;
    assert.ok(markdown.endsWith(note), markdown.slice(-600));
    assert.ok(items[0].startsWith('+/- local_file.example (create the replacement, then destroy)'));
  });

  test('cut inside the collapsed block: the block is closed, then the note', async () => {
    const graph = fixture('opentofu-real/graph-features/plan.json');
    const whole = planMarkdown(graph, { planFile: 'plan.json' });
    // Short of the whole by less than the note takes: the last few of the other changes give way to it.
    const limit = whole.length - 200;
    const markdown = planMarkdown(graph, { planFile: 'plan.json', limit });
    assert.ok(markdown.length <= limit, `${markdown.length} > ${limit}`);
    const items = listItems(await renderMarkdown(markdown));
    const left = 18 - items.length;
    assert.ok(left > 0 && left < 9, `${items.length} listed`);
    assert.match(
      markdown,
      new RegExp(
        `\\n</details>\\n\\n> \\*\\*${left} of 18 changes are not listed\\*\\* \\(${left} other changes?\\): .*at most ${limit.toLocaleString('en-US')} characters`,
      ),
    );
  });
});
