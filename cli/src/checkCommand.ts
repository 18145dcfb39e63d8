/**
 * `immutable-infra check [PATH…]`: the same findings as the editor, for CI and the terminal.
 * Terraform modules are analysed per root module folder, each with the child modules it calls
 * (a called folder is not analysed on its own); Kubernetes manifests (`.yaml`/`.yml`) per file,
 * against git (Terraform state holds no Kubernetes objects, so `--baseline state` and `auto`
 * mean git for them too) — or, with `--against PATH`, against the deployed version in PATH.
 *
 * A module or file whose baseline is unavailable gets its own finding and one line on stderr,
 * and everything else is still checked: one missing ref must not hide the rest. So does one whose
 * analysis throws (`terraform/analysis-failed`, `kubernetes/analysis-failed`), and the exit code
 * is then 2.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../common/src/findings';
import { systemProcessRunner } from '../../core/src/exec/systemProcessRunner';
import { BackendStates } from '../../core/src/terraform/baseline/backendStates';
import { ModuleExecutables } from '../../core/src/terraform/tool/moduleExecutables';
import type { BaselineMode } from '../../core/src/terraform/baseline/terraformBaseline';
import type { DeployedVersion } from '../../core/src/io/deployedVersion';
import { DefinitionFiles, MAX_SCANNED_FILES } from '../../core/src/kubernetes/customResourceDefinitionFiles';
import { CustomResourceRegistry } from '../../core/src/kubernetes/customResourceRegistry';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { KUBERNETES_FILE } from '../../core/src/kubernetes/manifestFiles';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer, type ModuleAnalysisOptions } from '../../core/src/terraform/terraformModuleAnalyzer';
import type { ProviderAsker } from '../../core/src/providerPlugin/providerAsker';
import type * as AskerModule from '../../core/src/providerPlugin/providerAsker';
import type { ProviderPool } from '../../core/src/providerPlugin/providerPool';
import type * as PoolModule from '../../core/src/providerPlugin/providerPool';
import { isNativeSyntaxConfigurationFile } from '../../core/src/terraform/terraformFiles';
import { calledFolders, isStandaloneRoot } from '../../core/src/terraform/moduleFolderCalls';
import { rootAndChildModules } from '../../core/src/terraform/rootAndChildModules';
import type { ReplacementCoverage } from '../../core/src/terraform/replacementCoverage';
import { analysisFailedFinding, analysisFailureReason } from '../../core/src/analysisFailure';
import { addCoverage, coverageSummary, emptyCoverage } from './coverageSummary';
import { displayedFindings } from '../../core/src/findingText/displayedFindings';
import { findingCountsLine } from './findingCounts';
import { findingsMarkdown } from './findingsMarkdown';
import { toSarif } from './sarif';
import { UsageError, type CommandResult } from './usage';

export interface CheckOptions {
  paths: string[];
  baseline: BaselineMode;
  gitRef?: string;
  /** The deployed version as a file or folder, as typed (relative to cwd or absolute). */
  against?: string;
  format: 'text' | 'json' | 'sarif' | 'markdown';
  /** `--var-file`: variable definitions files the plan uses, read after the automatically loaded ones (relative to cwd). */
  varFiles?: string[];
  /** `--ask-providers`: the initialised modules' own provider binaries decide (plugin protocol, offline). */
  askProviders?: boolean;
  /** `--crds PATH`: files or folders with CustomResourceDefinitions, besides those among the checked paths (as typed). */
  crds?: string[];
  /** `--kubernetes-baseline cluster`: manifests are compared with the live objects (`kubectl get`) and dry-run on the server. */
  kubernetesBaseline?: 'git' | 'cluster';
  /** `--kubectl PATH`: the kubectl for the cluster baseline; default `kubectl` on PATH. */
  kubectl?: string;
  cwd: string;
}

const SKIPPED_DIRS = new Set(['.git', '.terraform', 'node_modules', '.tools']);

