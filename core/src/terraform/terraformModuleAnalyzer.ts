/**
 * Analyses one Terraform module (a folder of `.tf` files) against its baseline: the host of the
 * pure analysis (moduleAnalysis.ts). It gathers the inputs — the module's files (the editor's
 * documents over the disk), its tfvars and lock file, the baseline from the state, a deployed
 * folder or git — and keeps what makes the next analysis after an edit cheap: parsed files, git
 * trees, deployed configurations, the baseline object while unchanged, the resource assessments.
 * Used by both the language server and the CLI; knows nothing of LSP. Every cache, its key and
 * what invalidates it: core/CACHES.md.
 */
import * as path from 'node:path';
import type { DeployedVersion } from '../io/deployedVersion';
import type { ProviderVerdicts } from '../providerPlugin/providerQuestions';
import { resolveBaseline } from './baseline/baselineSources';
import { DeployedFolders } from './baseline/deployedFolderSource';
import { GitModuleRevisions } from './baseline/gitRevisionSource';
import { localStateFile } from './baseline/stateBaseline';
import type { BackendStates } from './baseline/backendStates';
import type { BaselineMode, TerraformBaseline } from './baseline/terraformBaseline';
import type { HclParser } from './hcl/hclParser';
import { ParsedTemplates } from './hcl/templateText';
import type { KnowledgeLookup } from './knowledgeLookup';
import type { LearnedReplacement } from './learnedReplacements';
import { buildModuleConfiguration } from './configuration';
import { analyzeModule, sameItems, type ModuleAnalysis, type ModuleAnalysisMemo, type ReadModuleFile } from './moduleAnalysis';
import { moduleLocator, readChildModules } from './valueFlow/childModules';
import { DiskModuleFiles, type OpenDocument } from './moduleFiles';
import { moduleFolderFacts, type ModuleFolderFacts } from './rootAndChildModules';

export interface ModuleAnalysisOptions {
  baseline: BaselineMode;
  gitRef: string;
  /** False in an untrusted workspace: no process (`git`) runs; only files — a state file, a deployed folder — can be a baseline. */
  mayRunProcesses: boolean;
  /**
   * The deployed version as files: it takes the place of git (the state still wins in `auto`).
   * Only files are read, so it works in an untrusted workspace too.
   */
  deployed?: DeployedVersion;
  /** `-var-file` paths (relative to the module or absolute) the plan is run with: read after the automatically loaded files, in order. */
  varFiles?: readonly string[];
  /** List the questions to ask the providers themselves (`ModuleAnalysis.questions`). */
  collectProviderQuestions?: boolean;
  /** The providers' answers by instance address, applied where they answer the instance's current question. */
  providerVerdicts?: ProviderVerdicts;
}

export class TerraformModuleAnalyzer {
  private readonly disk: DiskModuleFiles;
  private readonly templates: ParsedTemplates;
  private readonly git: GitModuleRevisions;
  private readonly deployedFolders: DeployedFolders;
  /** Per module folder: the last baseline, handed out again while what it holds is the same. */
  private readonly baselines = new Map<string, TerraformBaseline>();
  /** Per module folder: what its analyses share. */
  private readonly memos = new Map<string, ModuleAnalysisMemo>();
  /** What real plans of the workspace taught: the same array until something new is learned. */
  private learned: readonly LearnedReplacement[] = [];

  /**
   * `backendStates`: reads remote backends' state (the language server and the CLI pass one);
   * without it only the local `terraform.tfstate` is state, and a remote backend's module is compared with git.
   */
  constructor(
    parser: HclParser,
    private readonly knowledge: KnowledgeLookup,
    private readonly backendStates?: BackendStates,
  ) {
    this.disk = new DiskModuleFiles(parser);
    this.templates = new ParsedTemplates(parser);
    this.git = new GitModuleRevisions(parser, this.disk);
    this.deployedFolders = new DeployedFolders(this.disk);
  }

  /** Replacement paths learned from real plans, for every analysis from now on. */
  useLearnedReplacements(learned: readonly LearnedReplacement[]): void {
    this.learned = learned;
  }

  /** Analyses the module in `moduleDir`; `openDocuments` (by absolute path) override the files on disk. */
  async analyze(moduleDir: string, options: ModuleAnalysisOptions, openDocuments: ReadonlyMap<string, OpenDocument> = new Map()): Promise<ModuleAnalysis> {
    const dir = path.resolve(moduleDir);
    const moduleFiles = this.disk.withOpenDocuments(openDocuments);
    const files = await moduleFiles.configurationFiles(dir);
    const variableFiles = [...this.disk.variableFiles(dir, openDocuments), ...this.disk.namedVariableFiles(dir, options.varFiles ?? [])];
    const lockFile = this.disk.lockFile(dir);
    const found = await resolveBaseline(dir, {
      mode: options.baseline,
      state: this.backendStates ? this.backendStates.source(options.mayRunProcesses, files) : localStateFile,
      deployedFolder: options.deployed && this.deployedFolders.of(options.deployed),
      git: options.mayRunProcesses ? this.git.at(options.gitRef, options.varFiles) : undefined,
      gitHead: options.mayRunProcesses ? this.git.at('HEAD', options.varFiles) : undefined,
    });
    const baseline = found.kind === 'none' ? found : this.stableBaseline(dir, found);
    const rootConfig = buildModuleConfiguration(files.filter((f): f is ReadModuleFile => f.kind === 'read'));
    return analyzeModule({
      dir,
      files,
      children: await readChildModules(dir, rootConfig, moduleFiles, moduleLocator(dir, this.disk.moduleManifest(dir))),
      readFile: (file) => this.disk.fileText(dir, file),
      parseTemplate: (text) => this.templates.parse(text),
      variableFiles,
      lockFile,
      baseline,
      knowledge: this.knowledge,
      learned: this.learned,
      memo: this.memoFor(dir),
      collectProviderQuestions: options.collectProviderQuestions,
      providerVerdicts: options.providerVerdicts,
    });
  }

  /**
   * The module calls and backend of the module in `moduleDir`, from the same parsed files its
   * analysis reads: what decides whether it is a root or a child module.
   */
  async moduleFacts(moduleDir: string, openDocuments: ReadonlyMap<string, OpenDocument> = new Map()): Promise<ModuleFolderFacts> {
    return moduleFolderFacts(await this.disk.withOpenDocuments(openDocuments).configurationFiles(path.resolve(moduleDir)));
  }

  /** The same baseline object as last time when nothing in it changed, so caches keyed on it hold. */
  private stableBaseline(dir: string, baseline: TerraformBaseline): TerraformBaseline {
    const previous = this.baselines.get(dir);
    if (previous && sameItems(Object.values(previous), Object.values(baseline))) return previous;
    this.baselines.set(dir, baseline);
    return baseline;
  }

  /** How many value-flow entries the analyses of `dir` keep: for the bench. */
  memoEntries(dir: string): number {
    return this.memos.get(path.resolve(dir))?.current?.size ?? 0;
  }

  /** How many value-flow entries the last analysis of `dir` computed rather than reused: for tests and the bench. */
  memoComputed(dir: string): number {
    return this.memos.get(path.resolve(dir))?.current?.computed ?? 0;
  }

  private memoFor(dir: string): ModuleAnalysisMemo {
    let memo = this.memos.get(dir);
    if (!memo) this.memos.set(dir, (memo = {}));
    return memo;
  }
}
