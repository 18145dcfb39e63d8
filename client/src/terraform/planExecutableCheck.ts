/**
 * A saved plan is applied by the program that made it. A plan file is bound to the tool and the
 * version that wrote it (Terraform refuses another version's plan; OpenTofu's and Terraform's plans
 * are not interchangeable), and what the user reviewed was that program's plan. So the program is
 * recorded with the plan — path, tool, version — and, right before an apply, the same path is asked
 * again who it is. If it is gone, or is now another tool or another version (an upgrade, a symlink
 * moved, a different program installed over it), the apply is refused with both names instead of
 * failing half-way with the tool's own version error.
 */
import { existsSync } from 'node:fs';
import {
  describeTerraformExecutable,
  TerraformExecutableNotFoundError,
  toolDisplayName,
  type DescribeOptions,
  type TerraformExecutable,
  type TerraformTool,
} from '../../../core/src/terraform/tool/terraformExecutable';

export type ExecutableCheck =
  | { ok: true; current: TerraformExecutable }
  | {
      ok: false;
      /** gone: no file there; not-executable: a file that can't be run; changed: another tool or version; unrecognised: it no longer says it is either. */
      change: 'gone' | 'not-executable' | 'changed' | 'unrecognised';
      message: string;
      recorded: TerraformExecutable;
      current?: { tool: TerraformTool; version: string };
    };

/** What the path answers now, as `describeTerraformExecutable` found it, or why it could not be asked. */
export type CurrentAnswer = { tool: TerraformTool; version: string } | { gone: true } | { notExecutable: true } | { failed: string };

/** Compares the program that made the plan with what its path answers now. Pure. */
export function compareExecutable(recorded: TerraformExecutable, now: CurrentAnswer): ExecutableCheck {
  const made = `The reviewed plan was made by ${toolDisplayName(recorded.tool)} ${recorded.version} (${recorded.path}), but ${recorded.path}`;
  const rule = 'a saved plan can only be applied by the program that made it.';
  if ('gone' in now) return { ok: false, change: 'gone', recorded, message: `${made} is gone: ${rule}` };
  if ('notExecutable' in now) return { ok: false, change: 'not-executable', recorded, message: `${made} can no longer be run (it is not executable): ${rule}` };
  if ('failed' in now) return { ok: false, change: 'unrecognised', recorded, message: `${made} no longer answers \`version\` (${now.failed}): ${rule}` };
  if (now.version === '') {
    return { ok: false, change: 'unrecognised', recorded, current: now, message: `${made} no longer says it is Terraform or OpenTofu: ${rule}` };
  }
  if (now.tool !== recorded.tool || now.version !== recorded.version) {
    return { ok: false, change: 'changed', recorded, current: now, message: `${made} is now ${toolDisplayName(now.tool)} ${now.version}: ${rule}` };
  }
  return { ok: true, current: { ...recorded, ...now } };
}

/** Asks the recorded path again (`version -json`) and compares. */
export async function checkPlanExecutable(recorded: TerraformExecutable, options: DescribeOptions = {}): Promise<ExecutableCheck> {
  let answer: CurrentAnswer;
  try {
    const current = await describeTerraformExecutable({ path: recorded.path, source: recorded.source }, options);
    answer = { tool: current.tool, version: current.version };
  } catch (error) {
    if (error instanceof TerraformExecutableNotFoundError) answer = existsSync(recorded.path) ? { notExecutable: true } : { gone: true };
    else answer = { failed: firstLine((error as Error).message) };
  }
  return compareExecutable(recorded, answer);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
