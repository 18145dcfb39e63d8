/**
 * Benchmark of the Terraform analysis on a 2,000-resource module (~300 KB), against the targets that
 * keep warnings "while you type", reported as ratios to tree-sitter's bare parse of the same file
 * measured in the same run:
 *   first full analysis ≤ 300 ms, re-analysis after a one-character edit ≤ 30 ms (median),
 *   language-server RSS ≤ 150 MB.
 * "First full analysis" is the first analysis of a module by a running server: nothing of the
 * module cached, the analysis code compiled (warmed on another module). The first analysis in a
 * fresh process, which also pays for compiling that code, is reported beside it.
 *
 * The same one-character edit benchmark runs on a 2,000-resource module of aws's most used types
 * with the aws knowledge loaded (target: within 1.5× of the local_file figure of the same run), and
 * the language server's memory is measured with aws, google and azurerm in use against the same
 * module with those providers unknown (target: ≤ 40 MB more). See largeProviders.ts for where
 * their data comes from.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { HclParser, loadTerraformGrammar } from '../../core/src/terraform/hcl/hclParser';
import { KNOWLEDGE_DIR_ENV, ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { LspTestClient } from '../support/lspClient';
import { cleanupTempDirs, stateModule, type StateResourceSpec } from '../support/tempModule';
import { awsModule, BENCH_PROVIDERS_ENV, benchKnowledge, googleAndAzurermModule } from './largeProviders';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: number;
  ratioToBaseline?: number;
}

const RESOURCES = 2000;

/**
 * A realistic module: six resource kinds of the covered providers, with a state for each.
 * `variant` prefixes every resource name, so that a second module shares no address with the first.
 */
