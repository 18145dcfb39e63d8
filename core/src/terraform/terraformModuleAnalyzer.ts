/**
 * Analyses one Terraform module (a folder of `.tf` files) against its baseline. Owns the I/O the
 * pure analysis needs — reading files, state and git — with caches so that re-analysis after an
 * edit only re-parses what changed. Used by both the language server and the CLI; knows nothing
 * of LSP.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../common/src/findings';
import { BaselineError } from '../io/baselineError';
import { decodeUtf8 } from '../io/utf8';
import { readStateBaseline } from './baseline/stateBaseline';
import { readGitSnapshot, ThrottledCommitResolver } from '../io/git';
import { describeBaseline, type BaselineMode, type ConfigurationBaseline, type TerraformBaseline } from './baseline/terraformBaseline';
import { counterpartDisplay, counterpartPath, type DeployedVersion } from '../io/deployedVersion';
import { buildModuleConfiguration, type ConfigurationFile, type ModuleConfiguration } from './configuration';
import type { HclParser, ParsedHclDocument } from './hcl/hclParser';
import type { HclFile } from './hcl/model';
import type { KnowledgeLookup } from './knowledgeLookup';
import { LOCK_FILE, lockedProviderVersions } from './providerLockFile';
import { renameFindings, statefulRenameFindings } from './renameFindings';
import { replacementCoverage, type LockFileVersions, type ReplacementCoverage } from './replacementCoverage';
import { assessResources, replacementFindings, type AssessmentCache } from './replacementFindings';
import type { HclBlock } from './hcl/model';
import { evaluate, type EvaluationContext, type KnownValue } from './values';
import { renderFinding } from '../findingText/ruleText';

/** Files larger than this are not analysed: Terraform configuration that big is generated, not typed. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface ModuleAnalysisOptions {
  baseline: BaselineMode;
  gitRef: string;
  /** False in an untrusted workspace: no `git` process runs; only a state file can be a baseline. */
  allowGit: boolean;
  /**
   * The deployed version as files: it takes the place of git (the state still wins in `auto`).
   * Only files are read, so it works in an untrusted workspace too.
   */
  deployed?: DeployedVersion;
}

export interface OpenDocument {
  text: string;
  /** Absent when the document is too large to analyse (see MAX_FILE_BYTES). */
  parsed?: ParsedHclDocument;
}

export interface ModuleAnalysisResult {
  findings: Finding[];
  /** Human description of what was compared against, for logs and the CLI. */
  baselineDescription: string;
  files: string[];
  /** How many managed resources were checked for replacement, and why the others were not. */
  coverage: ReplacementCoverage;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  text: string;
  file: HclFile;
}

export const TERRAFORM_FILE = /\.(tf|tofu)$/;
const TFVARS_FILE = /(^terraform\.tfvars$|\.auto\.tfvars$)/;

export class TerraformModuleAnalyzer {
  private readonly diskCache = new Map<string, CachedFile>();
  private readonly gitCache = new Map<string, { config: ModuleConfiguration; evaluation: EvaluationContext; texts: Map<string, string> }>();
  private readonly commits = new ThrottledCommitResolver();
  /** Per deployed folder: its configuration, kept while the cached files it was built from are the same. */
  private readonly deployedCache = new Map<string, { files: CachedFile[]; baseline: ConfigurationBaseline }>();
  /** Per module folder: the assessment cache and what it is valid for. */
  private readonly assessmentCaches = new Map<string, { baseline: TerraformBaseline; inputs: unknown[]; cache: AssessmentCache }>();

  constructor(
    private readonly parser: HclParser,
    private readonly knowledge: KnowledgeLookup,
  ) {}

