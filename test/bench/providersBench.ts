/**
 * Benchmark of asking the provider binaries, on a 200-resource module of `local_file`s that
 * OpenTofu initialised and applied (the real hashicorp/local from the project's mirror). Every
 * figure is a ratio to the static analysis of the same edit, measured in the same run:
 *   - from an edit to the provider-confirmed findings for one resource, the provider warm: the
 *     static analysis with the questions listed, one question asked, and the analysis with its
 *     verdict (goal: at most 20 ms beyond the static path);
 *   - a provider's cold start (process, handshake, schema, configuration);
 *   - an edit that changes all 200 resources, every question new.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer, type ModuleAnalysisOptions } from '../../core/src/terraform/terraformModuleAnalyzer';
import { ProviderAsker } from '../../core/src/providerPlugin/providerAsker';
import { lockedProviderPackage } from '../../core/src/providerPlugin/providerPackages';
import { DEFAULT_POOL_OPTIONS, ProviderPool } from '../../core/src/providerPlugin/providerPool';
import type { ProviderVerdicts } from '../../core/src/providerPlugin/providerQuestions';
import { cleanupTempDirs } from '../support/tempModule';
import { assertTofuProvisioned, initialisedModule } from '../support/tofu';
import type { BenchFigure } from './terraformBench';

const RESOURCES = 200;
const PERMISSIONS = ['0600', '0640', '0644', '0700', '0750', '0755'];

function moduleText(permissionOf: (i: number) => string): string {
  const blocks: string[] = [];
  for (let i = 0; i < RESOURCES; i++) {
    blocks.push(
      `resource "local_file" "f${i}" {\n  content         = "file ${i}"\n  filename        = "\${path.module}/out/f${i}.txt"\n  file_permission = "${permissionOf(i)}"\n}\n`,
    );
  }
  return blocks.join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function providersBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  assertTofuProvisioned();
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  const { dir, tofu } = await initialisedModule('ii-bench-providers-', { 'main.tf': moduleText(() => '0777') });
  await tofu.apply();
  const main = path.join(dir, 'main.tf');
  const parser = await HclParser.create();
  const analyzer = new TerraformModuleAnalyzer(parser, new ReplacementKnowledgeBase());
  const options: ModuleAnalysisOptions = { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false };
  const log: string[] = [];
  const pool = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log: (line) => log.push(line) });
  const asker = new ProviderAsker(pool, (line) => log.push(line));
  try {
    // The static path: one resource's permission edited on disk, analysed (warm, median of 15).
    const staticRuns: number[] = [];
    for (let i = 0; i < 18; i++) {
      writeFileSync(
        main,
        moduleText((r) => (r === 0 ? PERMISSIONS[i % PERMISSIONS.length] : '0777')),
      );
      const t0 = performance.now();
      await analyzer.analyze(dir, options);
      if (i >= 3) staticRuns.push(performance.now() - t0);
    }
    const staticEdit = median(staticRuns);
    record({ name: 'static analysis after a one-resource edit (baseline, median of 15)', value: staticEdit, unit: 'ms' });

    // Cold start: the process, its handshake, its schema and its configuration.
    const pkg = lockedProviderPackage(dir, 'registry.opentofu.org/hashicorp/local');
    if ('problem' in pkg) throw new Error(pkg.problem);
    const coldRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cold = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log: () => undefined });
      const t0 = performance.now();
      await cold.provider(pkg);
      coldRuns.push(performance.now() - t0);
      await cold.dispose();
    }
    const cold = median(coldRuns);
    record({ name: 'provider cold start: hashicorp/local (median of 3)', value: cold, unit: 'ms', ratioToBaseline: cold / staticEdit });

    // Warm: each run edits another resource, so its question is new and really asked.
    let verdicts: ProviderVerdicts = new Map();
    const askRuns: number[] = [];
    for (let i = 0; i < 18; i++) {
      writeFileSync(
        main,
        moduleText((r) => (r === i + 1 ? PERMISSIONS[i % PERMISSIONS.length] : '0777')),
      );
      const t0 = performance.now();
      const listed = await analyzer.analyze(dir, { ...options, collectProviderQuestions: true, providerVerdicts: verdicts });
      verdicts = await asker.answer(dir, listed.questions ?? []);
      const confirmed = await analyzer.analyze(dir, { ...options, collectProviderQuestions: true, providerVerdicts: verdicts });
      const ms = performance.now() - t0;
      const forces = confirmed.findings.filter((f) => f.code === 'terraform/forces-replacement' && f.rule?.asked);
      if (forces.length !== 1) throw new Error(`one provider-confirmed replacement expected, got ${forces.length}`);
      if (i >= 3) askRuns.push(ms);
    }
    const asked = median(askRuns);
    record({ name: 'edit → provider-confirmed findings, one resource, warm (median of 15)', value: asked, unit: 'ms', ratioToBaseline: asked / staticEdit });
    record({ name: '  of which beyond the static path', value: asked - staticEdit, unit: 'ms', target: 20 });

    // Every resource changed, every question new.
    const allStatic: number[] = [];
    const allAsked: number[] = [];
    for (let i = 0; i < 3; i++) {
      writeFileSync(
        main,
        moduleText((r) => PERMISSIONS[(r + i) % PERMISSIONS.length]),
      );
      let t0 = performance.now();
      await analyzer.analyze(dir, options);
      allStatic.push(performance.now() - t0);
      t0 = performance.now();
      const listed = await analyzer.analyze(dir, { ...options, collectProviderQuestions: true, providerVerdicts: verdicts });
      verdicts = await asker.answer(dir, listed.questions ?? []);
      const confirmed = await analyzer.analyze(dir, { ...options, collectProviderQuestions: true, providerVerdicts: verdicts });
      allAsked.push(performance.now() - t0);
      const forces = confirmed.findings.filter((f) => f.code === 'terraform/forces-replacement' && f.rule?.asked).length;
      if (forces !== RESOURCES) throw new Error(`${RESOURCES} provider-confirmed replacements expected, got ${forces}`);
    }
    const staticAll = median(allStatic);
    const askedAll = median(allAsked);
    record({ name: `static analysis, all ${RESOURCES} resources changed (median of 3)`, value: staticAll, unit: 'ms' });
    record({
      name: `provider-confirmed, all ${RESOURCES} resources changed, ${RESOURCES} questions (median of 3)`,
      value: askedAll,
      unit: 'ms',
      ratioToBaseline: askedAll / staticAll,
    });
    for (const running of pool.running()) {
      if (running.residentBytes !== undefined) record({ name: `${running.label} resident memory`, value: running.residentBytes / (1024 * 1024), unit: 'MB' });
    }
  } finally {
    await pool.dispose();
    cleanupTempDirs();
  }
  return figures;
}
