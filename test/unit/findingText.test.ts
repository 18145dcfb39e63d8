/**
 * The findings' words in one place (core/src/findingText): every finding code has its renderer
 * and its SARIF description, each quick fix its title; the renderers say what the rules found,
 * the hover and SARIF read the same table, and no rule writes a message of its own any more —
 * which the last test checks by reading the analysis' source with TypeScript's parser.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { toSarif } from '../../cli/src/sarif';
import { KUBERNETES_FINDING_CODES, TERRAFORM_FINDING_CODES, type Finding, type FindingCode } from '../../common/src/findings';
import { hasHover, hoverMarkdown } from '../../core/src/findingText/findingHover';
import { fixTitle } from '../../core/src/findingText/fixText';
import { RULE_TEXT, renderFinding, type FindingFacts } from '../../core/src/findingText/ruleText';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const ALL_CODES: readonly FindingCode[] = [...TERRAFORM_FINDING_CODES, ...KUBERNETES_FINDING_CODES];

const replacement = {
  attribute: { path: 'file_permission' },
  before: '"0777"',
  after: '"0700"',
  instances: ['local_file.example'],
  baseline: 'the deployed state (terraform.tfstate)',
  ruleSource: 'hashicorp/local v2.5.2: RequiresReplace()',
  createBeforeDestroy: false,
};
const template = { field: 'spec.template.spec.containers[0].image', otherFields: 0, name: 'web', readyAfter: 15 };
const immutable = {
  kind: 'Deployment',
  name: 'web',
  field: 'spec.selector',
  error: { path: 'spec.selector', type: 'Invalid' as const, value: '{"matchLabels":{"app":"api"}}', detail: 'field is immutable' },
  rule: 'A Deployment’s selector cannot change.',
  ruleSource: 'kubernetes/kubernetes pkg/apis/apps/validation',
  baseline: 'the file at git HEAD',
  before: '{app: web}',
  after: '{app: api}',
};

/** Facts of each code, as its rule would hand them over: the compiler holds the table complete. */
const SAMPLE_FACTS: { [C in FindingCode]: FindingFacts[C] } = {
  'terraform/forces-replacement': replacement,
  'terraform/may-force-replacement': { ...replacement, uncertainty: 'the new value is known only at plan time' },
  'terraform/renamed-without-moved': { move: 'label', from: 'local_file.old', to: 'local_file.new' },
  'terraform/replace-blocked-by-prevent-destroy': { address: 'local_file.example', attribute: { path: 'file_permission' } },
  'terraform/stateful-replacement': { cause: 'replacement', address: 'aws_db_instance.main', certain: true, reason: 'a database holds its data.' },
  'terraform/replace-triggered-by': { address: 'null_resource.deploy', reference: 'local_file.example', replaced: true, changed: [] },
  'terraform/syntax-error': { error: 'Syntax error: missing "}"' },
  'terraform/baseline-unavailable': { reason: 'No git baseline for mod: the folder is not inside a git repository.' },
  'terraform/file-unreadable': { problem: 'not-utf8', file: '/work/mod/main.tf' },
  'terraform/not-checked': { provider: 'hashicorp/aws', resources: 2, types: ['aws_instance'], lockFile: 'absent', constraints: ['~> 5.0'] },
  'terraform/analysis-failed': { reason: 'EISDIR: illegal operation on a directory, read', consequence: 'The earlier findings are withdrawn.' },
  'terraform/knowledge-version-differs': { provider: 'hashicorp/aws', knowledgeVersion: '6.58.0', used: { from: 'lock-file', version: '5.31.0', major: 5 } },
  'terraform/cascade-replacement': {
    instances: ['null_resource.b'],
    attribute: { path: 'triggers' },
    upstream: [{ address: 'local_file.a', attribute: 'id' }],
    certain: true,
  },
  'terraform/instances-unknown': { what: '`local_file.f`', unknownKeys: '`for_each` depends on `random_id.r.hex`, known after apply', followed: 2 },
  'terraform/module-not-found': { call: 'net', reason: 'module "net" (source "./net"): net holds no .tf files' },
  'kubernetes/immutable-field': immutable,
  'kubernetes/rolling-update': { ...template, workload: 'StatefulSet', replicas: 3, replaced: 3 },
  'kubernetes/recreate-downtime': { ...template, replicas: 3 },
  'kubernetes/mutable-image-tag': { image: 'nginx:latest', reason: 'latest', container: 'nginx' },
  'kubernetes/no-readiness-probe': { kind: 'Deployment', name: 'web' },
  'kubernetes/immutable-config-changed': { ...immutable, kind: 'ConfigMap', field: 'data.key' },
  'kubernetes/local-state': { volume: 'cache', name: 'web', type: 'emptyDir' },
  'kubernetes/templated-file': { fileName: 'deployment.yaml', helm: true, line: 3 },
  'kubernetes/syntax-error': { error: 'Nested mappings are not allowed in compact mappings' },
  'kubernetes/baseline-unavailable': { reason: 'No git baseline for deploy: the folder is not inside a git repository.' },
  'kubernetes/file-unreadable': { problem: 'too-large', file: '/work/deploy/all.yaml', bytes: 5 * 1024 * 1024, limitBytes: 4 * 1024 * 1024 },
  'kubernetes/analysis-failed': { reason: 'an unexpected error', consequence: 'Its findings are missing from this report; every other target was still checked.' },
  'kubernetes/server-rejected': {
    kind: 'Deployment',
    name: 'web',
    answer: 'The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable',
    agrees: { code: 'kubernetes/immutable-field', detail: '**Rule:** A Deployment keeps its selector.' },
  },
  'kubernetes/server-accepted': {
    kind: 'StatefulSet',
    name: 'db',
    field: 'spec.revisionHistoryLimit',
    ruleMessage: '`spec.revisionHistoryLimit` of StatefulSet `db` cannot change after creation.',
  },
};

