import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli as run } from '../support/cli';
import { GRAPH_FEATURES_PLAN, largePlan } from '../support/largePlans';
import { assertOnlyCommentMarkup, elements, htmlText, listItems, renderMarkdown } from '../support/markdownHtml';
import { cleanupTempDirs, gitModule, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

const seed = (permission: string) =>
  `resource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = "${permission}"\n}\n`;
const deployment = (app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${app}}\n  template:\n    metadata:\n      labels: {app: ${app}}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n`;

describe('immutable-infra plan-summary --format markdown', () => {
  test('the real plan: the summary line, local_file.example replaced because of file_permission, destroys, the rest collapsed', async () => {
    const r = await run(['plan-summary', GRAPH_FEATURES_PLAN, '--format', 'markdown']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.split('\n')[0], '**Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.**');
    const html = await renderMarkdown(r.stdout);
    assertOnlyCommentMarkup(html);
    assert.deepEqual(elements(html, 'h4'), ['Replacements (6)', 'Destroys (3)']);
    const items = listItems(html);
    assert.equal(items[0], '+/- local_file.example (create the replacement, then destroy)\nforced by file_permission: "0777" → "0700"');
    assert.ok(items.includes('- null_resource.gone — null_resource.gone is not in the configuration'));
    assert.deepEqual(elements(html, 'summary').map(htmlText), ['Other changes (9): 5 to create, 1 to read, 1 to import, 1 to move, 1 to forget']);
  });

  test('a 10,000-change plan: within 65,536 characters, replacements first, and the note says what was left out', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(largePlan({ replace: 5_000, destroy: 2_500, create: 2_500 })));
    const r = await run(['plan-summary', 'plan.json', '--format', 'markdown'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length <= 65_536, `${r.stdout.length} characters`);
    const items = listItems(await renderMarkdown(r.stdout));
    assert.ok(items.length > 100 && items.every((item) => /^(\+\/-|-\/\+) /.test(item)), `${items.length} items, replacements only`);
    const total = 5_006 + 2_503 + 2_509;
    assert.match(
      r.stdout,
      new RegExp(
        `\\n> \\*\\*${total - items.length} of ${total} changes are not listed\\*\\* \\(${5_006 - items.length} replacements, 2503 destroys, 2509 other changes\\): ` +
          'the whole list would not fit in one comment \\(at most 65,536 characters\\)\\. See every change with <code>immutable-infra graph plan\\.json -o plan\\.html</code>',
      ),
    );
  });

  test('a file that is not a plan: exit 2 with the same message as the other formats', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'broken.json'), '{"format_version": "1.2", "resource_changes": [');
    const r = await run(['plan-summary', 'broken.json', '--format', 'markdown'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^immutable-infra: broken\.json: The plan is not valid JSON \(.*\)\.\n$/);
    const text = await run(['plan-summary', 'broken.json'], dir);
    assert.equal(r.stderr, text.stderr);
  });

  test('a --format it does not know: exit 2 and the formats it knows', async () => {
    const r = await run(['plan-summary', GRAPH_FEATURES_PLAN, '--format', 'html']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'immutable-infra: --format must be text, json or markdown (got "html").\n');
  });
});

describe('immutable-infra check --format markdown', () => {
  test('Terraform and Kubernetes findings in one table, errors first, with the summary line', async () => {
    const dir = gitModule({ 'tf/main.tf': seed('0777'), 'k8s/web.yaml': deployment('web') }, { 'tf/main.tf': seed('0700'), 'k8s/web.yaml': deployment('web2') });
    writeFiles(dir, {
      'tf/terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [
          {
            mode: 'managed',
            type: 'local_file',
            name: 'example',
            provider: '',
            instances: [{ attributes: { content: 'This is a test file.', filename: './test.txt', file_permission: '0777' } }],
          },
        ],
      }),
    });
    const text = await run(['check'], dir);
    const r = await run(['check', '--format', 'markdown'], dir);
    assert.equal(r.code, text.code);
    assert.equal(r.code, 1, r.stderr);
    // The summary line is the text output's, in bold.
    const summary = text.stdout.split('\n').find((line) => /^\d+ findings?: /.test(line))!;
    assert.equal(r.stdout.split('\n')[0], `**${summary}**`);
    const html = await renderMarkdown(r.stdout);
    assertOnlyCommentMarkup(html);
    const rows = elements(elements(html, 'tbody')[0], 'tr').map((row) => elements(row, 'td').map(htmlText));
    assert.equal(rows.length, text.stdout.split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line)).length);
    const severities = rows.map((row) => row[0]);
    assert.deepEqual(
      severities,
      [...severities].sort((a, b) => Number(b.includes('error')) - Number(a.includes('error'))),
    );
    assert.equal(severities[0], '❌ error');
    assert.ok(rows.some(([, code, location]) => code.startsWith('kubernetes/') && location.startsWith(`k8s${path.sep}web.yaml:`)));
    assert.ok(
      rows.some(
        ([severity, code, location, message]) =>
          severity === '⚠️ warning' &&
          code === 'terraform/forces-replacement' &&
          location === `tf${path.sep}main.tf:4` &&
          message.startsWith('Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`'),
      ),
      JSON.stringify(rows),
    );
  });

  test('a --format it does not know: exit 2 and the formats it knows', async () => {
    const r = await run(['check', '--format', 'html'], tempDir());
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'immutable-infra: --format must be text, json, sarif or markdown (got "html").\n');
  });
});
