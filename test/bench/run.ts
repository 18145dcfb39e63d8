/**
 * `npm run bench`: runs every benchmark, prints the figures with their targets and their ratio to
 * the baseline measured in the same run, and writes them to .bench/results.json.
 * Exit 1 when a figure misses its target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { graphBench } from './graphBench';
import { rolloutBench } from './rolloutBench';
import { terraformBench, type BenchFigure } from './terraformBench';

async function main(): Promise<void> {
  const results: Record<string, BenchFigure[]> = {};
  let missed = 0;
  const print = (f: BenchFigure) => {
    const target = f.target !== undefined ? ` (target ≤ ${f.target} ${f.unit}: ${f.value <= f.target ? 'met' : 'MISSED'})` : '';
    const ratio = f.ratioToBaseline !== undefined ? `, ${f.ratioToBaseline.toFixed(2)}× baseline` : '';
    if (f.target !== undefined && f.value > f.target) missed++;
    console.log(`  ${f.name}: ${f.value.toFixed(1)} ${f.unit}${ratio}${target}`);
  };
  console.log('terraform (2,000-resource module)');
  results.terraform = await terraformBench(print);
  console.log('plan graph (CLI HTML in headless Chromium)');
  results.planGraph = await graphBench(print);
  console.log('rollout simulator (1,000-replica Deployment)');
  results.rollout = await rolloutBench(print);
  const out = path.resolve(__dirname, '..', '..', '..', '.bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  if (missed) {
    console.error(`\n${missed} figure(s) missed the target.`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exitCode = 2;
});