export function syntheticModule(count = RESOURCES, variant = ''): { text: string; state: StateResourceSpec[] } {
  const blocks: string[] = [];
  const state: StateResourceSpec[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 6) {
      case 0:
        blocks.push(
          `resource "local_file" "${variant}file_${i}" {\n  content         = "generated content number ${i}"\n  filename        = "\${path.module}/out/file_${i}.txt"\n  file_permission = "0644"\n}\n`,
        );
        state.push({
          type: 'local_file',
          name: `${variant}file_${i}`,
          instances: [
            { attributes: { content: `generated content number ${i}`, filename: `./out/file_${i}.txt`, file_permission: '0644', directory_permission: '0777' } },
          ],
        });
        break;
      case 1:
        blocks.push(
          `resource "random_string" "${variant}suffix_${i}" {\n  length  = 12\n  special = false\n  upper   = true\n  keepers = {\n    build = "b-${i}"\n  }\n}\n`,
        );
        state.push({
          type: 'random_string',
          name: `${variant}suffix_${i}`,
          instances: [{ attributes: { length: 12, special: false, upper: true, keepers: { build: `b-${i}` } } }],
        });
        break;
      case 2:
        blocks.push(`resource "null_resource" "${variant}hook_${i}" {\n  triggers = {\n    version = "${i}"\n    region  = "eu-west-1"\n  }\n}\n`);
        state.push({ type: 'null_resource', name: `${variant}hook_${i}`, instances: [{ attributes: { triggers: { version: String(i), region: 'eu-west-1' } } }] });
        break;
      case 3:
        blocks.push(`resource "terraform_data" "${variant}marker_${i}" {\n  input            = "marker-${i}"\n  triggers_replace = ["t-${i}", "static"]\n}\n`);
        state.push({
          type: 'terraform_data',
          name: `${variant}marker_${i}`,
          instances: [
            { attributes: { input: { value: `marker-${i}`, type: 'string' }, triggers_replace: { value: [`t-${i}`, 'static'], type: ['tuple', ['string', 'string']] } } },
          ],
        });
        break;
      case 4:
        blocks.push(`resource "time_sleep" "${variant}wait_${i}" {\n  create_duration = "30s"\n  triggers = {\n    id = "w-${i}"\n  }\n}\n`);
        state.push({ type: 'time_sleep', name: `${variant}wait_${i}`, instances: [{ attributes: { create_duration: '30s', triggers: { id: `w-${i}` } } }] });
        break;
      default:
        blocks.push(`resource "tls_private_key" "${variant}key_${i}" {\n  algorithm = "ECDSA"\n  ecdsa_curve = "P384"\n}\n`);
        state.push({ type: 'tls_private_key', name: `${variant}key_${i}`, instances: [{ attributes: { algorithm: 'ECDSA', ecdsa_curve: 'P384' } }] });
    }
  }
  return { text: blocks.join('\n'), state };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export async function terraformBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  const { text, state } = syntheticModule();
  const dir = stateModule({ 'main.tf': text }, state);
  const file = path.join(dir, 'main.tf');
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  record({ name: 'module size', value: Buffer.byteLength(text) / 1024, unit: 'KB' });

  const parser = await HclParser.create();
  // Baseline: tree-sitter's bare parse of the same text, no model built, with the very grammar
  // instance the analysis parses with: a second instance of the grammar's wasm would be compiled
  // (and tiered up by V8) on its own, and measure V8's compiler instead of the parse.
  const { treeSitter, language } = await loadTerraformGrammar();
  const bareParser = new treeSitter.Parser();
  bareParser.setLanguage(language);

  // First full analysis: a fresh analyzer and knowledge base, parse + model + baseline + findings.
  const firstAnalysis = async (moduleDir: string, moduleText: string): Promise<number> => {
    const analyzer = new TerraformModuleAnalyzer(parser, new ReplacementKnowledgeBase());
    const t0 = performance.now();
    const parsed = parser.parse(moduleText);
    await analyzer.analyze(
      moduleDir,
      { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false },
      new Map([[path.join(moduleDir, 'main.tf'), { text: moduleText, parsed }]]),
    );
    const elapsed = performance.now() - t0;
    parsed.dispose();
    return elapsed;
  };
  // In a fresh process neither the analysis code nor tree-sitter's wasm is optimised yet (V8
  // compiles wasm with a baseline compiler first and tiers hot functions up later): the very first
  // module a new server opens pays that once. Measured first, before anything warms up; no target.
  const coldProcess = await firstAnalysis(dir, text);

  // The target is the first analysis of a module by a running server: every cache of the module
  // (parse, state, knowledge base, assessments) cold, the code warm. The code is warmed on another
  // module that shares no address with this one, so nothing of this module is reused.
  const other = syntheticModule(RESOURCES, 'other_');
  const otherDir = stateModule({ 'main.tf': other.text }, other.state);
  for (let i = 0; i < 4; i++) await firstAnalysis(otherDir, other.text);

  // The baseline is measured as warm as the figure it is compared with (the wasm is shared).
  const bareRuns: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const tree = bareParser.parse(text);
    bareRuns.push(performance.now() - t0);
    tree?.delete();
  }
  const bare = median(bareRuns);
  record({ name: 'tree-sitter bare parse (baseline, median of 7)', value: bare, unit: 'ms' });
  record({ name: 'first full analysis in a fresh process (code and wasm not optimised yet, once)', value: coldProcess, unit: 'ms', ratioToBaseline: coldProcess / bare });

  const firstRuns: number[] = [];
  for (let i = 0; i < 7; i++) firstRuns.push(await firstAnalysis(dir, text));
  const first = median(firstRuns);
  record({ name: 'first full analysis of a module, running server (median of 7, caches cold)', value: first, unit: 'ms', target: 300, ratioToBaseline: first / bare });

  const permissionOffsets = offsetsOf(text, '"0644"', 4);
  const edit = median(await editRuns(parser, new ReplacementKnowledgeBase(), dir, text, permissionOffsets, '0'));
  record({ name: 're-analysis after a one-character edit (median of 40)', value: edit, unit: 'ms', target: 30, ratioToBaseline: edit / bare });

  // The same on aws resources, with the aws knowledge base loaded from its pack.
  const knowledge = benchKnowledge();
  const extra = process.env[BENCH_PROVIDERS_ENV];
  const sources = Object.entries(knowledge.sources).map(([name, from]) => `${name} from ${from}`);
  const missing = knowledge.missing.length ? `; missing: ${knowledge.missing.join(', ')}${extra ? '' : ` (set ${BENCH_PROVIDERS_ENV} to a directory holding them)`}` : '';
  console.log(`  (large providers: ${sources.join(', ') || 'none'}${missing})`);
  if (knowledge.sources['hashicorp-aws.json']) {
    const aws = awsModule(RESOURCES);
    const awsDir = stateModule({ 'main.tf': aws.text }, aws.state);
    const awsKnowledge = new ReplacementKnowledgeBase(knowledge.withLarge);
    const amiOffsets = offsetsOf(aws.text, '"ami-0a1b2c3d4e5f60718"', 5);
    let loadedByFirst = { providerFilesRead: 0, entriesParsed: 0 };
    const runs = await editRuns(parser, awsKnowledge, awsDir, aws.text, amiOffsets, 'f', (firstMs) => {
      loadedByFirst = awsKnowledge.loadCounts();
      record({ name: 'aws: first analysis, knowledge base cold (pack opened, entries parsed)', value: firstMs, unit: 'ms', ratioToBaseline: firstMs / bare });
      record({ name: 'aws: resource entries parsed by the first analysis (8 types used)', value: loadedByFirst.entriesParsed, unit: 'entries' });
    });
    const awsEdit = median(runs);
    record({ name: 'aws: re-analysis after a one-character edit (median of 40)', value: awsEdit, unit: 'ms', target: 30, ratioToBaseline: awsEdit / bare });
    record({ name: 'aws edit / local_file edit (same run)', value: awsEdit / edit, unit: '×', target: 1.5 });
    const after = awsKnowledge.loadCounts();
    const loadsDuringEdits = after.providerFilesRead - loadedByFirst.providerFilesRead + after.entriesParsed - loadedByFirst.entriesParsed;
    record({ name: 'aws: knowledge files read or entries parsed during the 40 edits', value: loadsDuringEdits, unit: 'loads', target: 0 });
  }

  // The language server's resident memory with the module open, after the same edits over LSP.
  const client = new LspTestClient();
  await client.initialize({ workspaceTrusted: false });
  const uri = client.open(file, readFileSync(file, 'utf8'));
  await client.waitForDiagnostics(uri, () => true, 60_000);
  let serverText = text;
  for (const offset of permissionOffsets.slice(0, 20)) {
    const start = positionAt(serverText, offset);
    client.edit(uri, { start, end: { line: start.line, character: start.character + 1 } }, '7');
    serverText = `${serverText.slice(0, offset)}7${serverText.slice(offset + 1)}`;
  }
  await client.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'terraform/forces-replacement').length === 20, 60_000);
  const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
  await client.stop();
  record({ name: 'language server RSS, module open and edited', value: rss, unit: 'MB', target: 150 });
  record({ name: 'language server peak RSS', value: peak, unit: 'MB' });

  if (knowledge.missing.length === 0) {
    // One module of all three large providers, 20 of its amis edited against the state; the same
    // server and module with those providers unknown is the baseline.
    const aws = awsModule(RESOURCES);
    const others = googleAndAzurermModule(100);
    let edited = aws.text;
    for (const offset of offsetsOf(aws.text, '"ami-0a1b2c3d4e5f60718"', 5).slice(0, 20)) edited = `${edited.slice(0, offset)}f${edited.slice(offset + 1)}`;
    const moduleDir = stateModule({ 'main.tf': edited, 'other.tf': others.text }, [...aws.state, ...others.state]);
    const without = await serverMemory(knowledge.withoutLarge, moduleDir, (d) => d.some((x) => x.code === 'terraform/not-checked'));
    const withData = await serverMemory(knowledge.withLarge, moduleDir, (d) => d.filter((x) => x.code === 'terraform/forces-replacement').length === 20);
    record({ name: 'language server RSS, aws+google+azurerm module, those providers unknown', value: without, unit: 'MB' });
    record({ name: 'language server RSS, same module, aws+google+azurerm knowledge in use', value: withData, unit: 'MB' });
    record({ name: 'language server RSS growth with aws+google+azurerm knowledge', value: withData - without, unit: 'MB', target: 40 });
  }
  cleanupTempDirs();
  return figures;
}

