/**
 * A module's configuration files as they are in a git tree at one commit: the other source of
 * module files beside the disk (moduleFiles.ts). Runs `git` (through io/git.ts), so only where
 * processes may run.
 */
import { readGitSnapshot } from '../io/git';
import type { HclParser } from './hcl/hclParser';
import type { ModuleFileInput } from './moduleAnalysis';
import type { ModuleFiles } from './moduleFiles';
import { NATIVE_SYNTAX_CONFIGURATION_NAME } from './terraformFiles';

export class GitTreeFiles implements ModuleFiles {
  /** `commit`: a commit id (or any ref git resolves), read as is. */
  constructor(
    private readonly parser: HclParser,
    readonly commit: string,
  ) {}

  async configurationFiles(dir: string): Promise<ModuleFileInput[]> {
    const snapshot = await readGitSnapshot(dir, this.commit, NATIVE_SYNTAX_CONFIGURATION_NAME);
    return snapshot.files.map((file) => {
      const parsed = this.parser.parse(file.text);
      const read: ModuleFileInput = { kind: 'read', path: file.path, text: file.text, file: parsed.file };
      parsed.dispose();
      return read;
    });
  }
}
