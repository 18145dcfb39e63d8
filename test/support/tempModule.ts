/**
 * Real Terraform module folders for tests: files on disk, a state file, a git history made with
 * the real `git`. Every folder lives under the OS temp dir and is removed by `cleanup()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

export function tempDir(prefix = 'ii-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
    },
  });
}

/** A git repository whose HEAD holds `committed`; then `working` files are written over it. */
export function gitModule(committed: Record<string, string>, working: Record<string, string>): string {
  const dir = tempDir('ii-git-');
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, committed);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  writeFiles(dir, working);
  return dir;
}

export interface StateResourceSpec {
  type: string;
  name: string;
  module?: string;
  instances: Array<{ index_key?: number | string; attributes: Record<string, unknown> }>;
}

/** A format-4 state as Terraform/OpenTofu write it. */
export function stateJson(resources: StateResourceSpec[], version = 4): string {
  return JSON.stringify(
    {
      version,
      terraform_version: '1.10.5',
      serial: 1,
      lineage: '00000000-0000-0000-0000-000000000000',
      outputs: {},
      resources: resources.map((r) => ({
        ...(r.module ? { module: r.module } : {}),
        mode: 'managed',
        type: r.type,
        name: r.name,
        provider: `provider["registry.opentofu.org/hashicorp/${r.type.split('_')[0]}"]`,
        instances: r.instances.map((i) => ({ ...i, schema_version: 0, sensitive_attributes: [] })),
      })),
      check_results: null,
    },
    null,
    2,
  );
}

/** A module folder (not a git repository) with the given files and, optionally, a state. */
export function stateModule(files: Record<string, string>, resources?: StateResourceSpec[]): string {
  const dir = tempDir('ii-state-');
  writeFiles(dir, files);
  if (resources) writeFileSync(path.join(dir, 'terraform.tfstate'), stateJson(resources));
  return dir;
}

/** 0-based position of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; character: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
