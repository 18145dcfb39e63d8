/**
 * The incremental re-parse (only edited YAML documents parsed again, findings of the others
 * reused and moved) must give exactly what a whole parse and analysis from scratch give. Random
 * edits, seeded so a failure replays, include the characters that change YAML structure (line
 * breaks, `---`, quotes, brackets, block scalar indicators, `%`).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { documentStarts, reparseManifest, type IncrementalManifest } from '../../core/src/kubernetes/incrementalManifest';
import { manifestFindings, type ManifestBaseline, type ObjectFindingsMemo } from '../../core/src/kubernetes/manifestFindings';
import { parseManifest, rangeOfPath, type ParsedManifest } from '../../core/src/kubernetes/manifestParser';
import { identityKey } from '../../core/src/kubernetes/objectIdentity';
import { syntheticManifest } from '../support/kubernetesManifests';
import { FILE } from './kubernetesTestSupport';

function baselineOf(text: string): ManifestBaseline {
  const objects = new Map(
    parseManifest(text)
      .objects.filter((o) => o.identity)
      .map((o) => [identityKey(o.identity!), o]),
  );
  return { objects, description: 'the test baseline' };
}

/** What a parse means to the analysis: values, kinds, errors, and each object's position. */
function summary(manifest: ParsedManifest): unknown {
  return {
    objects: manifest.objects.map((o) => ({ kind: o.kind, identity: o.identity, value: o.value, at: rangeOfPath(manifest, o, ['metadata', 'name']) })),
    syntaxErrors: manifest.syntaxErrors,
    documents: manifest.documents.length,
  };
}

/** A small seeded generator (mulberry32), so that a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [
  '7',
  'x',
  ' ',
  '\n',
  '\n---\n',
  '---',
  ':',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '|',
  '>',
  '#',
  '- ',
  '%',
  '\t',
  '&a',
  '*a',
  '\r\n',
  '  image: nginx\n',
  '{{ .Values.x }}',
];

function randomEdit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const r = next();
  if (r < 0.15 && text.length > 0) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 40))); // delete a stretch
  if (r < 0.35) {
    // Change a version digit, the edit of the benchmark and of most real edits.
    const digit = text.indexOf('1.', at);
    if (digit >= 0) return `${text.slice(0, digit)}${Math.floor(next() * 10)}${text.slice(digit + 1)}`;
  }
  const insert = INSERTS[Math.floor(next() * INSERTS.length)];
  return text.slice(0, at) + insert + text.slice(at);
}

describe('incremental re-parse and analysis', () => {
  test('random edits: the same parse and the same findings incrementally as from scratch', () => {
    // Ten objects: every kind of the generator; parsing with positions is slow enough (tens of
    // ms per whole parse on a loaded machine) that larger files make this test take minutes.
    for (const seed of [1, 2, 3]) {
      const original = syntheticManifest(10);
      const baseline = baselineOf(original);
      const memo: ObjectFindingsMemo = new WeakMap();
      let text = original;
      let previous: IncrementalManifest | undefined = reparseManifest(text);
      manifestFindings(FILE, previous, baseline, memo);
      const next = random(seed);
      let withFindings = 0;
      for (let step = 0; step < 50; step++) {
        // Mostly edits that build on each other; sometimes a return to the original (undo).
        text = next() < 0.1 ? original : randomEdit(text, next);
        const incremental = reparseManifest(text, previous);
        const scratch = parseManifest(text);
        const context = `seed ${seed}, step ${step}`;
        assert.deepStrictEqual(summary(incremental), summary(scratch), context);
        const expected: Finding[] = manifestFindings(FILE, scratch, baseline);
        assert.deepStrictEqual(manifestFindings(FILE, incremental, baseline, memo), expected, context);
        if (expected.length > 0) withFindings++;
        previous = incremental;
      }
      // The sequences must exercise findings, not only empty results.
      assert.ok(withFindings > 25, `seed ${seed}: only ${withFindings} steps had findings`);
    }
  });

  test('an edit re-parses only the documents it touched, and moves the rest', () => {
    const text = syntheticManifest(16);
    const first = reparseManifest(text);
    const at = text.indexOf('web:1.21.6') + 'web:1.21.'.length;
    const edited = reparseManifest(`${text.slice(0, at)}7${text.slice(at + 1)}`, first);
    const changed = edited.objects.filter((o, i) => o.node !== first.objects[i].node);
    assert.deepStrictEqual(
      changed.map((o) => o.identity?.name),
      ['app-0'],
    );
    // A line inserted at the top: it belongs to the first document (which has no `---`), every
    // later tree is reused, each object one line further down.
    const shifted = reparseManifest(`# generated\n${text}`, first);
    assert.deepStrictEqual(
      shifted.objects.map((o, i) => o.node === first.objects[i].node),
      first.objects.map((_, i) => i > 0),
    );
    assert.deepStrictEqual(
      shifted.objects.map((o) => rangeOfPath(shifted, o, ['kind']).start.line),
      first.objects.map((o) => rangeOfPath(first, o, ['kind']).start.line + 1),
    );
  });

  test('moved findings: a line added above a changed Deployment moves its rolling-update hint', () => {
    const text = syntheticManifest(16);
    const baseline = baselineOf(text);
    const at = text.lastIndexOf('web:1.21.6') + 'web:1.21.'.length;
    const edited = `${text.slice(0, at)}7${text.slice(at + 1)}`;
    const memo: ObjectFindingsMemo = new WeakMap();
    const before = reparseManifest(edited);
    const hint = manifestFindings(FILE, before, baseline, memo).find((f) => f.code === 'kubernetes/rolling-update');
    assert.ok(hint);
    const after = reparseManifest(`# a comment\n# and another\n${edited}`, before);
    const moved = manifestFindings(FILE, after, baseline, memo).find((f) => f.code === 'kubernetes/rolling-update');
    assert.deepStrictEqual(moved?.range, {
      start: { line: hint.range.start.line + 2, character: hint.range.start.character },
      end: { line: hint.range.end.line + 2, character: hint.range.end.character },
    });
    assert.deepStrictEqual(moved?.blockRange?.start.line, hint.blockRange!.start.line + 2);
  });

  test('document starts are where the yaml lexer starts a document, in every context', () => {
    const text = [
      'a: 1', // a bare first document
      '--- # a comment after the marker',
      'b: |',
      '  block',
      '---', // ends the block scalar
      'c: "quoted',
      '--- {d: 1}', // ends the quoted scalar (an error); a flow map on the marker line
      'e: [1,',
      '---\r', // ends the flow sequence (an error); CRLF
      'f: 1',
      '---x: not a marker',
      ' --- not at column 0',
      '--- ',
    ].join('\n');
    const starts = documentStarts(text);
    assert.deepStrictEqual(
      starts.map((s) => text.slice(s, text.indexOf('\n', s) >= 0 ? text.indexOf('\n', s) : undefined)),
      ['a: 1', '--- # a comment after the marker', '---', '--- {d: 1}', '---\r', '--- '],
    );
    assert.deepStrictEqual(summary(reparseManifest(text)), summary(parseManifest(text)));
  });

  test('a file with directives is parsed whole (a directive belongs to the next document)', () => {
    const text = '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  on: yes\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n';
    const manifest = reparseManifest(text);
    assert.equal(manifest.pieces, undefined);
    assert.deepStrictEqual(summary(manifest), summary(parseManifest(text)));
  });
});
