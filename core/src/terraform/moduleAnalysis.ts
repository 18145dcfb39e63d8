/**
 * The analysis of one Terraform module as a pure function of its inputs: the module's files as
 * read and parsed, its variable definitions files, what its lock file says, the baseline it is
 * compared with and the knowledge base in; findings out. Nothing here reads a file, runs a program
 * or asks the clock: a host gathers the inputs (the editor's documents over the disk, a git tree,
 * the state) and calls `analyzeModule`, the same way in the language server, the CLI and the tests.
 */
import type { Finding } from '../../../common/src/findings';
import { describeBaseline, type TerraformBaseline } from './baseline/terraformBaseline';
import { attributeOf, buildModuleConfiguration, type ConfigurationFile, type ModuleConfiguration } from './configuration';
import type { HclBlock, HclFile } from './hcl/model';
import type { KnowledgeLookup } from './knowledgeLookup';
import { LearnedKnowledge, type LearnedReplacement } from './learnedReplacements';
import { renameFindings, statefulRenameFindings } from './renameFindings';
import { replacementCoverage, type LockFileVersions, type ReplacementCoverage } from './replacementCoverage';
import { assessResources, replacementFindings, type AssessmentCache } from './replacementFindings';
import { evaluate, type EvaluationContext, type KnownValue } from './values';

/** A configuration file of the module, read and parsed. */
export interface ReadModuleFile {
  kind: 'read';
  path: string;
  text: string;
  file: HclFile;
  /**
   * What the user should know although the file was analysed, as a sentence: the editor's text of
   * a file whose bytes on disk are not UTF-8 is the editor's guess at them.
   */
  problem?: string;
}

/** A configuration file that was not analysed, and why, as a sentence for the user. */
export interface UnreadableModuleFile {
  kind: 'unreadable';
  path: string;
  problem: string;
}

export type ModuleFileInput = ReadModuleFile | UnreadableModuleFile;

export interface ModuleAnalysisInput {
  /** The module's configuration files, sorted by path. */
  files: readonly ModuleFileInput[];
  /** The variable definitions files Terraform loads by itself, parsed, in the order it loads them (a later value wins). */
  variableFiles: readonly HclFile[];
  lockFile: LockFileVersions;
  baseline: TerraformBaseline;
  knowledge: KnowledgeLookup;
  /**
   * Replacement paths real plans of this workspace showed: used where the knowledge base lacks the
   * type or attribute, or says it updates in place. The same array while nothing new was learned,
   * so that a memo keeps what it built from it.
   */
  learned?: readonly LearnedReplacement[];
  /**
   * The managed resource addresses each local child module declares, by the `source` its call
   * writes (`./files`), for "moved into a module". Sources absent from the map declare none; without
   * the map that rule is not applied.
   */
  childModules?: ReadonlyMap<string, string[]>;
  /** Kept by the caller between analyses of the same module, so that what an edit left alone is not assessed again. */
  memo?: ModuleAnalysisMemo;
}

export interface ModuleAnalysis {
  findings: Finding[];
  /** Human description of what was compared against, for logs and the CLI. */
  baselineDescription: string;
  /** The configuration files that were analysed. */
  files: string[];
  /** How many managed resources were checked for replacement, and why the others were not. */
  coverage: ReplacementCoverage;
}

/**
 * What one module's analyses share: the resource assessments, valid while the baseline object and
 * everything expressions can read are the same (see `assessmentCache`). A memo changes how fast an
 * analysis is, never what it finds.
 */
export interface ModuleAnalysisMemo {
  assessments?: { baseline: TerraformBaseline; inputs: unknown[]; cache: AssessmentCache };
  learned?: { from: readonly LearnedReplacement[]; base: KnowledgeLookup; knowledge: LearnedKnowledge };
}