describe('the findings’ text', () => {
  test('every finding code of common/src/findings.ts has a renderer and a description, and there are no others', () => {
    assert.deepEqual(Object.keys(RULE_TEXT).sort(), [...ALL_CODES].sort());
    for (const code of ALL_CODES) {
      assert.equal(typeof RULE_TEXT[code].render, 'function', `${code} has no renderer`);
      assert.match(RULE_TEXT[code].description, /^[A-Z].*\.$/, `${code}: a description is one sentence`);
    }
  });

  test('each renderer puts its facts in words, leaving no hole', () => {
    for (const code of ALL_CODES) {
      const { message, detail } = renderFinding(code, SAMPLE_FACTS[code] as never);
      for (const text of [message, detail ?? 'none']) {
        assert.ok(text.trim().length > 0, `${code}: empty text`);
        assert.doesNotMatch(text, /undefined|\[object |NaN/, `${code}: ${text}`);
      }
    }
  });

  test('the seed example, word for word', () => {
    assert.equal(
      renderFinding('terraform/forces-replacement', replacement).message,
      'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`: Terraform will destroy and re-create it.',
    );
  });

  test('hovers: every finding but a missing baseline, whose message on every file says it all', () => {
    const without = ALL_CODES.filter((code) => !hasHover({ code }));
    assert.deepEqual(without, ['terraform/baseline-unavailable', 'kubernetes/baseline-unavailable']);
  });

  test('a hover shows the code, the message and the detail, or else the values before and after', () => {
    const finding = (code: FindingCode, extra: Partial<Finding>): Finding => ({
      file: '/work/main.tf',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 'warning',
      code,
      message: 'The message.',
      ...extra,
    });
    assert.equal(
      hoverMarkdown([finding('terraform/forces-replacement', { detail: '**Detail**' }), finding('terraform/renamed-without-moved', { before: 'a.b', after: 'a.c' })]),
      '**Immutable Infra** · `terraform/forces-replacement`\n\nThe message.\n\n**Detail**\n\n---\n\n' +
        '**Immutable Infra** · `terraform/renamed-without-moved`\n\nThe message.\n\n- Before: `a.b`\n- After: `a.c`',
    );
  });

  test('SARIF describes each rule with the table’s sentence', () => {
    const findings = ALL_CODES.map((code) => ({
      file: 'main.tf',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 'warning' as const,
      code,
      message: renderFinding(code, SAMPLE_FACTS[code] as never).message,
    }));
    const sarif = toSarif(findings, '0.0.0') as { runs: Array<{ tool: { driver: { rules: Array<{ id: FindingCode; shortDescription: { text: string } }> } } }> };
    const rules = sarif.runs[0]!.tool.driver.rules;
    assert.equal(rules.length, ALL_CODES.length);
    for (const rule of rules) assert.equal(rule.shortDescription.text, RULE_TEXT[rule.id].description);
  });

  test('quick fixes: a title for each kind', () => {
    assert.equal(fixTitle({ kind: 'create-before-destroy' }), 'Add lifecycle { create_before_destroy = true }: create the replacement before destroying the old one');
    assert.equal(fixTitle({ kind: 'prevent-destroy' }), 'Add lifecycle { prevent_destroy = true }: make Terraform refuse to destroy this resource');
    assert.equal(fixTitle({ kind: 'moved-block', from: 'local_file.old', to: 'local_file.new' }), 'Add a moved block from local_file.old to local_file.new');
  });

  test('no finding in the analysis writes its message or detail itself', () => {
    const inline: string[] = [];
    for (const file of sourceFiles(path.join(repoRoot, 'core', 'src'))) {
      if (file.includes(`${path.sep}findingText${path.sep}`)) continue;
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isObjectLiteralExpression(node) && isFindingLiteral(node)) {
          for (const property of node.properties) {
            const name = property.name?.getText(source);
            if (name !== 'message' && name !== 'detail') continue;
            const written = ts.isPropertyAssignment(property)
              ? isWrittenText(property.initializer)
              : ts.isShorthandPropertyAssignment(property) && writtenVariable(property, name);
            if (written) {
              const { line } = source.getLineAndCharacterOfPosition(property.getStart(source));
              inline.push(`${path.relative(repoRoot, file)}:${line + 1}`);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(inline, []);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** An object with a `code` that is a finding code (a literal, or a choice between literals). */
function isFindingLiteral(node: ts.ObjectLiteralExpression): boolean {
  return node.properties.some((property) => {
    if (!ts.isPropertyAssignment(property) || property.name.getText() !== 'code') return false;
    const literals: ts.Node[] = [property.initializer];
    const found: string[] = [];
    while (literals.length > 0) {
      const value = literals.pop()!;
      if (ts.isStringLiteralLike(value)) found.push(value.text);
      else if (ts.isConditionalExpression(value)) literals.push(value.whenTrue, value.whenFalse);
      else if (ts.isAsExpression(value) || ts.isParenthesizedExpression(value)) literals.push(value.expression);
    }
    return found.some((code) => (ALL_CODES as readonly string[]).includes(code));
  });
}

/** `{ message }`: whether the function around it sets a `const message` to written text. */
function writtenVariable(property: ts.ShorthandPropertyAssignment, name: string): boolean {
  let scope: ts.Node = property;
  while (scope.parent && !ts.isFunctionLike(scope)) scope = scope.parent;
  let written = false;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer && isWrittenText(node.initializer)) written = true;
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return written;
}

/** Text written on the spot: a string or template literal, or one built from them with `+` or `?:`. */
function isWrittenText(node: ts.Expression): boolean {
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isWrittenText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isWrittenText(node.left) || isWrittenText(node.right);
  if (ts.isConditionalExpression(node)) return isWrittenText(node.whenTrue) || isWrittenText(node.whenFalse);
  return false;
}