  /** Analyses the module in `moduleDir`; `openDocuments` (by absolute path) override the files on disk. */
  async analyze(moduleDir: string, options: ModuleAnalysisOptions, openDocuments = new Map<string, OpenDocument>()): Promise<ModuleAnalysisResult> {
    const findings: Finding[] = [];
    const dir = path.resolve(moduleDir);
    const names = listModuleFiles(dir, openDocuments);
    const files: ConfigurationFile[] = [];
    const texts = new Map<string, string>();
    for (const file of names) {
      const open = openDocuments.get(file);
      if (open && !open.parsed) {
        findings.push(fileProblem(file, tooLargeMessage(file, Buffer.byteLength(open.text, 'utf8'))));
        continue;
      }
      if (open?.parsed) {
        files.push({ path: file, file: open.parsed.file });
        texts.set(file, open.text);
        // The editor decoded the bytes with its own guess; replacement characters hint they aren't UTF-8.
        if (open.text.includes('\uFFFD') && isNotUtf8OnDisk(file)) findings.push(fileProblem(file, notUtf8Message(file)));
        continue;
      }
      const loaded = this.loadFromDisk(file);
      if ('problem' in loaded) {
        findings.push(fileProblem(file, loaded.problem));
        continue;
      }
      files.push({ path: file, file: loaded.file });
      texts.set(file, loaded.text);
    }
    for (const { path: file, file: parsed } of files) {
      for (const error of parsed.errors) {
        findings.push({ file, range: error.range, severity: 'error', code: 'terraform/syntax-error', message: error.message });
      }
    }
    const config = buildModuleConfiguration(files);
    const evaluation = this.evaluationContext(dir, config);
    const baseline = await this.resolveBaseline(dir, options);
    if (baseline.kind === 'none' && files.length > 0) {
      findings.push({
        file: files[0].path,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: baseline.explicit ? 'warning' : 'hint',
        code: 'terraform/baseline-unavailable',
        message: baseline.reason,
      });
    }
    const covered = replacementCoverage({ config, knowledge: this.knowledge, lockFile: this.lockFileVersions(dir), hasBaseline: baseline.kind !== 'none' });
    findings.push(...covered.findings);
    const input = { config, texts, evaluation, baseline, knowledge: this.knowledge, notChecked: covered.notChecked };
    const assessments = assessResources(input, this.assessmentCacheFor(dir, baseline, files, evaluation));
    findings.push(...replacementFindings(input, assessments));
    const renames = renameFindings({
      config,
      texts,
      baseline,
      childModuleResources: (source) => this.childModuleResources(path.resolve(dir, source)),
    });
    findings.push(...renames, ...statefulRenameFindings(renames, this.knowledge));
    return {
      findings,
      baselineDescription: baseline.kind === 'none' ? baseline.reason : describeBaseline(baseline),
      files: files.map((f) => f.path),
      coverage: covered.coverage,
    };
  }

  /** The module's own lock file; a child module has none (its root's applies), which the message says. */
  private lockFileVersions(dir: string): LockFileVersions {
    const file = path.join(dir, LOCK_FILE);
    if (!existsSync(file)) return { kind: 'absent' };
    const loaded = this.loadFromDisk(file);
    return 'problem' in loaded ? { kind: 'unreadable' } : { kind: 'read', versions: lockedProviderVersions(loaded.text) };
  }

  /**
   * Assessments stay valid while the baseline object (cached by the state and git readers) and
   * everything expressions can read — locals, variables, tfvars — are unchanged.
   */
  private assessmentCacheFor(dir: string, baseline: TerraformBaseline, files: ConfigurationFile[], evaluation: EvaluationContext): AssessmentCache {
    const inputs: unknown[] = [JSON.stringify([...evaluation.variableValues])];
    for (const { file } of files) for (const block of file.blocks) if (block.type === 'locals' || block.type === 'variable') inputs.push(block);
    const previous = this.assessmentCaches.get(dir);
    if (previous && previous.baseline === baseline && sameItems(previous.inputs, inputs)) return previous.cache;
    const cache: AssessmentCache = new WeakMap<HclBlock, never>();
    this.assessmentCaches.set(dir, { baseline, inputs, cache });
    return cache;
  }

  private loadFromDisk(file: string): CachedFile | { problem: string } {
    let stat;
    try {
      stat = statSync(file);
    } catch (error) {
      return { problem: `Cannot read ${path.basename(file)}: ${(error as Error).message}` };
    }
    const cached = this.diskCache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
    if (stat.size > MAX_FILE_BYTES) {
      return { problem: tooLargeMessage(file, stat.size) };
    }
    const decoded = decodeUtf8(readFileSync(file));
    if (decoded === undefined) return { problem: notUtf8Message(file) };
    const parsed = this.parser.parse(decoded);
    const entry: CachedFile = { mtimeMs: stat.mtimeMs, size: stat.size, text: decoded, file: parsed.file };
    parsed.dispose();
    this.diskCache.set(file, entry);
    return entry;
  }

