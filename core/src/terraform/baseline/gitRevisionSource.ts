/**
 * The module at a git revision as its baseline (the default without local state): its
 * configuration files, its child modules and its variable definitions files in the tree of the
 * commit the ref resolves to. Runs `git`, so it is only used where processes may run.
 */
import * as path from 'node:path';
import { readGitFile, readGitFilesUnder, readGitSnapshot, ThrottledCommitResolver } from '../../io/git';
import { buildModuleConfiguration } from '../configuration';
import type { HclParser } from '../hcl/hclParser';
import { GitTreeFiles } from '../gitTreeFiles';
import type { ReadModuleFile } from '../moduleAnalysis';
import type { DiskModuleFiles } from '../moduleFiles';
import { moduleLocator, readChildModules } from '../valueFlow/childModules';
import type { VariableDefinitionsFile } from '../valueFlow/configurationValues';
import { compareTfvarsLoadOrder, parseVariableDefinitions } from '../variableDefinitions';
import { AUTO_LOADED_TFVARS_NAME } from '../terraformFiles';
import type { GitRevisionSource } from './baselineSources';
import type { ConfigurationBaseline } from './terraformBaseline';

/**
 * Git revisions of modules, with what has been read of them: refs are resolved at most every
 * 1.5 s per folder (ThrottledCommitResolver), and each module's configuration at a commit is read
 * and parsed once (a commit never changes).
 */
export class GitModuleRevisions {
  private readonly commits = new ThrottledCommitResolver();
  /** By module folder and commit. */
  private readonly atCommit = new Map<string, ConfigurationBaseline>();

  /** `disk`: where the work tree's variable definitions files and module manifest are read. */
  constructor(
    private readonly parser: HclParser,
    private readonly disk: DiskModuleFiles,
  ) {}

  /**
   * Git at `ref` as a baseline source; `varFiles`, the `-var-file`s the plan is run with (relative
   * to the module or absolute), as committed. Throws BaselineError when the folder is not in a
   * repository or the ref does not exist.
   */
  at(ref: string, varFiles: readonly string[] = []): GitRevisionSource {
    return {
      ref,
      configuration: async (dir) => {
        const { commit } = await this.commits.resolve(dir, ref);
        return { kind: 'git', ref, commit, ...(await this.configurationAt(dir, commit, varFiles)) };
      },
    };
  }

  private async configurationAt(dir: string, commit: string, varFiles: readonly string[]): Promise<ConfigurationBaseline> {
    const key = `${dir}\0${commit}\0${varFiles.join('\0')}`;
    let cached = this.atCommit.get(key);
    if (!cached) {
      const tree = new GitTreeFiles(this.parser, commit);
      const files = (await tree.configurationFiles(dir)).filter((f): f is ReadModuleFile => f.kind === 'read');
      const config = buildModuleConfiguration(files);
      cached = {
        config,
        dir,
        files,
        variableFiles: [...(await this.variableFilesAt(dir, commit)), ...(await this.namedVariableFilesAt(dir, commit, varFiles))],
        // Modules `terraform init` installed are not in git: the work tree's manifest says where they are.
        children: await readChildModules(dir, config, tree, moduleLocator(dir, this.disk.moduleManifest(dir))),
      };
      // Only a configuration that reads files pays for reading the commit's other files.
      const readsFiles = [cached.files, ...[...cached.children.values()].map((c) => (c.kind === 'read' ? c.files : []))].some((files) =>
        files.some((f) => f.kind === 'read' && FILE_FUNCTION.test(f.text)),
      );
      const committedFiles = readsFiles
        ? await readGitFilesUnder(dir, commit, isReadableByFunctions, COMMITTED_FILE_LIMITS).catch(() => new Map<string, string>())
        : new Map<string, string>();
      cached.readFile = (file) => {
        const relative = path.relative(dir, path.resolve(dir, file)).split(path.sep).join('/');
        return committedFiles.get(relative) ?? this.disk.fileText(dir, file);
      };
      this.atCommit.set(key, cached);
    }
    return cached;
  }

  /** `-var-file`s as committed; one outside the repository or not in the commit is read from the disk. */
  private async namedVariableFilesAt(dir: string, commit: string, varFiles: readonly string[]): Promise<VariableDefinitionsFile[]> {
    const files: VariableDefinitionsFile[] = [];
    for (const file of varFiles) {
      const absolute = path.resolve(dir, file);
      const committed = await readGitFile(absolute, commit).catch(() => undefined);
      if (committed?.text !== undefined) files.push(parseVariableDefinitions(absolute, committed.text, this.parser));
      else files.push(...this.disk.namedVariableFiles(dir, [absolute]));
    }
    return files;
  }

  /**
   * The variable definitions files as committed; one the commit lacks (kept out of git, as files
   * with secrets often are) is read from the work tree, as the best guess at what was deployed.
   */
  private async variableFilesAt(dir: string, commit: string): Promise<VariableDefinitionsFile[]> {
    const committed = await readGitSnapshot(dir, commit, AUTO_LOADED_TFVARS_NAME);
    const byName = new Map<string, VariableDefinitionsFile>();
    for (const file of this.disk.variableFiles(dir)) byName.set(path.basename(file.path), file);
    for (const file of committed.files) byName.set(path.basename(file.path), parseVariableDefinitions(file.path, file.text, this.parser));
    return [...byName.entries()].sort(([a], [b]) => compareTfvarsLoadOrder(a, b)).map(([, file]) => file);
  }
}

/** Files `file()` and `templatefile()` may read: not configuration, state or the tools' own folder. */
function isReadableByFunctions(relative: string): boolean {
  return !/(^|\/)\.terraform\//.test(relative) && !/\.(tf|tofu|tfstate|tfstate\.backup)$/.test(relative) && !relative.endsWith('.tf.json');
}

/** Bounds on what is read of a commit beyond configuration: templates and scripts are small and few. */
const COMMITTED_FILE_LIMITS = { maxFiles: 64, maxBytes: 1024 * 1024 };

/** A call of a function that reads a file: `file`, `templatefile`, `filebase64`, `filesha256`, `fileexists`, … */
const FILE_FUNCTION = /\b(?:file|templatefile|filebase64|filemd5|filesha1|filesha256|filesha512|filebase64sha256|filebase64sha512|fileexists|fileset)\s*\(/;
