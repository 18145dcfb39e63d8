/**
 * `npm run bench`: runs every benchmark, prints the figures with their targets and their ratio to
 * the baseline measured in the same run, and writes them to .bench/results.json.
 * Exit 1 when a figure misses its target.
 *   npm run bench [-- SUITE…]     suites: terraform, valueFlow, planGraph, rollout, kubernetes, providers, backends (default: all)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { backendsBench } from './backendsBench';
import { graphBench } from './graphBench';
import { kubernetesBench } from './kubernetesBench';
import { providersBench } from './providersBench';
import { rolloutBench } from './rolloutBench';
import { terraformBench, type BenchFigure } from './terraformBench';
import { valueFlowBench } from './valueFlowBench';

type Suite = { title: string; run: (print: (figure: BenchFigure) => void) => Promise<BenchFigure[]> };

const SUITES: Record<string, Suite> = {
  terraform: { title: 'terraform (2,000-resource module)', run: terraformBench },
  valueFlow: { title: 'value flow (50 modules, 5,000 resource instances)', run: valueFlowBench },
  planGraph: { title: 'plan graph (CLI HTML in headless Chromium)', run: graphBench },
  rollout: { title: 'rollout simulator (1,000-replica Deployment)', run: rolloutBench },
  kubernetes: { title: 'kubernetes (1,000-object manifest)', run: kubernetesBench },
  providers: { title: 'asking the providers (200-resource module, hashicorp/local)', run: providersBench },
  backends: { title: 'remote state (200-resource module, pg backend on loopback)', run: backendsBench },
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  for (const name of chosen) {
    if (!SUITES[name]) {
      console.error(`Unknown benchmark suite ${name}: choose from ${Object.keys(SUITES).join(', ')}.`);
      process.exitCode = 2;
      return;
    }
  }
  const results: Record<string, BenchFigure[]> = {};
  let missed = 0;
  const print = (f: BenchFigure) => {
    const target = f.target !== undefined ? ` (target ≤ ${f.target} ${f.unit}: ${f.value <= f.target ? 'met' : 'MISSED'})` : '';
    const ratio = f.ratioToBaseline !== undefined ? `, ${f.ratioToBaseline.toFixed(2)}× baseline` : '';
    if (f.target !== undefined && f.value > f.target) missed++;
    console.log(`  ${f.name}: ${f.value.toFixed(1)} ${f.unit}${ratio}${target}`);
  };
  for (const name of chosen.length ? chosen : Object.keys(SUITES)) {
    console.log(SUITES[name].title);
    results[name] = await SUITES[name].run(print);
  }
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
