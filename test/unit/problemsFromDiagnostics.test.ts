import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { problemsByFile } from '../../client/src/terraform/problemsFromDiagnostics';
import type { TerraformDiagnostic } from '../../client/src/terraform/terraformEvents';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

/** The shape `tofu plan -json` prints for a configuration error (1-based lines, Unicode columns, byte offsets). */
function diagnostic(
  filename: string,
  start: [number, number, number],
  end: [number, number, number],
  summary: string,
  detail = '',
  severity = 'error',
): TerraformDiagnostic {
  return {
    severity,
    summary,
    detail,
    range: { filename, start: { line: start[0], column: start[1], byte: start[2] }, end: { line: end[0], column: end[1], byte: end[2] } },
  };
}

describe('Terraform diagnostics → Problems entries', () => {
  test('grouped by absolute file; ranges exact in UTF-16 from the byte offsets; summary and detail; warnings kept', () => {
    const dir = tempDir();
    // "é" is 2 bytes and 1 UTF-16 unit; "😀" 4 bytes and 2 units: columns must come from the text, not bytes.
    const text = 'locals {\n  a = "é😀" + 1\n}\n';
    writeFileSync(path.join(dir, 'main.tf'), text);
    const bytes = Buffer.from(text, 'utf8');
    const start = bytes.indexOf(Buffer.from('"é'));
    const end = bytes.indexOf(Buffer.from(' + 1')) + 4;
    const problems = problemsByFile(dir, [
      diagnostic('main.tf', [2, 7, start], [2, 16, end], 'Invalid operand', 'Unsuitable value for left operand: a number is required.'),
      diagnostic('main.tf', [1, 1, 0], [1, 7, 6], 'Deprecated', '', 'warning'),
      { severity: 'error', summary: 'Provider produced inconsistent result', detail: 'no range: a provider error' },
      diagnostic(path.join(dir, 'other.tf'), [1, 1, 0], [1, 2, 1], 'Missing file'),
    ]);
    assert.deepEqual([...problems.keys()], [path.join(dir, 'main.tf'), path.join(dir, 'other.tf')]);
    assert.deepEqual(problems.get(path.join(dir, 'main.tf')), [
      {
        range: { start: { line: 1, character: 6 }, end: { line: 1, character: 15 } },
        severity: 'error',
        message: 'Invalid operand\n\nUnsuitable value for left operand: a number is required.',
      },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, severity: 'warning', message: 'Deprecated' },
    ]);
    // A file that can't be read still gets its entry, from line and column.
    assert.deepEqual(problems.get(path.join(dir, 'other.tf')), [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity: 'error', message: 'Missing file' },
    ]);
  });

  test('nothing with a range: no entries', () => {
    assert.equal(problemsByFile(tempDir(), [{ severity: 'error', summary: 'x', detail: '' }]).size, 0);
  });
});