/** Offsets of `needle` in `text` plus `shift` (the character an edit changes), at most 40. */
function offsetsOf(text: string, needle: string, shift: number): number[] {
  const offsets: number[] = [];
  for (let at = text.indexOf(needle); at >= 0 && offsets.length < 40; at = text.indexOf(needle, at + 1)) offsets.push(at + shift);
  return offsets;
}

/**
 * Re-analysis after a one-character edit, as the language server does it: incremental re-parse
 * of the open document, then the module analysis with warm caches. Each offset gets `replacement`
 * in turn, an edit that forces a replacement. Returns the time of each edit; `afterFirst` is told
 * how long the first analysis (which loads what the module needs) took.
 */
async function editRuns(
  parser: HclParser,
  knowledge: ReplacementKnowledgeBase,
  dir: string,
  text: string,
  offsets: number[],
  replacement: string,
  afterFirst: (firstMs: number) => void = () => undefined,
): Promise<number[]> {
  const file = path.join(dir, 'main.tf');
  const options = { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false } as const;
  const analyzer = new TerraformModuleAnalyzer(parser, knowledge);
  let current = { text, parsed: parser.parse(text) };
  const t0 = performance.now();
  await analyzer.analyze(dir, options, new Map([[file, current]]));
  afterFirst(performance.now() - t0);
  const runs: number[] = [];
  for (const offset of offsets) {
    const start = positionAt(current.text, offset);
    const newText = `${current.text.slice(0, offset)}${replacement}${current.text.slice(offset + 1)}`;
    const t1 = performance.now();
    const parsed = parser.reparse(current.parsed, newText, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, text: replacement }]);
    const result = await analyzer.analyze(dir, options, new Map([[file, { text: newText, parsed }]]));
    runs.push(performance.now() - t1);
    if (!result.findings.some((f) => f.code === 'terraform/forces-replacement')) throw new Error('the edit should force a replacement');
    current.parsed.dispose();
    current = { text: newText, parsed };
  }
  current.parsed.dispose();
  return runs;
}

/** The resident memory (MB) of a language server reading `knowledgeDir`, once `main.tf`'s diagnostics satisfy `ready`. */
async function serverMemory(knowledgeDir: string, moduleDir: string, ready: (diagnostics: Array<{ code?: string | number }>) => boolean): Promise<number> {
  const previous = process.env[KNOWLEDGE_DIR_ENV];
  process.env[KNOWLEDGE_DIR_ENV] = knowledgeDir;
  const client = new LspTestClient();
  if (previous === undefined) delete process.env[KNOWLEDGE_DIR_ENV];
  else process.env[KNOWLEDGE_DIR_ENV] = previous;
  try {
    await client.initialize({ workspaceTrusted: false });
    for (const name of ['other.tf', 'main.tf']) {
      const file = path.join(moduleDir, name);
      const uri = client.open(file, readFileSync(file, 'utf8'));
      if (name === 'main.tf') await client.waitForDiagnostics(uri, ready, 60_000);
    }
    const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  } finally {
    await client.stop();
  }
}
