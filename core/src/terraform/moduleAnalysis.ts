/**
 * The analysis of one Terraform module as a pure function of its inputs: the module's files as
 * read and parsed, its variable definitions files, what its lock file says, the baseline it is
 * compared with and the knowledge base in; findings out. Nothing here reads a file, runs a program
 * or asks the clock: a host gathers the inputs (the editor's documents over the disk, a git tree,
 * the state) and calls `analyzeModule`, the same way in the language server, the CLI and the tests.
 */
import type { Finding, FindingBaseline } from '../../../common/src/findings';
import * as nodePath from 'node:path';
import { renderFinding } from '../findingText/ruleText';
import { baselineConfiguration, describeBaseline, findingBaseline, type ConfigurationBaseline, type TerraformBaseline } from './baseline/terraformBaseline';
import { blockHeaderRange, buildModuleConfiguration, type ConfigurationFile, type ModuleConfiguration } from './configuration';
import type { Expression } from './hcl/expression';
import type { HclFile } from './hcl/model';
import type { KnowledgeLookup } from './knowledgeLookup';
import { LearnedKnowledge, type LearnedReplacement } from './learnedReplacements';
import { renameFindings, statefulRenameFindings } from './renameFindings';
import { providerKeyOf, replacementCoverage, type LockFileVersions, type ReplacementCoverage, type ReplacementCoverageResult } from './replacementCoverage';
import { isLocalModuleSource } from './moduleSources';
import { replacementFindings } from './replacementFindings';
import { ConfigurationValues, type ValueSite, type VariableDefinitionsFile } from './valueFlow/configurationValues';
import { deployedStateIndex } from './valueFlow/deployedState';
import { IncrementalMemo } from './valueFlow/incrementalMemo';
import { assessmentRecipe, fateOf, inPlaceUpdateRecipe, referencedResource, type AssessmentContext } from './valueFlow/instanceAssessment';
import type { ResourceInstance } from './valueFlow/configurationValues';
import { configuredObject, instanceQuestion, statePrior } from './valueFlow/providerVerdicts';
import type { ProviderQuestion, ProviderVerdicts, QuestionPrior } from '../providerPlugin/providerQuestions';
import { buildModuleTree, isMissingModule, moduleAddressOf, treeNodes, type ChildModuleInputs, type ModuleTreeNode } from './valueFlow/moduleTree';

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
  /** The root module's folder (absolute): `path.module` of child modules is relative to it. */
  dir?: string;
  /** The module's configuration files, sorted by path. */
  files: readonly ModuleFileInput[];
  /** The variable definitions files Terraform loads by itself (and any `-var-file`), parsed, in the order it loads them (a later value wins). */
  variableFiles: readonly VariableDefinitionsFile[];
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
   * writes (`./files`), for "moved into a module"; absent: taken from `children`.
   */
  childModules?: ReadonlyMap<string, string[]>;
  /** The child modules the root calls, as the host read them, by call path (`files`, `files.inner`): their values and resources are analysed with the root's. */
  children?: ChildModuleInputs;
  /** `file()` in expressions: a file's text by its path relative to the root module; absent: `file()` stays unknown. */
  readFile?: (path: string) => string | undefined;
  /** `templatefile()`: a template file's text as an expression; absent: `templatefile` stays unknown. */
  parseTemplate?: (text: string) => Expression | undefined;
  /** `terraform.workspace`; `default` when absent. */
  workspace?: string;
  /** Kept by the caller between analyses of the same module, so that what an edit left alone is not assessed again. */
  memo?: ModuleAnalysisMemo;
  /** List the questions to ask the providers themselves (`ModuleAnalysis.questions`). */
  collectProviderQuestions?: boolean;
  /** The providers' answers, by instance address: each decides its instance's replacement while the instance's question is the one it answered. */
  providerVerdicts?: ProviderVerdicts;
}

export interface ModuleAnalysis {
  findings: Finding[];
  /** Human description of what was compared against, for logs and the CLI. */
  baselineDescription: string;
  /** What was compared against, for a status line: its kind, as findings carry it, and the remote state's failure it stands in for. */
  baselineSummary: { kind: TerraformBaseline['kind']; compared?: FindingBaseline; stateUnavailable?: string };
  /** The configuration files that were analysed: the root's and its child modules'. */
  files: string[];
  /** How many managed resources were checked for replacement, and why the others were not. */
  coverage: ReplacementCoverage;
  /** With `collectProviderQuestions`: every checked instance that has a deployed counterpart, as a question for its provider. */
  questions?: ProviderQuestion[];
}

/**
 * What one module's analyses share: the value flow's memo of the current configuration and of each
 * baseline's, and the configurations built of unchanged child modules. A memo changes how fast an
 * analysis is, never what it finds.
 */
