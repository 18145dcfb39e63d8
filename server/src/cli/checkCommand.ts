/**
 * `immutable-infra check [PATH…]`: the same findings as the editor, for CI and the terminal.
 * Terraform modules are analysed per folder; Kubernetes manifests (`.yaml`/`.yml`) per file,
 * always against git (Terraform state holds no Kubernetes objects, so `--baseline state` and
 * `auto` mean git for them too).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../common/src/findings';
import { BaselineError } from '../terraform/baseline/stateBaseline';
import { resolveGitCommit } from '../terraform/baseline/gitBaseline';
import type { BaselineMode } from '../terraform/baseline/terraformBaseline';
import { KUBERNETES_FILE, KubernetesFileAnalyzer } from '../kubernetes/kubernetesFileAnalyzer';
import { HclParser } from '../terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../terraform/knowledgeBase/knowledgeBase';
import { TERRAFORM_FILE, TerraformModuleAnalyzer } from '../terraform/terraformModuleAnalyzer';
import type { ReplacementCoverage } from '../terraform/replacementCoverage';
import { addCoverage, coverageSummary, emptyCoverage } from './coverageSummary';
import { toSarif } from './sarif';
import { UsageError, type CommandResult } from './usage';

export interface CheckOptions {
  paths: string[];
  baseline: BaselineMode;
  gitRef?: string;
  format: 'text' | 'json' | 'sarif';
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
    } else if (arg === '--git-ref') options.gitRef = value();
    else if (arg === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif (got "${v}").`);
      options.format = v;
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

/**
 * Module folders and Kubernetes manifests under the given paths, and for Terraform file
 * arguments the files to keep findings for.
 */
function collectTargets(options: CheckOptions): { modules: Set<string>; onlyFiles: Map<string, Set<string>>; manifests: Set<string> } {
  const modules = new Set<string>();
  const manifests = new Set<string>();
  const onlyFiles = new Map<string, Set<string>>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new UsageError(`Cannot read ${path.relative(options.cwd, dir) || '.'}: ${(error as Error).message}`);
    }
    if (entries.some((e) => e.isFile() && TERRAFORM_FILE.test(e.name))) modules.add(dir);
    for (const entry of entries) if (entry.isFile() && KUBERNETES_FILE.test(entry.name)) manifests.add(path.join(dir, entry.name));
    for (const entry of entries) if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
  };
  for (const given of options.paths) {
    const full = path.resolve(options.cwd, given);
    if (!existsSync(full)) throw new UsageError(`No such file or folder: ${given}`);
    if (statSync(full).isDirectory()) walk(full);
    else if (TERRAFORM_FILE.test(full)) {
      const dir = path.dirname(full);
      modules.add(dir);
      const set = onlyFiles.get(dir) ?? new Set<string>();
      set.add(full);
      onlyFiles.set(dir, set);
    } else if (KUBERNETES_FILE.test(full)) manifests.add(full);
    else throw new UsageError(`${given} is not a Terraform file (.tf), a Kubernetes manifest (.yaml, .yml) or a folder.`);
  }
  return { modules, onlyFiles, manifests };
}

export async function runCheck(options: CheckOptions, version: string): Promise<CommandResult> {
  const { modules, onlyFiles, manifests } = collectTargets(options);
  const gitRef = options.gitRef ?? 'HEAD';
  if (options.gitRef !== undefined) {
    // A ref that doesn't exist is a usage error, not a silent "no baseline".
    for (const dir of new Set([...modules, ...[...manifests].map((f) => path.dirname(f))])) {
      try {
        await resolveGitCommit(dir, gitRef);
      } catch (error) {
        if (error instanceof BaselineError) throw new UsageError(error.message);
        throw error;
      }
    }
  }
  const findings: Finding[] = [];
  const coverage = emptyCoverage();
  // Loading the HCL grammar takes a moment: only when there is Terraform to read.
  const analyzer = modules.size > 0 ? new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase()) : undefined;
  for (const dir of analyzer ? [...modules].sort() : []) {
    const result = await analyzer!.analyze(dir, { baseline: options.baseline, gitRef, allowGit: true });
    addCoverage(coverage, result.coverage);
    const only = onlyFiles.get(dir);
    const explicitProblem = result.findings.find((f) => f.code === 'terraform/baseline-unavailable' && f.severity !== 'hint');
    if (explicitProblem && options.baseline !== 'auto') throw new UsageError(explicitProblem.message);
    findings.push(...result.findings.filter((f) => !only || only.has(f.file)));
  }
  const kubernetes = new KubernetesFileAnalyzer();
  for (const file of [...manifests].sort()) {
    const result = await kubernetes.analyze(file, { gitRef, allowGit: true });
    const explicitProblem = result.find((f) => f.code === 'kubernetes/baseline-unavailable');
    if (explicitProblem && options.baseline === 'git') throw new UsageError(explicitProblem.message);
    findings.push(...result);
  }
  const relative = findings
    .map((f) => ({ ...f, file: path.relative(options.cwd, f.file) || path.basename(f.file) }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const exitCode = relative.some((f) => f.severity === 'error') ? 1 : 0;
  return { exitCode, stdout: format(relative, options.format, version, coverage) };
}

const JSON_FIELDS = ['file', 'range', 'severity', 'code', 'message', 'address', 'attribute', 'kind', 'name', 'path', 'provider', 'before', 'after', 'ruleSource'] as const;

function format(findings: Finding[], kind: CheckOptions['format'], version: string, coverage: ReplacementCoverage): string {
  if (kind === 'json') {
    const out = findings.map((f) => Object.fromEntries(JSON_FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])));
    return `${JSON.stringify({ version: 1, findings: out }, null, 2)}\n`;
  }
  if (kind === 'sarif') return `${JSON.stringify(toSarif(findings, version), null, 2)}\n`;
  const terraform = coverageSummary(coverage);
  const summary = terraform === undefined ? '' : `${terraform}\n`;
  if (findings.length === 0) return `No findings.\n${summary}`;
  const lines = findings.map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`);
  const counts = ['error', 'warning', 'information', 'hint']
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : s === 'hint' ? 's' : 's'}`);
  return `${lines.join('\n')}\n\n${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.join(', ')}.\n${summary}`;
}
