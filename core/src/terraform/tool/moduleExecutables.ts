/**
 * The terraform or tofu that runs for a root module (executableChoice.ts decides which), with
 * which tool and version it is. `version -json` runs once per program path and size/mtime: a
 * state read per refresh must not pay for a second process every time.
 */
import { statSync } from 'node:fs';
import { chooseTerraformExecutable } from './executableChoice';
import { describeTerraformExecutable, type TerraformExecutable } from './terraformExecutable';

export class ModuleExecutables {
  private readonly described = new Map<string, { stamp: string; executable: Promise<TerraformExecutable> }>();

  /**
   * `configuredPath(dir)`: the `immutableInfra.terraform.path` that applies to the module (empty:
   * search PATH); `env`: where PATH comes from.
   */
  constructor(
    private readonly configuredPath: (rootDir: string) => string | Promise<string>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The program for the module in `rootDir`; rejects with TerraformExecutableNotFoundError (its message says what was searched). */
  async for(rootDir: string): Promise<TerraformExecutable> {
    const chosen = chooseTerraformExecutable(await this.configuredPath(rootDir), { moduleDir: rootDir, env: this.env });
    const stamp = fileStamp(chosen.path);
    let cached = this.described.get(chosen.path);
    if (!cached || cached.stamp !== stamp) {
      cached = { stamp, executable: describeTerraformExecutable(chosen, { env: this.env }) };
      this.described.set(chosen.path, cached);
      // A failure is not kept: the next read tries again (the program may be installed meanwhile).
      cached.executable.catch(() => this.described.delete(chosen.path));
    }
    return { ...(await cached.executable), reason: chosen.reason };
  }
}

function fileStamp(file: string): string {
  try {
    const info = statSync(file);
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