  private evaluationContext(dir: string, config: ModuleConfiguration): EvaluationContext {
    const context: EvaluationContext = {
      pathModule: '.',
      locals: config.locals,
      variableDefaults: config.variableDefaults,
      variableValues: new Map(),
    };
    for (const name of safeReaddir(dir)
      .filter((n) => TFVARS_FILE.test(n))
      .sort()) {
      const loaded = this.loadFromDisk(path.join(dir, name));
      if ('problem' in loaded) continue;
      for (const attribute of loaded.file.attributes) {
        const value = evaluate(attribute.value, context);
        if (value.known) context.variableValues.set(attribute.name, value.value as KnownValue);
      }
    }
    return context;
  }

  private async resolveBaseline(dir: string, options: ModuleAnalysisOptions): Promise<TerraformBaseline & { explicit?: boolean }> {
    const stateFile = path.join(dir, 'terraform.tfstate');
    if (options.baseline !== 'git') {
      try {
        const state = readStateBaseline(stateFile);
        if (state) {
          const deployed = options.deployed && this.deployedConfiguration(dir, options.deployed);
          const previous = deployed && !('reason' in deployed) ? deployed : options.allowGit ? await this.gitConfig(dir, 'HEAD').catch(() => undefined) : undefined;
          return this.stableBaseline(dir, { kind: 'state', state, previousConfig: previous?.config });
        }
      } catch (error) {
        if (error instanceof BaselineError) return { kind: 'none', reason: error.message, explicit: true };
        throw error;
      }
      if (options.baseline === 'state') {
        return { kind: 'none', reason: `No baseline: the baseline setting is "state" and ${stateFile} does not exist.`, explicit: true };
      }
    }
    if (options.deployed && options.baseline !== 'git') {
      const deployed = this.deployedConfiguration(dir, options.deployed);
      if ('reason' in deployed) return { kind: 'none', reason: deployed.reason, explicit: true };
      return this.stableBaseline(dir, { kind: 'files', path: counterpartDisplay(options.deployed, dir), ...deployed });
    }
    if (!options.allowGit) {
      return {
        kind: 'none',
        reason: 'No baseline: this workspace is not trusted, so git is not run, and there is no terraform.tfstate here.',
        explicit: options.baseline === 'git',
      };
    }
    try {
      const git = await this.gitConfig(dir, options.gitRef);
      return this.stableBaseline(dir, { kind: 'git', ref: options.gitRef, commit: git.commit, config: git.config, evaluation: git.evaluation });
    } catch (error) {
      if (error instanceof BaselineError) {
        const explicit = options.baseline === 'git' || options.gitRef !== 'HEAD';
        const reason = options.baseline === 'auto' ? `${error.message} There is no terraform.tfstate either: nothing to compare edits with.` : error.message;
        return { kind: 'none', reason, explicit };
      }
      throw error;
    }
  }

  private readonly baselines = new Map<string, TerraformBaseline>();

  /** The same baseline object as last time when nothing in it changed, so caches keyed on it hold. */
  private stableBaseline(dir: string, baseline: TerraformBaseline): TerraformBaseline {
    const previous = this.baselines.get(dir);
    if (previous && sameItems(Object.values(previous), Object.values(baseline))) return previous;
    this.baselines.set(dir, baseline);
    return baseline;
  }

  private async gitConfig(dir: string, ref: string) {
    const { commit } = await this.commits.resolve(dir, ref);
    const key = `${dir}\0${commit}`;
    let cached = this.gitCache.get(key);
    if (!cached) {
      const snapshot = await readGitSnapshot(dir, commit, TERRAFORM_FILE);
      const files: ConfigurationFile[] = [];
      const texts = new Map<string, string>();
      for (const file of snapshot.files) {
        const parsed = this.parser.parse(file.text);
        files.push({ path: file.path, file: parsed.file });
        texts.set(file.path, file.text);
        parsed.dispose();
      }
      const config = buildModuleConfiguration(files);
      cached = {
        config,
        texts,
        evaluation: {
          pathModule: '.',
          locals: config.locals,
          variableDefaults: config.variableDefaults,
          variableValues: this.evaluationContext(dir, config).variableValues,
        },
      };
      this.gitCache.set(key, cached);
    }
    return { commit, ...cached };
  }