export function parseCheckArguments(args: string[], cwd: string): CheckOptions {
  const options: CheckOptions = { paths: [], baseline: 'auto', format: 'text', cwd };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      return v;
    };
    if (arg === '--baseline') {
      const v = value();
      if (v !== 'auto' && v !== 'state' && v !== 'git') throw new UsageError(`--baseline must be auto, state or git (got "${v}").`);
      options.baseline = v;
    } else if (arg === '--kubernetes-baseline') {
      const v = value();
      if (v !== 'git' && v !== 'cluster') throw new UsageError(`--kubernetes-baseline must be git or cluster (got "${v}").`);
      options.kubernetesBaseline = v;
    } else if (arg === '--kubectl') options.kubectl = value();
    else if (arg === '--git-ref') options.gitRef = value();
    else if (arg === '--against') options.against = value();
    else if (arg === '--ask-providers') options.askProviders = true;
    else if (arg === '--crds') (options.crds ??= []).push(value());
    else if (arg === '--var-file') (options.varFiles ??= []).push(value());
    else if (arg.startsWith('--var-file=')) (options.varFiles ??= []).push(arg.slice('--var-file='.length));
    else if (arg === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'markdown') throw new UsageError(`--format must be text, json, sarif or markdown (got "${v}").`);
      options.format = v;
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) options.paths.push('.');
  for (const crds of options.crds ?? []) if (!existsSync(path.resolve(cwd, crds))) throw new UsageError(`--crds ${crds}: no such file or folder.`);
  if (options.against !== undefined) {
    if (options.baseline === 'git') throw new UsageError('--against PATH takes the place of git as the baseline: it cannot be combined with --baseline git.');
    if (options.gitRef !== undefined) throw new UsageError('--against PATH takes the place of git as the baseline: it cannot be combined with --git-ref.');
    if (!existsSync(path.resolve(cwd, options.against))) throw new UsageError(`--against ${options.against}: no such file or folder.`);
  }
  return options;
}

interface Targets {
  /** Module folders, each with the checked folder it was found under. */
  modules: Map<string, string>;
  /** For Terraform file arguments: the files to keep findings for. */
  onlyFiles: Map<string, Set<string>>;
  /** Kubernetes manifests, each with the checked folder it was found under. */
  manifests: Map<string, string>;
}

/** Module folders and Kubernetes manifests under the given paths; the deployed tree itself is not a target. */
function collectTargets(options: CheckOptions, deployedPath: string | undefined): Targets {
  const targets: Targets = { modules: new Map(), onlyFiles: new Map(), manifests: new Map() };
  const add = (map: Map<string, string>, key: string, root: string) => {
    if (!map.has(key)) map.set(key, root);
  };
  const walk = (dir: string, root: string) => {
    if (dir === deployedPath) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new UsageError(`Cannot read ${path.relative(options.cwd, dir) || '.'}: ${(error as Error).message}`);
    }
    const files = entries.filter((e) => e.isFile() && path.join(dir, e.name) !== deployedPath);
    if (files.some((e) => isNativeSyntaxConfigurationFile(e.name))) add(targets.modules, dir, root);
    for (const entry of files) if (KUBERNETES_FILE.test(entry.name)) add(targets.manifests, path.join(dir, entry.name), root);
    for (const entry of entries) if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name), root);
  };
  for (const given of options.paths) {
    const full = path.resolve(options.cwd, given);
    if (!existsSync(full)) throw new UsageError(`No such file or folder: ${given}`);
    if (statSync(full).isDirectory()) walk(full, full);
    else if (isNativeSyntaxConfigurationFile(full)) {
      const dir = path.dirname(full);
      add(targets.modules, dir, dir);
      const set = targets.onlyFiles.get(dir) ?? new Set<string>();
      set.add(full);
      targets.onlyFiles.set(dir, set);
    } else if (KUBERNETES_FILE.test(full)) add(targets.manifests, full, path.dirname(full));
    else throw new UsageError(`${given} is not a Terraform file (.tf), a Kubernetes manifest (.yaml, .yml) or a folder.`);
  }
  return targets;
}

/**
 * The module folders found that are root modules, each with the checked folder it was found
 * under. A folder that another found folder calls (a local source, or a folder the caller's
 * `.terraform/modules/modules.json` names) is a child module: it is analysed as part of the roots
 * that call it, not on its own, since it has no state, lock file or variables of its own. A folder
 * initialised or applied on its own (`.terraform`, a state file, a lock file, a backend) is a
 * root even when called. A named folder nobody in the checked trees calls is a root.
 */
