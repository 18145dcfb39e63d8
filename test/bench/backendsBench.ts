/**
 * Benchmark of a remote backend's state as the baseline: a 200-resource module of `local_file`s
 * applied by OpenTofu to a pg backend (PostgreSQL on loopback), and the same module with its state
 * in a local `terraform.tfstate`, measured in the same run:
 *   - an edit's analysis against the remote state once read (the cached snapshot), as a ratio to
 *     the same analysis against the local state file (goal: no slower, the read is not per edit);
 *   - one read of the remote state (`tofu state pull`), as a ratio to that analysis;
 *   - the first analysis of the remote module, the read included.
 */
import { cpSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemProcessRunner } from '../../core/src/exec/systemProcessRunner';
import { BackendStates } from '../../core/src/terraform/baseline/backendStates';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer, type ModuleAnalysisOptions } from '../../core/src/terraform/terraformModuleAnalyzer';
import { ModuleExecutables } from '../../core/src/terraform/tool/moduleExecutables';
import { disposeBackendServers, startPostgres } from '../support/backendServers';
import { pgBackend, remoteToolEnv, writeRemoteSeedModule } from '../support/remoteModules';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertTofuProvisioned, OPENTOFU, runTool, toolEnv } from '../support/tofu';
import type { BenchFigure } from './terraformBench';

const RESOURCES = 200;
const ROUNDS = 30;

function moduleText(permission: (i: number) => string): string {
  const blocks: string[] = [];
  for (let i = 0; i < RESOURCES; i++) {
    blocks.push(
      `resource "local_file" "f${i}" {\n  content         = "file ${i}"\n  filename        = "\${path.module}/out/f${i}.txt"\n  file_permission = "${permission(i)}"\n}\n`,
    );
  }
  return blocks.join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function backendsBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  assertTofuProvisioned();
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  const postgres = await startPostgres();
  try {
    // The remote module: the seed's backend block, 200 resources applied.
    const remote = writeRemoteSeedModule(OPENTOFU, await pgBackend(postgres));
    writeFileSync(
      path.join(remote.dir, 'main.tf'),
      moduleText(() => '0644'),
    );
    await remote.init();
    await remote.apply();
    // The local one: the same files without the backend, applied to terraform.tfstate.
    const local = tempDir('ii-bench-local-');
    cpSync(path.join(remote.dir, 'main.tf'), path.join(local, 'main.tf'));
    await runTool(OPENTOFU, local, ['init', '-input=false', '-no-color'], { env: toolEnv() });
    await runTool(OPENTOFU, local, ['apply', '-auto-approve', '-input=false', '-no-color'], { env: toolEnv() });

    const env = remoteToolEnv(remote.backend);
    const executables = new ModuleExecutables(() => OPENTOFU.bin, env);
    const states = new BackendStates({
      executableFor: (dir) => executables.for(dir),
      runner: systemProcessRunner,
      env,
      timing: () => ({ timeoutMs: 30_000, refreshMs: Number.POSITIVE_INFINITY }),
    });
    const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase(), states);
    const options: ModuleAnalysisOptions = { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: true };
    const edited = (round: number) => moduleText((i) => (i === round % RESOURCES ? '0700' : '0644'));
    const open = (dir: string, round: number) => new Map([[path.join(dir, 'main.tf'), { text: edited(round) }]]);

    let started = performance.now();
    const first = await analyzer.analyze(remote.dir, options, open(remote.dir, 0));
    const firstMs = performance.now() - started;
    if (!first.baselineDescription.startsWith('state serial')) throw new Error(`the remote module was not compared with its state: ${first.baselineDescription}`);
    await analyzer.analyze(local, options, open(local, 0));

    const remoteTimes: number[] = [];
    const localTimes: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      started = performance.now();
      await analyzer.analyze(local, options, open(local, round));
      localTimes.push(performance.now() - started);
      started = performance.now();
      await analyzer.analyze(remote.dir, options, open(remote.dir, round));
      remoteTimes.push(performance.now() - started);
    }
    const localMs = median(localTimes);
    const remoteMs = median(remoteTimes);
    record({ name: 'edit → findings, local terraform.tfstate (baseline)', value: localMs, unit: 'ms' });
    record({ name: 'edit → findings, pg backend state once read', value: remoteMs, unit: 'ms', ratioToBaseline: remoteMs / localMs });

    const reads: number[] = [];
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      await states.refresh(remote.dir);
      reads.push(performance.now() - started);
    }
    const readMs = median(reads);
    record({ name: 'one read of the pg backend state (tofu state pull)', value: readMs, unit: 'ms', ratioToBaseline: readMs / localMs });
    record({ name: 'first analysis of the pg module, the read included', value: firstMs, unit: 'ms', ratioToBaseline: firstMs / localMs });
    return figures;
  } finally {
    await disposeBackendServers();
    cleanupTempDirs();
  }
}
