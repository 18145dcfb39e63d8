/**
 * The replacement paths the extension learned from real plans of this workspace, kept in the
 * extension's workspace storage (never in the user's folder): every plan it runs or opens adds
 * the `replace_paths` of its replacements, and the language server is told the whole list.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { parseLearnedReplacements, type LearnedReplacement } from '../../../common/src/learnedReplacement';
import { mergeLearnedReplacements, replacementsFromPlan } from '../../../core/src/terraform/learnedReplacements';
import { lockedProviderVersions } from '../../../core/src/terraform/providerLockFile';
import { DEPENDENCY_LOCK_FILE } from '../../../core/src/terraform/terraformFiles';

const STORAGE_KEY = 'immutableInfra.learnedReplacements';

export class LearnedReplacementStore {
  private entries: LearnedReplacement[];

  constructor(
    private readonly storage: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    /** Called with the whole list after a plan taught something new. */
    private readonly onLearned: (entries: readonly LearnedReplacement[]) => void,
  ) {
    this.entries = parseLearnedReplacements(storage.get<unknown>(STORAGE_KEY));
  }

  all(): readonly LearnedReplacement[] {
    return this.entries;
  }

  /**
   * Remembers the replace paths of a plan (`show -json` output, parsed). `rootDir`: the root
   * module it was made for, whose lock file says the provider versions; `madeAt`: when it was made.
   */
  async learnFrom(planDocument: unknown, planFile: string, madeAt: Date, rootDir: string | undefined): Promise<void> {
    const found = replacementsFromPlan(
      planDocument,
      { plan: path.basename(planFile), time: madeAt.toISOString() },
      rootDir === undefined ? undefined : lockedVersions(rootDir),
    );
    if (found.length === 0) return;
    const merged = mergeLearnedReplacements(this.entries, found);
    this.entries = merged;
    this.log.info(`Learned ${found.length} replacement path(s) from ${path.basename(planFile)}: ${found.map((f) => `${f.resourceType}.${f.path.join('.')}`).join(', ')}`);
    await this.storage.update(STORAGE_KEY, merged);
    this.onLearned(merged);
  }
}

function lockedVersions(rootDir: string): Map<string, string> | undefined {
  try {
    return lockedProviderVersions(readFileSync(path.join(rootDir, DEPENDENCY_LOCK_FILE), 'utf8'));
  } catch {
    // No lock file (not initialised, or a plan JSON opened from elsewhere): versions unknown.
    return undefined;
  }
}