export interface ModuleAnalysisMemo {
  current?: IncrementalMemo;
  baselines?: WeakMap<object, IncrementalMemo>;
  configs?: WeakMap<readonly ModuleFileInput[], ModuleConfiguration>;
  learned?: { from: readonly LearnedReplacement[]; base: KnowledgeLookup; knowledge: LearnedKnowledge };
}

export function analyzeModule(input: ModuleAnalysisInput): ModuleAnalysis {
  const findings: Finding[] = [];
  const memo = input.memo ?? {};
  for (const file of input.files) if (file.problem !== undefined) findings.push(fileProblem(file.path, file.problem));
  const read = input.files.filter((file): file is ReadModuleFile => file.kind === 'read');
  const children = input.children ?? new Map();
  for (const child of children.values()) {
    if (child.kind !== 'read') continue;
    for (const file of child.files) if (file.problem !== undefined) findings.push(fileProblem(file.path, file.problem));
  }
  const files: ConfigurationFile[] = read.map(({ path, file }) => ({ path, file }));
  const config = buildModuleConfiguration(files);
  const dir = input.dir ?? (read[0] ? nodePath.dirname(read[0].path) : '.');
  const tree = buildModuleTree(dir, read, config, children, (memo.configs ??= new WeakMap()));
  const nodes = treeNodes(tree);
  for (const node of nodes) {
    for (const file of node.files) {
      for (const error of file.file.errors) {
        findings.push({ file: file.path, range: error.range, severity: 'error', code: 'terraform/syntax-error', message: error.message });
      }
    }
  }
  const texts = new Map(nodes.flatMap((node) => node.files.map(({ path, text }) => [path, text] as const)));
  const { baseline } = input;
  const learned = learnedKnowledge(input);
  const knowledge = learned ?? input.knowledge;
  const standIn = baselineConfiguration(baseline)?.stateUnavailable;
  if ((baseline.kind === 'none' || standIn !== undefined) && files.length > 0) {
    // A backend's state that can't be read is said where the backend is declared; any other absence at the module's first file.
    const at = (standIn !== undefined && backendDeclaration(files)) || {
      file: files[0].path,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    };
    findings.push({
      file: at.file,
      range: at.range,
      severity: baseline.kind === 'none' && !baseline.explicit ? 'hint' : 'warning',
      code: 'terraform/baseline-unavailable',
      // A remote state that could not be read: the edits are compared with git (or the deployed folder) instead, never silently.
      message: renderFinding(
        'terraform/baseline-unavailable',
        baseline.kind === 'none' ? { reason: baseline.reason } : { reason: standIn!, comparedInstead: describeBaseline(baseline) },
      ).message,
    });
  }
  findings.push(...missingModuleFindings(nodes));
  const covered = treeCoverage(nodes, knowledge, input.lockFile, baseline.kind !== 'none');
  findings.push(...withProvidersAsked(covered.findings, input.providerVerdicts));
  const workspace = input.workspace ?? 'default';
  const deployed = baseline.kind === 'state' ? deployedStateIndex(baseline.state) : undefined;
  const baselineValues = configurationBaselineValues(baseline, input, memo, knowledge, workspace);
  const triggerTargets = replaceTriggeredByTargets(nodes);
  const context: AssessmentContext = {
    values: undefined as unknown as ConfigurationValues,
    baseline,
    baselineValues: baselineValues?.values,
    deployed,
    knowledge,
    notChecked: covered.notChecked,
    triggerTargets,
    verdicts: input.providerVerdicts,
  };
  const questions = input.collectProviderQuestions || input.providerVerdicts ? new InstanceQuestions(context) : undefined;
  if (questions) context.questionFor = (instance) => questions.of(instance);
  const values = new ConfigurationValues({
    tree,
    variableFiles: input.variableFiles,
    knowledge,
    deployed,
    assessment: { recipe: (instance) => assessmentRecipe(context, instance), fate: fateOf, inPlaceUpdate: (instance) => inPlaceUpdateRecipe(context, instance) },
    readFile: input.readFile,
    parseTemplate: input.parseTemplate,
    workspace,
    memo: (memo.current ??= new IncrementalMemo()),
  });
  context.values = values;
  const editedSites = editedSitesOf(values, baselineValues?.sites ?? previousSites(baseline, input, memo, knowledge, workspace));
  findings.push(...replacementFindings({ values, texts, baseline, knowledge, moduleVersions: covered.moduleVersions, learned, editedSites }));
  const asked = input.collectProviderQuestions && questions ? questions.all(values) : undefined;
  values.memo.sweep();
  baselineValues?.values.memo.sweep();
  const childModules = input.childModules ?? localChildModuleResources(tree);
  const renames = renameFindings({ config, texts, baseline, childModuleResources: childModules && ((source) => childModules.get(source)) });
  findings.push(...renames, ...statefulRenameFindings(renames, knowledge));
  const compared = findingBaseline(baseline);
  if (compared) for (const finding of findings) if (finding.address !== undefined && finding.baseline === undefined) finding.baseline = compared;
  return {
    findings,
    baselineDescription: baseline.kind === 'none' ? baseline.reason : describeBaseline(baseline),
    baselineSummary: { kind: baseline.kind, ...(compared ? { compared } : {}), ...(standIn !== undefined ? { stateUnavailable: standIn } : {}) },
    files: nodes.flatMap((node) => node.files.map((f) => f.path)),
    coverage: covered.coverage,
    ...(asked ? { questions: asked } : {}),
  };
}

