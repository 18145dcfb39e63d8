import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding, FindingCode, FindingSeverity } from '../../common/src/findings';
import { MAX_COMMENT_LENGTH } from '../../cli/src/commentBudget';
import { findingsMarkdown } from '../../cli/src/findingsMarkdown';
import { markdownCode, markdownText } from '../../cli/src/markdownText';
import { HOSTILE_KEY } from '../support/largePlans';
import { assertOnlyCommentMarkup, elements, htmlText, renderMarkdown } from '../support/markdownHtml';

function finding(file: string, line: number, severity: FindingSeverity, code: FindingCode, message: string, extra: Partial<Finding> = {}): Finding {
  return { file, range: { start: { line, character: 2 }, end: { line, character: 10 } }, severity, code, message, ...extra };
}

/** The rendered table's body rows, each as its cells' text. */
async function tableRows(markdown: string): Promise<string[][]> {
  const html = await renderMarkdown(markdown);
  const [body] = elements(html, 'tbody');
  return elements(body ?? '', 'tr').map((row) => elements(row, 'td').map((cell) => htmlText(cell)));
}

describe('check markdown', () => {
  test('the summary line, the coverage line, then one row per finding, errors first', async () => {
    const findings = [
      finding('k8s/web.yaml', 14, 'warning', 'kubernetes/no-readiness-probe', 'Container `web` has no readiness probe.'),
      finding('k8s/web.yaml', 7, 'error', 'kubernetes/immutable-field', 'Changing `spec.selector` of Deployment `web` is rejected.'),
      finding('main.tf', 3, 'warning', 'terraform/forces-replacement', 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`.'),
      finding('main.tf', 9, 'error', 'terraform/forces-replacement', 'Changing `name` forces replacement of `aws_db_instance.main`.'),
      finding('main.tf', 12, 'hint', 'terraform/forces-replacement', 'A hint.'),
    ];
    const markdown = findingsMarkdown(findings, { coverage: 'Terraform: 2 resources checked for replacement.' });
    assert.ok(
      markdown.startsWith(
        '**5 findings: 2 errors, 2 warnings, 1 hint.**\n\nTerraform: 2 resources checked for replacement.\n\n| Severity | Code | Location | Message |\n| --- | --- | --- | --- |\n',
      ),
      markdown,
    );
    assert.deepEqual(await tableRows(markdown), [
      ['❌ error', 'kubernetes/immutable-field', 'k8s/web.yaml:8', 'Changing `spec.selector` of Deployment `web` is rejected.'],
      ['❌ error', 'terraform/forces-replacement', 'main.tf:10', 'Changing `name` forces replacement of `aws_db_instance.main`.'],
      ['⚠️ warning', 'kubernetes/no-readiness-probe', 'k8s/web.yaml:15', 'Container `web` has no readiness probe.'],
      ['⚠️ warning', 'terraform/forces-replacement', 'main.tf:4', 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`.'],
      ['💡 hint', 'terraform/forces-replacement', 'main.tf:13', 'A hint.'],
    ]);
  });

  test('one row for a message several instances share', async () => {
    const message = 'Changing `file_permission` forces replacement of `local_file.each`.';
    const findings = ['a', 'b', 'c'].map((key) => finding('main.tf', 3, 'warning', 'terraform/forces-replacement', message, { address: `local_file.each["${key}"]` }));
    const markdown = findingsMarkdown(findings);
    assert.match(markdown, /^\*\*1 finding: 1 warning\.\*\*\n/);
    assert.equal((await tableRows(markdown)).length, 1);
  });

  test('no findings: the line says so, and the coverage line follows', () => {
    assert.equal(
      findingsMarkdown([], { coverage: 'Terraform: 1 resource checked for replacement.' }),
      '**No findings.**\n\nTerraform: 1 resource checked for replacement.\n',
    );
    assert.equal(findingsMarkdown([]), '**No findings.**\n');
  });

  test('a hostile file name and message stay in their cells and render as exactly themselves', async () => {
    const file = `evil|name</code>.tf`;
    const findings = [finding(file, 0, 'error', 'terraform/forces-replacement', HOSTILE_KEY), finding('ok.tf', 1, 'warning', 'terraform/forces-replacement', 'After.')];
    const markdown = findingsMarkdown(findings);
    const html = await renderMarkdown(markdown);
    assertOnlyCommentMarkup(html);
    const rows = await tableRows(markdown);
    assert.deepEqual(rows, [
      ['❌ error', 'terraform/forces-replacement', `${file}:1`, HOSTILE_KEY.replace(/\r\n/g, '\n')],
      ['⚠️ warning', 'terraform/forces-replacement', 'ok.tf:2', 'After.'],
    ]);
    assert.equal(elements(html, 'table').length, 1);
    assert.doesNotMatch(html, /<h1>/);
  });

  test('too many findings for one comment: the errors first, as many rows as fit, then the note', async () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 1_500; i++) {
      findings.push(
        finding(
          `modules/m${i}/main.tf`,
          i,
          'warning',
          'terraform/forces-replacement',
          `Changing \`file_permission\` forces replacement of \`local_file.w${i}\`: Terraform will destroy and re-create it.`,
        ),
      );
      findings.push(
        finding(
          `modules/m${i}/main.tf`,
          i + 1,
          'error',
          'kubernetes/immutable-field',
          `Changing \`spec.selector\` of Deployment \`e${i}\` is rejected by the API server.`,
        ),
      );
    }
    const markdown = findingsMarkdown(findings);
    assert.ok(markdown.length <= MAX_COMMENT_LENGTH, `${markdown.length} characters`);
    assert.ok(markdown.startsWith('**3000 findings: 1500 errors, 1500 warnings.**\n'));
    const rows = await tableRows(markdown);
    assert.ok(rows.length > 100 && rows.length < 1_500, `${rows.length} rows`);
    assert.ok(rows.every((row) => row[0] === '❌ error'));
    assert.ok(
      markdown.endsWith(
        `\n> **${3_000 - rows.length} of 3000 findings are not listed**: the whole table would not fit in one comment (at most 65,536 characters). See them all with <code>immutable-infra check --format text</code> (or <code>--format sarif</code> for code scanning).\n`,
      ),
      markdown.slice(-400),
    );
  });
});

describe('Markdown text', () => {
  test('HTML metacharacters become entities, Markdown punctuation is escaped, line breaks become <br>', () => {
    assert.equal(markdownText('a|b <i>&amp; `c` *d* _e_ [f] ~g~ $h$ \\'), 'a\\|b &lt;i&gt;&amp;amp; \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\~g\\~ \\$h\\$ \\\\');
    assert.equal(markdownText('one\ntwo\r\nthree\rfour'), 'one<br>two<br>three<br>four');
    assert.equal(markdownCode('local_file.a["k"]'), '<code>local\\_file.a\\["k"\\]</code>');
  });
});