  /**
   * The configuration of the module's counterpart in the deployed folder, evaluated with that
   * folder's own tfvars (it is what was deployed). Files come through the mtime-keyed disk cache,
   * so an unchanged folder yields the same objects and the assessment cache holds.
   */
  private deployedConfiguration(dir: string, deployed: DeployedVersion): ConfigurationBaseline | { reason: string } {
    const counterpart = counterpartPath(deployed, dir);
    const unavailable = (why: string) => ({ reason: `${deployed.origin} holds no deployed version of ${dir}: ${why}.` });
    if (counterpart === undefined) return unavailable(`the module lies outside ${deployed.root}, which the deployed version mirrors`);
    let stat: Stats | undefined;
    try {
      stat = statSync(counterpart);
    } catch {
      stat = undefined;
    }
    if (!stat?.isDirectory()) {
      const shown = counterpartDisplay(deployed, dir);
      return unavailable(stat ? `${shown} is a file, and Terraform modules are matched by folder` : `no ${shown} folder`);
    }
    const names = safeReaddir(counterpart)
      .filter((n) => TERRAFORM_FILE.test(n))
      .sort();
    if (names.length === 0) return unavailable(`no .tf files in ${counterpartDisplay(deployed, dir)}`);
    const cached: CachedFile[] = [];
    const files: ConfigurationFile[] = [];
    for (const name of names) {
      const loaded = this.loadFromDisk(path.join(counterpart, name));
      if ('problem' in loaded) return unavailable(loaded.problem);
      cached.push(loaded);
      files.push({ path: path.join(counterpart, name), file: loaded.file });
    }
    // The tfvars count too: they change what the deployed expressions evaluated to.
    for (const name of safeReaddir(counterpart)
      .filter((n) => TFVARS_FILE.test(n))
      .sort()) {
      const loaded = this.loadFromDisk(path.join(counterpart, name));
      if (!('problem' in loaded)) cached.push(loaded);
    }
    const previous = this.deployedCache.get(counterpart);
    if (previous && sameItems(previous.files, cached)) return previous.baseline;
    const config = buildModuleConfiguration(files);
    const baseline = { config, evaluation: this.evaluationContext(counterpart, config) };
    this.deployedCache.set(counterpart, { files: cached, baseline });
    return baseline;
  }

  private childModuleResources(dir: string): string[] | undefined {
    const names = safeReaddir(dir).filter((n) => TERRAFORM_FILE.test(n));
    if (names.length === 0) return undefined;
    const files: ConfigurationFile[] = [];
    for (const name of names) {
      const loaded = this.loadFromDisk(path.join(dir, name));
      if (!('problem' in loaded)) files.push({ path: path.join(dir, name), file: loaded.file });
    }
    return buildModuleConfiguration(files)
      .resources.filter((r) => r.mode === 'managed')
      .map((r) => r.address);
  }
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function listModuleFiles(dir: string, openDocuments: Map<string, OpenDocument>): string[] {
  const names = new Set(
    safeReaddir(dir)
      .filter((n) => TERRAFORM_FILE.test(n))
      .map((n) => path.join(dir, n)),
  );
  for (const file of openDocuments.keys()) if (path.dirname(file) === dir && TERRAFORM_FILE.test(file)) names.add(file);
  return [...names].sort();
}

function isNotUtf8OnDisk(file: string): boolean {
  try {
    return decodeUtf8(readFileSync(file)) === undefined;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function notUtf8Message(file: string): string {
  return renderFinding('terraform/file-unreadable', { problem: 'not-utf8', file }).message;
}

export function tooLargeMessage(file: string, bytes: number): string {
  return renderFinding('terraform/file-unreadable', { problem: 'too-large', file, bytes, limitBytes: MAX_FILE_BYTES }).message;
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