export function analyzeModule(input: ModuleAnalysisInput): ModuleAnalysis {
  const findings: Finding[] = [];
  for (const file of input.files) if (file.problem !== undefined) findings.push(fileProblem(file.path, file.problem));
  const read = input.files.filter((file): file is ReadModuleFile => file.kind === 'read');
  for (const { path, file } of read) {
    for (const error of file.errors) {
      findings.push({ file: path, range: error.range, severity: 'error', code: 'terraform/syntax-error', message: error.message });
    }
  }
  const files: ConfigurationFile[] = read.map(({ path, file }) => ({ path, file }));
  const texts = new Map(read.map(({ path, text }) => [path, text]));
  const config = buildModuleConfiguration(files);
  const evaluation = evaluationContextOf(config, input.variableFiles);
  const { baseline } = input;
  const learned = learnedKnowledge(input);
  const knowledge = learned ?? input.knowledge;
  if (baseline.kind === 'none' && files.length > 0) {
    findings.push({
      file: files[0].path,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: baseline.explicit ? 'warning' : 'hint',
      code: 'terraform/baseline-unavailable',
      message: baseline.reason,
    });
  }
  const covered = replacementCoverage({ config, knowledge, lockFile: input.lockFile, hasBaseline: baseline.kind !== 'none' });
  findings.push(...covered.findings);
  const replacementInput = { config, texts, evaluation, baseline, knowledge, notChecked: covered.notChecked, moduleVersions: covered.moduleVersions, learned };
  const assessments = assessResources(replacementInput, assessmentCache(input.memo, baseline, files, evaluation, knowledge));
  findings.push(...replacementFindings(replacementInput, assessments));
  const childModules = input.childModules;
  const renames = renameFindings({ config, texts, baseline, childModuleResources: childModules && ((source) => childModules.get(source)) });
  findings.push(...renames, ...statefulRenameFindings(renames, knowledge));
  return {
    findings,
    baselineDescription: baseline.kind === 'none' ? baseline.reason : describeBaseline(baseline),
    files: files.map((f) => f.path),
    coverage: covered.coverage,
  };
}

/** The knowledge base with the learned replacements over it, the same object while both are the same; undefined without any. */
function learnedKnowledge(input: ModuleAnalysisInput): LearnedKnowledge | undefined {
  const from = input.learned;
  if (!from || from.length === 0) return undefined;
  const previous = input.memo?.learned;
  if (previous && previous.from === from && previous.base === input.knowledge) return previous.knowledge;
  const knowledge = new LearnedKnowledge(input.knowledge, from);
  if (input.memo) input.memo.learned = { from, base: input.knowledge, knowledge };
  return knowledge;
}

/**
 * What expressions of `config` can read: its literal locals and variable defaults, and the values
 * the variable definitions files give (a later file wins, as in Terraform).
 */
export function evaluationContextOf(config: ModuleConfiguration, variableFiles: readonly HclFile[]): EvaluationContext {
  const context: EvaluationContext = {
    pathModule: '.',
    locals: config.locals,
    variableDefaults: config.variableDefaults,
    variableValues: new Map(),
  };
  for (const file of variableFiles) {
    for (const attribute of file.attributes) {
      const value = evaluate(attribute.value, context);
      if (value.known) context.variableValues.set(attribute.name, value.value as KnownValue);
    }
  }
  return context;
}

/**
 * The `source` of each module call that names a local folder (`./x`, `../x`): the child modules a
 * host reads for `childModules`.
 */
export function localModuleSources(files: readonly ModuleFileInput[]): string[] {
  const sources = new Set<string>();
  for (const file of files) {
    if (file.kind !== 'read') continue;
    for (const block of file.file.blocks) {
      if (block.type !== 'module' || block.labels.length !== 1) continue;
      const source = attributeOf(block, 'source')?.value.value;
      if (source?.kind === 'string' && /^\.\.?\//.test(source.value)) sources.add(source.value);
    }
  }
  return [...sources];
}

/**
 * Assessments stay valid while the baseline object (kept the same by the host while what it holds
 * is unchanged), the knowledge and everything expressions can read — locals, variables, tfvars —
 * are unchanged.
 */
function assessmentCache(
  memo: ModuleAnalysisMemo | undefined,
  baseline: TerraformBaseline,
  files: ConfigurationFile[],
  evaluation: EvaluationContext,
  knowledge: KnowledgeLookup,
): AssessmentCache | undefined {
  if (!memo) return undefined;
  // The knowledge object changes when something new was learned from a plan.
  const inputs: unknown[] = [knowledge, JSON.stringify([...evaluation.variableValues])];
  for (const { file } of files) for (const block of file.blocks) if (block.type === 'locals' || block.type === 'variable') inputs.push(block);
  const previous = memo.assessments;
  if (previous && previous.baseline === baseline && sameItems(previous.inputs, inputs)) return previous.cache;
  const cache: AssessmentCache = new WeakMap<HclBlock, never>();
  memo.assessments = { baseline, inputs, cache };
  return cache;
}

/** True when both lists hold the very same objects in the same order. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function fileProblem(file: string, message: string): Finding {
  return {
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'warning',
    code: 'terraform/file-unreadable',
    message,
  };
}
