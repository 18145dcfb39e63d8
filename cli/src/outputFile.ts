/**
 * `-o FILE` of the commands that write a page or a model (`graph`, `rollout`): the rendered text
 * goes to FILE (relative to the working folder) instead of stdout; a file that cannot be written is
 * a usage error in the system's words, and nothing is printed.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CommandResult } from './usage';

export function writeRendered(rendered: string, output: string | undefined, cwd: string): CommandResult {
  if (output === undefined) return { exitCode: 0, stdout: rendered };
  try {
    writeFileSync(path.resolve(cwd, output), rendered);
  } catch (error) {
    throw new UsageError(`Cannot write ${output}: ${(error as Error).message}`);
  }
  return { exitCode: 0, stdout: '' };
}
