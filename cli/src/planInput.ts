/**
 * Reading the PLAN argument of the plan commands (`plan-summary`, `graph`): one place that turns an
 * unreadable file or a binary plan into the caller's error (exit 2), so both commands say the same.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './usage';

/** The text of a JSON plan file; UsageError for a missing file or a binary plan (which needs `show -json` first). */
export function readPlanText(file: string, cwd: string, command: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(cwd, file));
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  // Binary plan files are zip archives ("PK\x03\x04").
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) {
    throw new UsageError(
      `${file} is a binary plan file; ${command} needs the JSON plan: run \`terraform show -json ${file} > plan.json\` (or \`tofu show -json\`) and pass plan.json. Reading binary plans directly needs the plan runner, which is not available yet.`,
    );
  }
  return bytes.toString('utf8');
}
