/**
 * The module at a git revision as its baseline (the default without local state): its
 * configuration files in the tree of the commit the ref resolves to, evaluated with the variable
 * definitions files of the work tree. Runs `git`, so it is only used where processes may run.
 */
import { ThrottledCommitResolver } from '../../io/git';
import { buildModuleConfiguration, type ModuleConfiguration } from '../configuration';
import type { HclParser } from '../hcl/hclParser';
import { GitTreeFiles } from '../gitTreeFiles';
import { evaluationContextOf, type ReadModuleFile } from '../moduleAnalysis';
import type { DiskModuleFiles } from '../moduleFiles';
import type { EvaluationContext } from '../values';
import type { GitRevisionSource } from './baselineSources';

/**
 * Git revisions of modules, with what has been read of them: refs are resolved at most every
 * 1.5 s per folder (ThrottledCommitResolver), and each module's configuration at a commit is read
 * and parsed once (a commit never changes).
 */
export class GitModuleRevisions {
  private readonly commits = new ThrottledCommitResolver();
  /** By module folder and commit. */
  private readonly atCommit = new Map<string, { config: ModuleConfiguration; evaluation: EvaluationContext }>();

  /** `disk`: where the work tree's variable definitions files are read. */
  constructor(
    private readonly parser: HclParser,
    private readonly disk: DiskModuleFiles,
  ) {}

  /** Git at `ref` as a baseline source. Throws BaselineError when the folder is not in a repository or the ref does not exist. */
  at(ref: string): GitRevisionSource {
    return {
      ref,
      configuration: async (dir) => {
        const { commit } = await this.commits.resolve(dir, ref);
        return { kind: 'git', ref, commit, ...(await this.configurationAt(dir, commit)) };
      },
    };
  }

  private async configurationAt(dir: string, commit: string): Promise<{ config: ModuleConfiguration; evaluation: EvaluationContext }> {
    const key = `${dir}\0${commit}`;
    let cached = this.atCommit.get(key);
    if (!cached) {
      const files = (await new GitTreeFiles(this.parser, commit).configurationFiles(dir)).filter((f): f is ReadModuleFile => f.kind === 'read');
      const config = buildModuleConfiguration(files);
      // The work tree's tfvars at the first read; the same object after, so that caches keyed on it hold.
      cached = { config, evaluation: evaluationContextOf(config, this.disk.variableFiles(dir)) };
      this.atCommit.set(key, cached);
    }
    return cached;
  }
}
