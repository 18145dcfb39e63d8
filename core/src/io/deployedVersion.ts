/**
 * A deployed version the user points at as files (`check --against PATH`, the `againstPath`
 * setting) instead of git: a rendered manifest, the base branch's tree, a `helm template` output.
 * Checked folders and files find their counterpart in it by their path relative to the folder
 * that was checked. Pure; no I/O.
 */
import * as path from 'node:path';

export interface DeployedVersion {
  /** The file or folder that holds the deployed version (absolute). */
  path: string;
  /** The checked folder the counterparts are relative to: `root/a/b` has its deployed version at `path/a/b`. */
  root: string;
  /** How to name `path` to the user, e.g. as typed on the command line. */
  display: string;
  /** Where the user gave it, for messages: `--against deployed`, `immutableInfra.againstPath "deployed"`. */
  origin: string;
}

/** The counterpart of a checked file or folder; undefined when it lies outside the checked root. */
export function counterpartPath(deployed: DeployedVersion, checked: string): string | undefined {
  const relative = path.relative(deployed.root, checked);
  if (relative === '') return deployed.path;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return path.join(deployed.path, relative);
}

/** The counterpart as the user would name it: `display` joined with the relative part. */
export function counterpartDisplay(deployed: DeployedVersion, checked: string): string {
  const relative = path.relative(deployed.root, checked);
  return relative === '' ? deployed.display : path.join(deployed.display, relative);
}