/** Where the root module declares its backend (`backend "pg"` or `cloud`, type and labels): the file and range. */
function backendDeclaration(files: readonly ConfigurationFile[]): { file: string; range: Finding['range'] } | undefined {
  for (const { path, file } of files) {
    for (const block of file.blocks) {
      if (block.type !== 'terraform') continue;
      const backend = block.blocks.find((b) => b.type === 'backend' || b.type === 'cloud');
      if (backend) return { file: path, range: blockHeaderRange(backend) };
    }
  }
  return undefined;
}

/**
 * A provider the knowledge base does not describe may have answered itself: its not-checked
 * finding says so rather than claim nothing checked its resources.
 */
function withProvidersAsked(findings: Finding[], verdicts: ProviderVerdicts | undefined): Finding[] {
  if (!verdicts || verdicts.size === 0) return findings;
  const answered = new Set([...verdicts.values()].map((v) => v.provider.split(' ')[0]));
  return findings.map((f) =>
    f.code === 'terraform/not-checked' && f.provider !== undefined && answered.has(f.provider)
      ? { ...f, message: `${f.message} The provider itself answered for them instead (asked over the plugin protocol).` }
      : f,
  );
}

/** Resource types of the built-in `terraform.io/builtin/terraform` provider. */
const BUILT_IN_RESOURCE_TYPES = new Set(['terraform_data']);

/**
 * The question for each instance, made once per analysis: its provider (as its module's
 * `required_providers` names it), its evaluated configuration and its deployed counterpart (the
 * state's instance, or the baseline configuration's instance).
 */
class InstanceQuestions {
  private readonly made = new Map<string, ProviderQuestion | undefined>();

  constructor(private readonly context: AssessmentContext) {}

  of(instance: ResourceInstance): ProviderQuestion | undefined {
    if (this.made.has(instance.address)) return this.made.get(instance.address);
    const question = this.make(instance);
    this.made.set(instance.address, question);
    return question;
  }

  /** The questions of every deployed managed instance, those the knowledge base does not describe too. */
  all(values: ConfigurationValues): ProviderQuestion[] {
    const questions: ProviderQuestion[] = [];
    for (const module of values.allModuleInstances().instances) {
      for (const resource of module.node.config.resources) {
        if (resource.mode !== 'managed') continue;
        for (const instance of values.instancesOf(module, resource).instances) {
          const question = this.of(instance);
          if (question) questions.push(question);
        }
      }
    }
    return questions;
  }

  private make(instance: ResourceInstance): ProviderQuestion | undefined {
    const { context } = this;
    // Built into Terraform and OpenTofu themselves: there is no provider binary to ask.
    if (BUILT_IN_RESOURCE_TYPES.has(instance.resource.type)) return undefined;
    let prior: QuestionPrior | undefined;
    if (context.baseline.kind === 'state') {
      const deployed = context.deployed?.instance(instance.address);
      prior = deployed && statePrior(deployed);
    } else {
      const previous = context.baselineValues?.instanceAt(instance.address);
      prior = previous && context.baselineValues && { kind: 'configuration', config: configuredObject(context.baselineValues, previous) };
    }
    if (!prior) return undefined;
    const provider = providerKeyOf(instance.resource.providerLocalName, instance.module.node.config.requiredProviders);
    return instanceQuestion(instance.address, instance.resource.type, provider, configuredObject(context.values, instance), prior);
  }
}

/**
 * What the knowledge base can check, over the root and every child module (which use the root's
 * lock file): the counts summed, the resources it cannot check by their static address
 * (`module.a.x_y.z`), and each module's findings about it in that module's files.
 */
function treeCoverage(nodes: ModuleTreeNode[], knowledge: KnowledgeLookup, lockFile: LockFileVersions, hasBaseline: boolean): ReplacementCoverageResult {
  const [root, ...children] = nodes.map((node) => ({ node, result: replacementCoverage({ config: node.config, knowledge, lockFile, hasBaseline }) }));
  const total: ReplacementCoverageResult = {
    ...root.result,
    coverage: { ...root.result.coverage },
    notChecked: new Set(root.result.notChecked),
    findings: [...root.result.findings],
  };
  for (const { node, result } of children) {
    const prefix = node.callPath.length > 0 ? `${moduleAddressOf(node.callPath)}.` : '';
    total.coverage.checked += result.coverage.checked;
    total.coverage.withoutKnowledge += result.coverage.withoutKnowledge;
    total.coverage.withoutBaseline += result.coverage.withoutBaseline;
    for (const address of result.notChecked) total.notChecked.add(prefix + address);
    total.findings.push(...result.findings);
  }
  return total;
}

