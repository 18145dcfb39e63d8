/**
 * Benchmark of the Kubernetes analysis against its target, which keeps typing in a large manifest
 * fluid: on a 1,000-object multi-document manifest, re-analysis after a one-character edit
 * ≤ 30 ms (median), reported as a ratio to the
 * `yaml` library's bare `parseAllDocuments` of the same text, measured in the same run.
 *
 * The edit loop does what the language server does per edit (languageServer.ts): apply the
 * change to its TextDocument, take the whole text, and run KubernetesFileAnalyzer.analyze on it
 * with the git baseline of a real temp repository (so `git rev-parse` runs as often as the
 * server's commit cache lets it).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseAllDocuments } from 'yaml';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { syntheticManifest } from '../support/kubernetesManifests';
import { cleanupTempDirs, gitModule } from '../support/tempModule';
import type { BenchFigure } from './terraformBench';

const OBJECTS = 1000;
const EDITS = 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function kubernetesBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  const text = syntheticManifest(OBJECTS);
  const dir = gitModule({ 'manifests.yaml': text }, {});
  const file = path.join(dir, 'manifests.yaml');
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  record({ name: 'manifest size', value: Buffer.byteLength(text) / 1024, unit: 'KB' });

  // Baseline: the yaml library's bare parse of the same text, as the analyzer calls it, no model built.
  const bareRuns: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    parseAllDocuments(text, { merge: true, prettyErrors: false, uniqueKeys: true });
    bareRuns.push(performance.now() - t0);
  }
  const bare = median(bareRuns);
  record({ name: 'yaml parseAllDocuments, bare (baseline, median of 7)', value: bare, unit: 'ms' });

  const options = { gitRef: 'HEAD', mayRunProcesses: true };
  const firstRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    const analyzer = new KubernetesFileAnalyzer();
    const t0 = performance.now();
    await analyzer.analyze(file, options, text);
    firstRuns.push(performance.now() - t0);
  }
  const first = median(firstRuns);
  record({ name: 'first full analysis, git baseline (median of 5 cold)', value: first, unit: 'ms', ratioToBaseline: first / bare });

  // One-character edits of Deployment image tags (1.21.6 → 1.21.7), each starting a rolling update.
  const analyzer = new KubernetesFileAnalyzer();
  await analyzer.analyze(file, options, text);
  let document = TextDocument.create(`file://${file}`, 'yaml', 1, text);
  const offsets: number[] = [];
  const marker = '/web:1.21.6';
  for (let at = text.indexOf(marker); at >= 0 && offsets.length < EDITS; at = text.indexOf(marker, at + 1)) offsets.push(at + marker.length - 1);
  const editRuns: number[] = [];
  let rollingUpdates = 0;
  for (const offset of offsets) {
    const start = document.positionAt(offset);
    const t0 = performance.now();
    document = TextDocument.update(document, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, text: '7' }], document.version + 1);
    const findings = await analyzer.analyze(file, options, document.getText());
    editRuns.push(performance.now() - t0);
    rollingUpdates++;
    const found = findings.filter((f) => f.code === 'kubernetes/rolling-update').length;
    if (found !== rollingUpdates) throw new Error(`expected ${rollingUpdates} rolling-update findings after ${rollingUpdates} edits, got ${found}`);
  }
  const edit = median(editRuns);
  record({ name: `re-analysis after a one-character edit (median of ${editRuns.length})`, value: edit, unit: 'ms', target: 30, ratioToBaseline: edit / bare });

  // A line break typed near the top: every later document moves down a line, so their objects
  // and findings are reused at new positions rather than left where they were.
  const lineRuns: number[] = [];
  for (let at = document.getText().indexOf('\n  replicas: 3\n'), i = 0; at >= 0 && i < EDITS; i++) {
    const start = document.positionAt(at + 1);
    const t0 = performance.now();
    document = TextDocument.update(document, [{ range: { start, end: start }, text: '\n' }], document.version + 1);
    const findings = await analyzer.analyze(file, options, document.getText());
    lineRuns.push(performance.now() - t0);
    const found = findings.filter((f) => f.code === 'kubernetes/rolling-update').length;
    if (found !== rollingUpdates) throw new Error(`expected the ${rollingUpdates} rolling-update findings to stay, got ${found}`);
    at = document.getText().indexOf('\n  replicas: 3\n', at + 2);
  }
  const line = median(lineRuns);
  record({ name: `re-analysis after a line break near the top (median of ${lineRuns.length})`, value: line, unit: 'ms', target: 30, ratioToBaseline: line / bare });
  cleanupTempDirs();
  return figures;
}
