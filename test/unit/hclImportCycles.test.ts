/**
 * The modules of the HCL reader import each other without a cycle, type-only imports included: a
 * cycle means two modules that cannot be read (or changed) one without the other, and a value
 * import on a cycle can see the other module half-initialised. The imports are read from the
 * source with TypeScript's own scanner (`preProcessFile`), so every form counts (`import type`,
 * `export … from`, `import x = require(…)`).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as ts from 'typescript';

const HCL_SOURCE = path.resolve(__dirname, '..', '..', '..', 'core', 'src', 'terraform', 'hcl');

/** Each module of `folder` (by file name) and the modules of the same folder it imports. */
function importGraph(folder: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(folder, name), 'utf8');
    const imported = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((file) => file.fileName)
      .filter((specifier) => specifier.startsWith('./') && !specifier.slice(2).includes('/'))
      .map((specifier) => `${specifier.slice(2).replace(/\.(js|ts)$/, '')}.ts`);
    graph.set(name, [...new Set(imported)]);
  }
  return graph;
}

/** One cycle of `graph` as the list of its modules (the first repeated at the end), or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (module: string): string[] | undefined => {
    if (state.get(module) === 'done') return undefined;
    if (state.get(module) === 'open') return [...stack.slice(stack.indexOf(module)), module];
    state.set(module, 'open');
    stack.push(module);
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(module, 'done');
    return undefined;
  };
  for (const module of graph.keys()) {
    const cycle = visit(module);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('HCL reader: module imports', () => {
  test('the cycle finder sees a cycle through type-only imports', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycle(graph), ['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    assert.equal(findCycle(new Map([...graph, ['c.ts', []]])), undefined);
    const scanned = ts.preProcessFile("import type { A } from './a';\nexport { B } from './b';\nimport c = require('./c');\n", true, true);
    assert.deepEqual(
      scanned.importedFiles.map((f) => f.fileName),
      ['./a', './b', './c'],
    );
  });

  test('no module of core/src/terraform/hcl imports itself back, directly or through others', () => {
    const graph = importGraph(HCL_SOURCE);
    assert.ok(graph.has('hclParser.ts') && graph.has('modelBuilder.ts'), `read ${[...graph.keys()].join(', ')}`);
    assert.ok((graph.get('hclParser.ts') ?? []).includes('modelBuilder.ts'), 'the imports were read');
    const cycle = findCycle(graph);
    assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
  });
});