/** The baseline configuration's tree and its values, for a git or folder baseline. */
function configurationBaselineValues(
  baseline: TerraformBaseline,
  input: ModuleAnalysisInput,
  memo: ModuleAnalysisMemo,
  knowledge: KnowledgeLookup,
  workspace: string,
): { values: ConfigurationValues; sites: Map<string, ValueSite> } | undefined {
  const deployed = baselineConfiguration(baseline);
  return deployed && baselineTreeValues(deployed, input, memo, knowledge, workspace);
}

function baselineTreeValues(
  deployed: ConfigurationBaseline,
  input: ModuleAnalysisInput,
  memo: ModuleAnalysisMemo,
  knowledge: KnowledgeLookup,
  workspace: string,
): { values: ConfigurationValues; sites: Map<string, ValueSite> } {
  const baselines = (memo.baselines ??= new WeakMap());
  let baselineMemo = baselines.get(deployed);
  if (!baselineMemo) baselines.set(deployed, (baselineMemo = new IncrementalMemo()));
  const tree = buildModuleTree(deployed.dir, deployed.files, deployed.config, deployed.children ?? new Map(), (memo.configs ??= new WeakMap()));
  const values = new ConfigurationValues({
    tree,
    variableFiles: deployed.variableFiles,
    knowledge,
    // The deployed files' text where the baseline has it (a commit, a deployed folder), else the work tree's.
    readFile: deployed.readFile ?? input.readFile,
    parseTemplate: input.parseTemplate,
    workspace,
    memo: baselineMemo,
  });
  return { values, sites: values.allSites() };
}

/** With a state baseline: the lines of the last deployed configuration (git HEAD, the deployed folder), to tell which lines were edited. */
function previousSites(
  baseline: TerraformBaseline,
  input: ModuleAnalysisInput,
  memo: ModuleAnalysisMemo,
  knowledge: KnowledgeLookup,
  workspace: string,
): Map<string, ValueSite> | undefined {
  if (baseline.kind !== 'state' || !baseline.previous) return undefined;
  return baselineTreeValues(baseline.previous, input, memo, knowledge, workspace).sites;
}

/** The lines whose text differs from the baseline configuration's, with the baseline's line; none without a baseline configuration. */
function editedSitesOf(values: ConfigurationValues, before: Map<string, ValueSite> | undefined): Map<string, { before?: ValueSite }> {
  const edited = new Map<string, { before?: ValueSite }>();
  if (!before) return edited;
  for (const [key, site] of values.allSites()) {
    const previous = before.get(key);
    if (!previous || previous.text !== site.text) edited.set(key, { before: previous });
  }
  return edited;
}

/** Static addresses (`module.a.local_file.f`) of resources some `replace_triggered_by` names. */
function replaceTriggeredByTargets(nodes: ModuleTreeNode[]): Set<string> {
  const targets = new Set<string>();
  for (const node of nodes) {
    const prefix = node.callPath.length > 0 ? `${moduleAddressOf(node.callPath)}.` : '';
    for (const resource of node.config.resources) {
      const value = resource.lifecycle.replaceTriggeredBy?.value.value;
      if (value?.kind !== 'tuple') continue;
      for (const item of value.items) {
        const target = item.value.kind === 'expression' ? referencedResource(item.value.text) : undefined;
        if (target) targets.add(prefix + target.resource);
      }
    }
  }
  return targets;
}

function missingModuleFindings(nodes: ModuleTreeNode[]): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes) {
    for (const child of node.children.values()) {
      if (!isMissingModule(child)) continue;
      findings.push({
        file: child.call.file,
        range: blockHeaderRange(child.call.block),
        severity: 'warning',
        code: 'terraform/module-not-found',
        message: renderFinding('terraform/module-not-found', { call: child.call.name, reason: child.reason }).message,
      });
    }
  }
  return findings;
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

/** The managed resources of each local child module the root calls, by the `source` its call writes: for "moved into a module". */
function localChildModuleResources(tree: ModuleTreeNode): Map<string, string[]> {
  const resources = new Map<string, string[]>();
  for (const call of tree.config.moduleCalls) {
    const child = tree.children.get(call.name);
    if (call.source === undefined || !isLocalModuleSource(call.source) || !child || isMissingModule(child)) continue;
    resources.set(
      call.source,
      child.config.resources.filter((r) => r.mode === 'managed').map((r) => r.address),
    );
  }
  return resources;
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
