/**
 * A pure harness for the Terraform rules: a module's files before and after an edit, as text, and
 * optionally its state, analysed by `analyzeModule` with the real parser and knowledge base, and
 * the baseline resolved by the real `resolveBaseline` — without a disk, git or a process. The
 * sources handed to it are in-memory stand-ins for the state file and the git revision.
 */
import * as path from 'node:path';
import { BaselineError } from '../../core/src/io/baselineError';
import { resolveBaseline, type GitRevisionSource, type StateSource } from '../../core/src/terraform/baseline/baselineSources';
import { parseStateBaseline } from '../../core/src/terraform/baseline/stateBaseline';
import type { BaselineMode } from '../../core/src/terraform/baseline/terraformBaseline';
import { buildModuleConfiguration } from '../../core/src/terraform/configuration';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import type { LearnedReplacement } from '../../core/src/terraform/learnedReplacements';
import { analyzeModule, type ModuleAnalysis, type ReadModuleFile } from '../../core/src/terraform/moduleAnalysis';
import type { VariableDefinitionsFile } from '../../core/src/terraform/valueFlow/configurationValues';
import type { ChildModuleInput } from '../../core/src/terraform/valueFlow/moduleTree';
import { compareTfvarsLoadOrder, parseVariableDefinitions } from '../../core/src/terraform/variableDefinitions';
import { lockedProviderVersions } from '../../core/src/terraform/providerLockFile';
import type { LockFileVersions } from '../../core/src/terraform/replacementCoverage';
import { isAutoLoadedTfvarsFile, isNativeSyntaxConfigurationFile, LOCAL_STATE_FILE } from '../../core/src/terraform/terraformFiles';
import { stateJson, type StateResourceSpec } from '../support/tempModule';

/** Where the module is said to be: findings name its files under this folder. */
export const MODULE_DIR = '/work/module';
/** The commit the `before` files are said to be at. */
export const BASELINE_COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** File texts by name inside the module folder. */
export type ModuleTexts = Record<string, string>;

export interface TerraformScenario {
  /** The deployed state's resources: then the state is the baseline, and `before` the configuration at git HEAD beside it. */
  state?: StateResourceSpec[];
  /** The state file's text as is (an old format, corrupt JSON); takes the place of `state`. */
  stateText?: string;
  /** The `baseline` setting; default `auto`. */
  mode?: BaselineMode;
  /** False: an untrusted workspace, where git does not run. Default true. */
  mayRunProcesses?: boolean;
  /** The module's `.terraform.lock.hcl`. */
  lockFile?: string;
  /** Local child modules' files, by the `source` that calls them (`./files`). */
  childModules?: Record<string, ModuleTexts>;
  /** The child modules at git HEAD, where they differ from `childModules`. */
  childModulesBefore?: Record<string, ModuleTexts>;
  /** Replacement paths learned from real plans of the workspace. */
  learned?: LearnedReplacement[];
}

let parser: Promise<HclParser> | undefined;
let knowledge: ReplacementKnowledgeBase | undefined;

/**
 * The findings for the module `after`, compared with `before` as its configuration at git HEAD
 * (undefined: the folder is not in a git repository) and with the scenario's state, if any.
 * Files of `after` that are not configuration but auto-loaded tfvars are read as such.
 */
