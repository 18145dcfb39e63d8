/**
 * Runs the built CLI (`dist/cli.js`) the way a user or a CI job does: a separate Node process with
 * an argument array, its exit code and both streams captured whole.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js …args` in `cwd`; a graph of a big plan may print tens of megabytes. */
export function runCli(args: string[], cwd = process.cwd(), env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
