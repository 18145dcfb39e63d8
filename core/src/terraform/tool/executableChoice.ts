/**
 * Which program runs a root module's plan, apply, init and show when more than one could. The
 * setting decides when it is set. When it is empty and both `terraform` and `tofu` are on PATH,
 * the module decides: a module initialised by one of them cannot be planned by the other (their
 * lock files and provider folders name different registries), so the program that initialised it
 * is the one that can plan it. With no sign of either (a module never initialised), the old order
 * holds: `terraform`, then `tofu`. The answer carries its reason, for the log and the apply modal.
 */
import * as path from 'node:path';
import { moduleInitialisation, type ModuleInitialisation } from './moduleInitialisation';
import {
  DEFAULT_EXECUTABLE_NAMES,
  findOnPath,
  resolveTerraformExecutable,
  TERRAFORM_PATH_SETTING,
  type PathSearchEnvironment,
  type ResolvedExecutable,
  type TerraformTool,
} from './terraformExecutable';

export interface ChosenExecutable extends ResolvedExecutable {
  reason: string;
  /** What the module's files said, when they were read (both programs on PATH, setting empty). */
  initialisation?: ModuleInitialisation;
}

export interface ChoiceOptions extends PathSearchEnvironment {
  /** The root module the program will run in; without it, the PATH order decides. */
  moduleDir?: string;
}

const TOOL_OF_NAME: Record<(typeof DEFAULT_EXECUTABLE_NAMES)[number], TerraformTool> = { terraform: 'terraform', tofu: 'opentofu' };

/** The program for `moduleDir`, and why; throws TerraformExecutableNotFoundError like `resolveTerraformExecutable`. */
export function chooseTerraformExecutable(configuredPath: string | undefined, options: ChoiceOptions = {}): ChosenExecutable {
  if ((configuredPath?.trim() ?? '') !== '') {
    return { ...resolveTerraformExecutable(configuredPath, options), reason: `set in ${TERRAFORM_PATH_SETTING}` };
  }
  const found = DEFAULT_EXECUTABLE_NAMES.map((name) => ({ name, tool: TOOL_OF_NAME[name], path: findOnPath(name, options) })).filter(
    (candidate): candidate is { name: (typeof DEFAULT_EXECUTABLE_NAMES)[number]; tool: TerraformTool; path: string } => candidate.path !== undefined,
  );
  // None: the resolver's own error, which says what was searched.
  if (found.length === 0) return { ...resolveTerraformExecutable(undefined, options), reason: '' };
  if (found.length === 1) {
    const [only] = found;
    return { path: only.path, source: 'path', reason: `the only one of terraform and tofu on PATH (${TERRAFORM_PATH_SETTING} is empty)` };
  }
  const initialisation = options.moduleDir ? moduleInitialisation(options.moduleDir, { env: options.env }) : undefined;
  const matching = initialisation?.tool && found.find((candidate) => candidate.tool === initialisation.tool);
  if (matching && initialisation?.reason) {
    return { path: matching.path, source: 'path', reason: `chosen because ${initialisation.reason}`, initialisation };
  }
  const where = options.moduleDir
    ? `${path.basename(options.moduleDir)} shows no sign of either (no lock file or provider folder of theirs)`
    : 'no module was given to tell them apart';
  return {
    path: found[0].path,
    source: 'path',
    reason: `both terraform and tofu are on PATH and ${where}, so ${found[0].name} comes first (set ${TERRAFORM_PATH_SETTING} to choose)`,
    ...(initialisation ? { initialisation } : {}),
  };
}