async function rootModuleTargets(modules: Map<string, string>, analyzer: TerraformModuleAnalyzer): Promise<Map<string, string>> {
  const calls = new Map<string, string[]>();
  const standalone = new Set<string>();
  for (const dir of modules.keys()) {
    let facts;
    try {
      facts = await analyzer.moduleFacts(dir);
    } catch {
      // Its files cannot be read as the analysis reads them: a root of its own, whose analysis says why.
      calls.set(dir, []);
      continue;
    }
    calls.set(dir, calledFolders(dir, facts));
    if (isStandaloneRoot(dir, facts)) standalone.add(dir);
  }
  const { roots } = rootAndChildModules({ calls, standalone });
  return new Map(roots.map((root) => [root, modules.get(root)!]));
}

/** One finding per place and message, when two roots that share a child module both report it. */
function withoutDuplicates(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.file, f.range, f.severity, f.code, f.message, f.address]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What became of one module or manifest. */
interface TargetResult {
  target: string;
  findings: Finding[];
  /** Its baseline-unavailable finding, if any. */
  unavailable?: Finding;
  /** What the analysis threw, when it did: the target's findings are then only the one saying so. */
  failure?: unknown;
}

/** The rest of the run goes on: one folder the analysis cannot handle must not hide the others' findings. */
const NOT_IN_THIS_REPORT = 'Its findings are missing from this report; every other target was still checked.';

/** Where a module's analysis-failed finding is shown: its first Terraform file, as the module's other notes are. */
function firstTerraformFile(dir: string): string {
  try {
    const [first] = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && isNativeSyntaxConfigurationFile(e.name))
      .map((e) => e.name)
      .sort();
    return first === undefined ? dir : path.join(dir, first);
  } catch {
    return dir; // the folder went away since it was listed: the finding names the folder
  }
}

/** The provider pool and asker of one `check --ask-providers` run, with what they logged (printed on stderr). */
function askingProviders(): { pool: ProviderPool; asker: ProviderAsker; lines: string[]; log: (line: string) => void } {
  // The gRPC client is loaded only for a run that asks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DEFAULT_POOL_OPTIONS, ProviderPool } = require('../../core/src/providerPlugin/providerPool') as typeof PoolModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ProviderAsker } = require('../../core/src/providerPlugin/providerAsker') as typeof AskerModule;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const pool = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log });
  return { pool, asker: new ProviderAsker(pool, log), lines, log };
}

/** How long `check` waits for a remote backend's state before comparing with git instead. */
const STATE_READ_TIMEOUT_MS = 30_000;

