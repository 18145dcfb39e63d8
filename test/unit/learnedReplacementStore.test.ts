/**
 * The extension's store of replacement paths learned from plans, over an in-memory Memento (the
 * interface VS Code's workspace storage implements): what a real plan taught is kept, survives a
 * reload of the store, carries the lock file's provider version, and is handed on whole.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type * as vscode from 'vscode';
import type { LearnedReplacement } from '../../common/src/learnedReplacement';
import { LearnedReplacementStore } from '../../client/src/plan/learnedReplacementStore';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

const PLAN = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans', 'opentofu-real', 'graph-features', 'plan.json');

/** Workspace storage as VS Code keeps it: values by key, JSON-shaped. */
class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (JSON.parse(JSON.stringify(this.values.get(key))) as T) : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

const lines: string[] = [];
const log = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) } as unknown as vscode.LogOutputChannel;

describe('the learned replacement store', () => {
  test("a real plan's replace paths are kept in workspace storage, with the lock file's version, and handed on", async () => {
    const rootDir = tempDir('ii-learned-');
    writeFiles(rootDir, { '.terraform.lock.hcl': 'provider "registry.opentofu.org/hashicorp/local" {\n  version = "2.5.2"\n}\n' });
    const storage = new MemoryMemento();
    const handed: Array<readonly LearnedReplacement[]> = [];
    const store = new LearnedReplacementStore(storage, log, (entries) => handed.push(entries));
    assert.deepEqual(store.all(), []);

    const made = new Date('2026-12-02T09:30:00.000Z');
    await store.learnFrom(JSON.parse(fs.readFileSync(PLAN, 'utf8')), path.join(rootDir, 'tfplan'), made, rootDir);
    assert.equal(handed.length, 1);
    assert.deepEqual(
      store.all().map((e) => `${e.resourceType}.${e.path.join('.')}`),
      ['local_file.file_permission', 'null_resource.triggers', 'random_password.length', 'time_static.rfc3339', 'time_static.triggers'],
    );
    assert.deepEqual(store.all()[0].origin, { plan: 'tfplan', time: '2026-12-02T09:30:00.000Z', providerVersion: '2.5.2' });
    assert.equal(store.all()[1].origin.providerVersion, undefined);
    assert.deepEqual(storage.keys(), ['immutableInfra.learnedReplacements']);

    // A new window: the store reads back what was kept.
    const reloaded = new LearnedReplacementStore(storage, log, () => assert.fail('nothing new was learned'));
    assert.deepEqual(reloaded.all(), store.all());
    // A plan without replacements teaches nothing, and nobody is told.
    await reloaded.learnFrom({ resource_changes: [] }, 'empty.json', made, undefined);
    assert.equal(reloaded.all().length, 5);
  });

  test('storage holding something else (an older shape, by hand) is read as nothing learned', () => {
    const storage = new MemoryMemento();
    void storage.update('immutableInfra.learnedReplacements', { version: 0 });
    assert.deepEqual(new LearnedReplacementStore(storage, log, () => undefined).all(), []);
  });
});
