/**
 * The value flow's incremental memo: an entry is reused while its token and what it read are the
 * same; an edit recomputes what reads the edited thing, and stops where a recomputed value is
 * equal to the old one. And the analysis on top of it: an edit recomputes only what depends on it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { IncrementalMemo, type MemoRecipe } from '../../core/src/terraform/valueFlow/incrementalMemo';
import { cleanupTempDirs, stateModule } from '../support/tempModule';

describe('IncrementalMemo', () => {
  /** `sum` reads `a` and `b`; `double` reads `sum`; inputs are the token of `a` and `b`. */
  function generation(memo: IncrementalMemo, inputs: { a: number; b: number }, computed: string[]): void {
    memo.startGeneration((key): MemoRecipe<unknown> => {
      if (key === 'a' || key === 'b') return { token: () => [inputs[key]], compute: () => (computed.push(key), inputs[key]) };
      if (key === 'sum') return { token: () => [], compute: () => (computed.push(key), (memo.get<number>('a') ?? 0) + (memo.get<number>('b') ?? 0)) };
      return { token: () => [], compute: () => (computed.push(key), (memo.get<number>('sum') ?? 0) * 2) };
    });
  }

  test('reused while nothing changed; an input edit recomputes what reads it', () => {
    const memo = new IncrementalMemo();
    const computed: string[] = [];
    generation(memo, { a: 1, b: 2 }, computed);
    assert.equal(memo.get('double'), 6);
    assert.deepEqual(computed.sort(), ['a', 'b', 'double', 'sum']);
    computed.length = 0;
    generation(memo, { a: 1, b: 2 }, computed);
    assert.equal(memo.get('double'), 6);
    assert.deepEqual(computed, []);
    generation(memo, { a: 5, b: 2 }, computed);
    assert.equal(memo.get('double'), 14);
    assert.deepEqual(computed.sort(), ['a', 'double', 'sum']);
  });

  test('early cutoff: a recomputed entry equal to the old one stops the edit', () => {
    const memo = new IncrementalMemo();
    const computed: string[] = [];
    generation(memo, { a: 1, b: 2 }, computed);
    memo.get('double');
    computed.length = 0;
    generation(memo, { a: 2, b: 1 }, computed);
    assert.equal(memo.get('double'), 6);
    assert.deepEqual(computed.sort(), ['a', 'b', 'sum'], 'sum is the same, so double is not recomputed');
  });

  test('a cycle reads undefined instead of looping; sweep forgets what a generation did not use', () => {
    const memo = new IncrementalMemo();
    memo.startGeneration((key) => ({ token: () => [], compute: () => (key === 'x' ? (memo.get('y') ?? 'cycle') : (memo.get('x') ?? 'cycle')) }));
    assert.equal(memo.get('x'), 'cycle');
    memo.startGeneration(() => ({ token: () => [], compute: () => 1 }));
    memo.get('z');
    memo.sweep();
    assert.equal(memo.size, 1);
  });
});

describe('the analysis recomputes only what an edit reaches', () => {
  test('a tfvars edit that reaches one resource of fifty recomputes a handful of entries', async () => {
    const blocks = ['variable "hot" {}\nvariable "cold" {}\n'];
    const state = [];
    for (let i = 0; i < 50; i++) {
      const variable = i === 0 ? 'var.hot' : 'var.cold';
      blocks.push(`resource "local_file" "f${i}" {\n  content         = "f${i}"\n  filename        = "\${path.module}/f${i}.txt"\n  file_permission = ${variable}\n}\n`);
      state.push({
        type: 'local_file',
        name: `f${i}`,
        instances: [{ attributes: { content: `f${i}`, filename: `./f${i}.txt`, file_permission: '0644', directory_permission: '0777', id: `id${i}` } }],
      });
    }
    const dir = stateModule({ 'main.tf': blocks.join('\n'), 'terraform.tfvars': 'hot  = "0644"\ncold = "0644"\n' }, state);
    const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
    const options = { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false } as const;
    assert.deepEqual((await analyzer.analyze(dir, options)).findings, []);
    const everything = analyzer.memoComputed(dir);
    writeFileSync(path.join(dir, 'terraform.tfvars'), 'hot  = "0600"\ncold = "0644"\n');
    const after = await analyzer.analyze(dir, options);
    assert.deepEqual(
      after.findings.filter((f) => f.code === 'terraform/forces-replacement').map((f) => f.address),
      ['local_file.f0'],
    );
    const recomputed = analyzer.memoComputed(dir);
    assert.ok(recomputed <= 8, `${recomputed} entries recomputed of ${everything}`);
    assert.ok(everything >= 150, `${everything} entries at first`);
    cleanupTempDirs();
  });
});