export async function runCheck(options: CheckOptions, version: string): Promise<CommandResult> {
  const deployedPath = options.against === undefined ? undefined : path.resolve(options.cwd, options.against);
  const { modules, onlyFiles, manifests } = collectTargets(options, deployedPath);
  const deployedFor = (root: string): DeployedVersion | undefined =>
    deployedPath === undefined ? undefined : { path: deployedPath, root, display: options.against!, origin: `--against ${options.against}` };
  const gitRef = options.gitRef ?? 'HEAD';
  const results: TargetResult[] = [];
  const coverage = emptyCoverage();
  // Loading the HCL grammar takes a moment: only when there is Terraform to read.
  // A refused knowledge file or entry is said once on stderr; the other providers are still checked.
  const knowledgeProblems: string[] = [];
  const knowledge = new ReplacementKnowledgeBase(undefined, undefined, { report: (message) => knowledgeProblems.push(`immutable-infra: ${message}\n`) });
  // A remote backend's state is read with the terraform or tofu on PATH, once per module and run.
  const executables = new ModuleExecutables(() => '');
  const backendStates = new BackendStates({
    executableFor: (dir) => executables.for(dir),
    runner: systemProcessRunner,
    timing: () => ({ timeoutMs: STATE_READ_TIMEOUT_MS, refreshMs: Number.POSITIVE_INFINITY }),
  });
  const analyzer = modules.size > 0 ? new TerraformModuleAnalyzer(await HclParser.create(), knowledge, backendStates) : undefined;
  const roots = analyzer ? await rootModuleTargets(modules, analyzer) : new Map<string, string>();
  const providers = options.askProviders && analyzer ? askingProviders() : undefined;
  for (const [dir, root] of [...roots].sort(([a], [b]) => a.localeCompare(b))) {
    let result;
    try {
      const analyzeOptions: ModuleAnalysisOptions = {
        baseline: options.baseline,
        gitRef,
        mayRunProcesses: true,
        deployed: deployedFor(root),
        varFiles: options.varFiles?.map((file) => path.resolve(options.cwd, file)),
        collectProviderQuestions: providers !== undefined,
      };
      result = await analyzer!.analyze(dir, analyzeOptions);
      if (providers && result.questions && result.questions.length > 0) {
        // The provider's verdicts take the place of the knowledge base's where it answered.
        const verdicts = await providers.asker.answer(dir, result.questions);
        if (verdicts.size > 0) result = await analyzer!.analyze(dir, { ...analyzeOptions, providerVerdicts: verdicts });
      }
    } catch (error) {
      const shownAt = onlyFiles.has(dir) ? [...onlyFiles.get(dir)!].sort()[0] : firstTerraformFile(dir);
      results.push({ target: dir, findings: [analysisFailedFinding(shownAt, 'terraform', error, NOT_IN_THIS_REPORT)], failure: error });
      continue;
    }
    addCoverage(coverage, result.coverage);
    const unavailable = result.findings.find((f) => f.code === 'terraform/baseline-unavailable' && path.dirname(f.file) === dir);
    // A file argument narrows the findings in its folder, whichever root's analysis made them; the
    // module's baseline finding stays: it is about the whole module.
    const findings = result.findings.filter((f) => {
      const only = onlyFiles.get(path.dirname(f.file));
      return !only || only.has(f.file) || f === unavailable;
    });
    results.push({ target: dir, findings, unavailable });
  }
  if (providers) {
    for (const running of providers.pool.running()) {
      if (running.residentBytes !== undefined)
        providers.log(`${running.label} (pid ${running.pid}) used ${(running.residentBytes / (1024 * 1024)).toFixed(1)} MB of memory`);
    }
    await providers.pool.dispose();
  }
  // Within one run each deployed file is read once.
  const kubernetes = new KubernetesFileAnalyzer(Infinity);
  const relativePath = (p: string) => path.relative(options.cwd, p) || path.basename(p);
  // The CRDs among the checked manifests and under --crds: their custom resources are checked against their immutability rules.
  const crdScan =
    manifests.size > 0 ? new DefinitionFiles(relativePath).scan([...manifests.keys(), ...(options.crds ?? []).map((p) => path.resolve(options.cwd, p))]) : undefined;
  const customResources = crdScan && crdScan.definitions.length > 0 ? new CustomResourceRegistry(crdScan.definitions) : undefined;
  for (const [file, root] of [...manifests].sort(([a], [b]) => a.localeCompare(b))) {
    let findings;
    try {
      findings = await kubernetes.analyze(file, {
        gitRef,
        mayRunProcesses: true,
        deployed: deployedFor(root),
        explicitGit: options.baseline === 'git',
        customResources,
        ...(options.kubernetesBaseline === 'cluster' ? { baseline: 'cluster' as const, kubectl: { path: options.kubectl ?? '' } } : {}),
      });
    } catch (error) {
      results.push({ target: file, findings: [analysisFailedFinding(file, 'kubernetes', error, NOT_IN_THIS_REPORT)], failure: error });
      continue;
    }
    results.push({ target: file, findings, unavailable: findings.find((f) => f.code === 'kubernetes/baseline-unavailable') });
  }
  const relative = withoutDuplicates(results.flatMap((r) => r.findings))
    .map((f) => ({ ...f, file: relativePath(f.file), ...(f.related ? { related: f.related.map((r) => ({ ...r, file: relativePath(r.file) })) } : {}) }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const stderr =
    knowledgeProblems.join('') +
    (crdScan?.problems.map((p) => `immutable-infra: ${p.source}: ${p.problem} Its custom resources are not checked against it.\n`).join('') ?? '') +
    (crdScan?.truncated ? `immutable-infra: only the first ${MAX_SCANNED_FILES} YAML files were searched for CustomResourceDefinitions.\n` : '') +
    (providers?.lines.map((line) => `immutable-infra: ${withRelativePaths(line, options.cwd)}\n`).join('') ?? '') +
    results
      .filter((r) => r.unavailable || r.failure !== undefined)
      .sort((a, b) => a.target.localeCompare(b.target))
      .map((r) => {
        const target = path.relative(options.cwd, r.target) || '.';
        if (!r.unavailable) return `immutable-infra: ${target}: could not be analysed: ${withRelativePaths(analysisFailureReason(r.failure), options.cwd)}\n`;
        const message = withRelativePaths(r.unavailable.message, options.cwd);
        // Most messages name their module already; the rest get the target in front.
        const named = target === '.' || namesPath(message, target);
        return `immutable-infra: ${named ? '' : `${target}: `}${message}\n`;
      })
      .join('');
  // Exit 2 when a target could not be analysed at all, or when nothing could be compared: every
  // target lacked the baseline the user asked for.
  const nothingCompared = results.length > 0 && results.every((r) => r.unavailable?.severity === 'warning');
  const failed = results.some((r) => r.failure !== undefined);
  const exitCode = failed || nothingCompared ? 2 : relative.some((f) => f.severity === 'error') ? 1 : 0;
  return { exitCode, stdout: format(relative, options.format, version, coverage), stderr };
}

/**
 * One line per finding; the same message at the same place for several instances once. Under a
 * replacement that replaces others in turn, the cascade as a tree of instance addresses.
 */
function textLine(f: Finding): string {
  return `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`;
}

function textLines(findings: Finding[]): string[] {
  const lines: string[] = [];
  const dependentsOf = new Map<string, string[]>();
  for (const f of findings) {
    if (f.code !== 'terraform/cascade-replacement' || !f.address) continue;
    for (const upstream of f.cascadeFrom ?? []) {
      const list = dependentsOf.get(upstream) ?? [];
      if (!list.includes(f.address)) list.push(f.address);
      dependentsOf.set(upstream, list);
    }
  }
  for (const f of displayedFindings(findings)) {
    lines.push(textLine(f));
    if (f.cascade && f.cascade.length > 0 && f.address && f.code !== 'terraform/cascade-replacement') {
      lines.push(`    ⟳ replacing ${f.address} replaces ${f.cascade.length} more:`);
      const tree = (address: string, depth: number, path: string[]) => {
        for (const child of dependentsOf.get(address) ?? []) {
          if (path.includes(child)) continue;
          lines.push(`    ${'  '.repeat(depth)}└ ${child}`);
          tree(child, depth + 1, [...path, child]);
        }
      };
      tree(f.address, 1, [f.address]);
    }
  }
  return lines;
}

/** Whether `message` mentions `target` as a path (not as part of a word: a module named `git` in "No git baseline"). */
function namesPath(message: string, target: string): boolean {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'\`(])${escaped}(?:[/:,.)]|$)`).test(message);
}

/** Messages name folders by absolute path; on the terminal, relative to where the user is. */
function withRelativePaths(message: string, cwd: string): string {
  const escaped = cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message
    .split(`${cwd}${path.sep}`)
    .join('')
    .replace(new RegExp(`${escaped}(?![\\w.-])`, 'g'), '.');
}

const JSON_FIELDS = [
  'file',
  'range',
  'severity',
  'code',
  'message',
  'address',
  'attribute',
  'kind',
  'name',
  'path',
  'provider',
  'before',
  'after',
  'ruleSource',
  'rule',
  'replacement',
  'cascade',
  'cascadeFrom',
  'related',
  'baseline',
] as const;

function format(findings: Finding[], kind: CheckOptions['format'], version: string, coverage: ReplacementCoverage): string {
  if (kind === 'json') {
    const out = findings.map((f) => Object.fromEntries(JSON_FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])));
    return `${JSON.stringify({ version: 1, findings: out }, null, 2)}\n`;
  }
  if (kind === 'sarif') return `${JSON.stringify(toSarif(findings, version), null, 2)}\n`;
  const terraform = coverageSummary(coverage);
  if (kind === 'markdown') return findingsMarkdown(findings, { coverage: terraform });
  const summary = terraform === undefined ? '' : `${terraform}\n`;
  if (findings.length === 0) return `No findings.\n${summary}`;
  const lines = textLines(findings);
  // Counted as printed: a message several instances share is one line, and one finding here.
  return `${lines.join('\n')}\n\n${findingCountsLine(displayedFindings(findings))}\n${summary}`;
}
