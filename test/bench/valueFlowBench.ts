/**
 * Benchmark of the value flow on a workspace of 50 modules and 5,000 resource instances: a root
 * module calling ten chains of five modules, each module holding twenty `for_each` resources over
 * five keys (local files, and null resources whose triggers read the files' ids), every value
 * passed down from the root's `terraform.tfvars`. One tfvars value reaches two chains: 500 file
 * instances, whose replacement cascades to 500 null resources. Reported as ratios to tree-sitter's
 * bare parse of all the workspace's files, measured in the same run:
 *   first analysis of the workspace, re-analysis after a one-character edit of that tfvars value,
 *   and the language server's memory with the workspace open.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HclParser, loadTerraformGrammar } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { LspTestClient } from '../support/lspClient';
import { cleanupTempDirs, stateModule, type StateResourceSpec } from '../support/tempModule';
import type { BenchFigure } from './terraformBench';

const CHAINS = 10;
const CHAIN_LENGTH = 5;
const FILES_PER_MODULE = 10;
const KEYS = ['a', 'b', 'c', 'd', 'e'];

export interface ValueFlowWorkspace {
  files: Record<string, string>;
  state: StateResourceSpec[];
}

/** The workspace: chains 0 and 1 take `perm_hot`, the others `perm_cold`. */
export function valueFlowWorkspace(): ValueFlowWorkspace {
  const files: Record<string, string> = {};
  const state: StateResourceSpec[] = [];
  const root: string[] = [
    'variable "perm_hot" {\n  type = string\n}\n',
    'variable "perm_cold" {\n  type = string\n}\n',
    `variable "names" {\n  type    = set(string)\n  default = [${KEYS.map((k) => `"${k}"`).join(', ')}]\n}\n`,
  ];
  for (let chain = 0; chain < CHAINS; chain++) {
    const perm = chain < 2 ? 'var.perm_hot' : 'var.perm_cold';
    root.push(`module "chain_${chain}" {\n  source = "./modules/c${chain}_0"\n  perm   = ${perm}\n  names  = var.names\n}\n`);
    for (let depth = 0; depth < CHAIN_LENGTH; depth++) {
      const blocks = ['variable "perm" {\n  type = string\n}\n', 'variable "names" {\n  type = set(string)\n}\n'];
      if (depth + 1 < CHAIN_LENGTH) blocks.push(`module "next" {\n  source = "../c${chain}_${depth + 1}"\n  perm   = var.perm\n  names  = var.names\n}\n`);
      const modulePath = [`module.chain_${chain}`, ...Array.from({ length: depth }, () => 'module.next')].join('.');
      for (let i = 0; i < FILES_PER_MODULE; i++) {
        blocks.push(
          `resource "local_file" "f${i}" {\n  for_each        = var.names\n  content         = "chain ${chain} depth ${depth} file ${i} \${each.key}"\n  filename        = "\${path.module}/out/f${i}-\${each.key}.txt"\n  file_permission = var.perm\n}\n`,
          `resource "null_resource" "n${i}" {\n  for_each = var.names\n  triggers = {\n    file = local_file.f${i}[each.key].id\n  }\n}\n`,
        );
        state.push({
          type: 'local_file',
          name: `f${i}`,
          module: modulePath,
          instances: KEYS.map((key) => ({
            index_key: key,
            attributes: {
              content: `chain ${chain} depth ${depth} file ${i} ${key}`,
              filename: `modules/c${chain}_${depth}/out/f${i}-${key}.txt`,
              file_permission: '0644',
              directory_permission: '0777',
              id: `id-${chain}-${depth}-${i}-${key}`,
            },
          })),
        });
        state.push({
          type: 'null_resource',
          name: `n${i}`,
          module: modulePath,
          instances: KEYS.map((key) => ({
            index_key: key,
            attributes: { id: `n-${chain}-${depth}-${i}-${key}`, triggers: { file: `id-${chain}-${depth}-${i}-${key}` } },
          })),
        });
      }
      files[`modules/c${chain}_${depth}/main.tf`] = blocks.join('\n');
    }
  }
  files['main.tf'] = root.join('\n');
  files['terraform.tfvars'] = 'perm_hot  = "0644"\nperm_cold = "0644"\n';
  return { files, state };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function valueFlowBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  const workspace = valueFlowWorkspace();
  const dir = stateModule(workspace.files, workspace.state);
  const texts = Object.values(workspace.files);
  record({ name: 'workspace: modules / resource instances', value: Object.keys(workspace.files).filter((f) => f.startsWith('modules/')).length, unit: 'modules' });

  const parser = await HclParser.create();
  const { treeSitter, language } = await loadTerraformGrammar();
  const bareParser = new treeSitter.Parser();
  bareParser.setLanguage(language);
  const options = { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false } as const;

  const analyseOnce = async () => {
    const analyzer = new TerraformModuleAnalyzer(parser, new ReplacementKnowledgeBase());
    const t0 = performance.now();
    const result = await analyzer.analyze(dir, options);
    return { analyzer, ms: performance.now() - t0, result };
  };
  // Warm the code on the same workspace (the disk reader's parse cache is the analyzer's own).
  for (let i = 0; i < 3; i++) await analyseOnce();

  const bareRuns: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    for (const text of texts) bareParser.parse(text)?.delete();
    bareRuns.push(performance.now() - t0);
  }
  const bare = median(bareRuns);
  record({ name: 'tree-sitter bare parse of the 51 modules (baseline, median of 7)', value: bare, unit: 'ms' });

  const firstRuns: number[] = [];
  for (let i = 0; i < 5; i++) firstRuns.push((await analyseOnce()).ms);
  const first = median(firstRuns);
  record({ name: 'first analysis of the workspace (median of 5)', value: first, unit: 'ms', ratioToBaseline: first / bare });

  const held: { analyzer?: TerraformModuleAnalyzer } = { analyzer: (await analyseOnce()).analyzer };
  // One-character edits of the tfvars value that reaches 500 file instances: 0644 → 0640 → 0644 …
  const tfvars = path.join(dir, 'terraform.tfvars');
  const runs: number[] = [];
  for (let i = 0; i < 12; i++) {
    const value = i % 2 === 0 ? '0640' : '0644';
    writeFileSync(tfvars, `perm_hot  = "${value}"\nperm_cold = "0644"\n`);
    const t0 = performance.now();
    const result = await held.analyzer!.analyze(dir, options);
    runs.push(performance.now() - t0);
    const replaced = new Set(result.findings.filter((f) => f.code === 'terraform/forces-replacement' && f.file.endsWith('main.tf') && f.address).map((f) => f.address));
    const expected = value === '0640' ? 500 : 0;
    if (replaced.size !== expected) throw new Error(`the tfvars edit should replace ${expected} file instances, not ${replaced.size}`);
  }
  const edit = median(runs);
  record({ name: 're-analysis after a one-character tfvars edit reaching 500 instances (median of 12)', value: edit, unit: 'ms', ratioToBaseline: edit / bare });
  record({ name: 'memo entries kept for the workspace', value: held.analyzer!.memoEntries(dir), unit: 'entries' });
  record({ name: 'memo entries recomputed by the last edit', value: held.analyzer!.memoComputed(dir), unit: 'entries' });

  // The language server's resident memory with the workspace's root module open and analysed.
  const client = new LspTestClient();
  await client.initialize({ workspaceTrusted: false, workspaceFolders: [dir] });
  const rootFile = path.join(dir, 'main.tf');
  const uri = client.open(rootFile, readFileSync(rootFile, 'utf8'));
  await client.waitForDiagnostics(uri, () => true, 120_000);
  const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
  await client.stop();
  record({ name: 'language server RSS, the workspace open and analysed', value: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, unit: 'MB' });
  cleanupTempDirs();
  return figures;
}