export async function analyseTerraform(before: ModuleTexts | undefined, after: ModuleTexts, scenario: TerraformScenario = {}): Promise<ModuleAnalysis> {
  const hcl = await (parser ??= HclParser.create());
  knowledge ??= new ReplacementKnowledgeBase();
  const read = (texts: ModuleTexts, dir = MODULE_DIR): ReadModuleFile[] =>
    Object.keys(texts)
      .filter(isNativeSyntaxConfigurationFile)
      .sort()
      .map((name) => parsed(hcl, path.join(dir, name), texts[name]));
  const files = read(after);
  const variableFilesOf = (texts: ModuleTexts): VariableDefinitionsFile[] =>
    Object.keys(texts)
      .filter(isAutoLoadedTfvarsFile)
      .sort(compareTfvarsLoadOrder)
      .map((name) => parseVariableDefinitions(path.join(MODULE_DIR, name), texts[name], hcl));
  const variableFiles = variableFilesOf(after);
  // Calls into calls: a child's `source` is relative to its caller, and names a key of the map relative to the root.
  const childrenOf =
    (modules: Record<string, ModuleTexts> | undefined) =>
    (files: ReadModuleFile[]): Map<string, ChildModuleInput> => {
      const children = new Map<string, ChildModuleInput>();
      const visit = (callPath: string[], callerDir: string, callerFiles: ReadModuleFile[]) => {
        for (const call of buildModuleConfiguration(callerFiles).moduleCalls) {
          if (call.source === undefined) continue;
          const dir = path.resolve(callerDir, call.source);
          const key = path.relative(MODULE_DIR, dir).split(path.sep).join('/');
          const texts = modules?.[`./${key}`] ?? modules?.[key];
          if (!texts) continue;
          const childFiles = read(texts, dir);
          children.set([...callPath, call.name].join('.'), { kind: 'read', dir, files: childFiles });
          visit([...callPath, call.name], dir, childFiles);
        }
      };
      visit([], MODULE_DIR, files);
      return children;
    };
  const headSource = gitRevision(
    'HEAD',
    before && read(before),
    before ? variableFilesOf({ ...tfvarsOnly(after), ...before }) : [],
    childrenOf(scenario.childModulesBefore ?? scenario.childModules),
  );
  const mayRunProcesses = scenario.mayRunProcesses ?? true;
  const baseline = await resolveBaseline(MODULE_DIR, {
    mode: scenario.mode ?? 'auto',
    state: stateSource(scenario.stateText ?? (scenario.state && stateJson(scenario.state))),
    git: mayRunProcesses ? headSource : undefined,
    gitHead: mayRunProcesses ? headSource : undefined,
  });
  const childModules = new Map(
    Object.entries(scenario.childModules ?? {}).map(([source, texts]) => [
      source,
      buildModuleConfiguration(read(texts, path.join(MODULE_DIR, source)))
        .resources.filter((r) => r.mode === 'managed')
        .map((r) => r.address),
    ]),
  );
  return analyzeModule({
    dir: MODULE_DIR,
    files,
    variableFiles,
    lockFile: lockFileOf(scenario.lockFile),
    baseline,
    knowledge,
    childModules,
    children: childrenOf(scenario.childModules)(files),
    learned: scenario.learned,
  });
}

/**
 * The tfvars of a text set: the `before` files keep the work tree's tfvars unless they give their
 * own, as a git baseline reads a tfvars file the commit lacks from the work tree.
 */
function tfvarsOnly(texts: ModuleTexts): ModuleTexts {
  return Object.fromEntries(Object.entries(texts).filter(([name]) => isAutoLoadedTfvarsFile(name)));
}

function parsed(hcl: HclParser, file: string, text: string): ReadModuleFile {
  const document = hcl.parse(text);
  const read: ReadModuleFile = { kind: 'read', path: file, text, file: document.file };
  document.dispose();
  return read;
}

/** The module's state file, holding `text` (undefined: there is none). */
function stateSource(text: string | undefined): StateSource {
  const file = path.join(MODULE_DIR, LOCAL_STATE_FILE);
  return {
    state: async () => (text === undefined ? undefined : parseStateBaseline(text, file)),
    absence: () => `${file} does not exist`,
  };
}

/** Git at `ref`, whose tree holds `files` (undefined: the folder is not in a git repository) and `variableFiles`. */
function gitRevision(
  ref: string,
  files: ReadModuleFile[] | undefined,
  variableFiles: VariableDefinitionsFile[],
  childrenOf: (files: ReadModuleFile[]) => Map<string, ChildModuleInput>,
): GitRevisionSource {
  return {
    ref,
    configuration: async (dir) => {
      if (!files) throw new BaselineError(`No git baseline for ${dir}: the folder is not inside a git repository.`);
      const config = buildModuleConfiguration(files);
      return { kind: 'git', ref, commit: BASELINE_COMMIT, config, dir: MODULE_DIR, files, variableFiles, children: childrenOf(files) };
    },
  };
}

function lockFileOf(text: string | undefined): LockFileVersions {
  if (text === undefined) return { kind: 'absent' };
  return { kind: 'read', versions: lockedProviderVersions(text) };
}
