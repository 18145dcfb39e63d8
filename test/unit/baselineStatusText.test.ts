/**
 * The baseline status-bar item's words (client/src/baseline/baselineStatusText.ts): a backend's
 * state with its serial and age, a state that could not be read (fell back to git), git and
 * folder baselines shown plainly, and which root module a file belongs to (the deepest).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { baselineStatusText, formatAge, statusForFile } from '../../client/src/baseline/baselineStatusText';
import type { BaselineStatusParams } from '../../common/src/protocol';

const NOW = Date.parse('2026-12-03T09:00:00Z');

describe('baseline status text', () => {
  test('a backend state: backend · workspace · serial · age, and a tooltip that says what a click does', () => {
    const status: BaselineStatusParams = {
      rootDir: '/work/infra',
      kind: 'state',
      description: 'state serial 42 of pg (workspace prod)',
      backend: 'pg',
      workspace: 'prod',
      serial: 42,
      lineage: 'a1b2',
      readAt: NOW - 40_000,
    };
    const shown = baselineStatusText(status, NOW);
    assert.equal(shown.text, '$(database) pg · prod · serial 42 · 40 s ago');
    assert.equal(shown.tooltip, 'Compared with state serial 42 of pg (workspace prod), read 40 s ago. Click to read it again.');
    assert.equal(shown.warning, false);
    assert.equal(shown.refreshable, true);
    // The age moves on with the clock.
    assert.equal(baselineStatusText(status, NOW + 3 * 60_000).text, '$(database) pg · prod · serial 42 · 3 min ago');
  });

  test('an unreadable state: the warning colour, and "fell back to git" with the reason', () => {
    const shown = baselineStatusText(
      {
        rootDir: '/work/infra',
        kind: 'git',
        description: 'git HEAD (1a2b3c4d)',
        backend: 's3',
        workspace: 'default',
        unavailable: 'tofu says: dial tcp 127.0.0.1:1: connect: connection refused',
      },
      NOW,
    );
    assert.equal(shown.text, '$(warning) s3 · default · fell back to git');
    assert.equal(
      shown.tooltip,
      'Could not read the state of s3 (workspace default): tofu says: dial tcp 127.0.0.1:1: connect: connection refused. The edits fell back to git: compared with git HEAD (1a2b3c4d). Click to read it again.',
    );
    assert.equal(shown.warning, true);
    assert.equal(shown.refreshable, true);
  });

  test('git, folders and local state are shown plainly, with no click', () => {
    const git = baselineStatusText({ rootDir: '/r', kind: 'git', description: 'git HEAD (1a2b3c4d)' }, NOW);
    assert.deepEqual(git, { text: '$(git-commit) git HEAD (1a2b3c4d)', tooltip: 'Compared with git HEAD (1a2b3c4d).', warning: false, refreshable: false });
    const files = baselineStatusText({ rootDir: '/r', kind: 'files', description: 'the folder deployed/' }, NOW);
    assert.equal(files.text, '$(folder) the folder deployed/');
    assert.equal(files.refreshable, false);
    const local = baselineStatusText({ rootDir: '/r', kind: 'state', description: 'state serial 3 of terraform.tfstate', serial: 3 }, NOW);
    assert.equal(local.text, '$(database) state serial 3 of terraform.tfstate');
    assert.equal(local.refreshable, false);
    const none = baselineStatusText({ rootDir: '/r', kind: 'none', description: 'the module is not in a git repository' }, NOW);
    assert.equal(none.text, '$(circle-slash) no baseline');
    assert.equal(none.tooltip, 'No deployed version to compare edits with: the module is not in a git repository');
  });

  test("a workspace name's `$(` is not taken for an icon", () => {
    const shown = baselineStatusText({ rootDir: '/r', kind: 'state', description: 'x', backend: 'pg', workspace: '$(zap)', serial: 1, readAt: NOW }, NOW);
    assert.equal(shown.text, '$(database) pg · \\$(zap) · serial 1 · just now');
  });

  test('ages', () => {
    assert.equal(formatAge(0), 'just now');
    assert.equal(formatAge(-5000), 'just now');
    assert.equal(formatAge(59_999), '59 s ago');
    assert.equal(formatAge(60_000), '1 min ago');
    assert.equal(formatAge(2 * 3600_000 + 5), '2 h ago');
    assert.equal(formatAge(3 * 86_400_000), '3 d ago');
  });

  test('the root module of a file: the deepest root that holds it', () => {
    const outer: BaselineStatusParams = { rootDir: path.resolve('/w/infra'), kind: 'git', description: 'outer' };
    const inner: BaselineStatusParams = { rootDir: path.resolve('/w/infra/envs/prod'), kind: 'state', description: 'inner' };
    const sibling: BaselineStatusParams = { rootDir: path.resolve('/w/infra-old'), kind: 'git', description: 'sibling' };
    const all = [outer, inner, sibling];
    assert.equal(statusForFile(path.resolve('/w/infra/envs/prod/main.tf'), all), inner);
    assert.equal(statusForFile(path.resolve('/w/infra/modules/net/main.tf'), all), outer);
    assert.equal(statusForFile(path.resolve('/w/infra-old/main.tf'), all), sibling);
    assert.equal(statusForFile(path.resolve('/w/other/main.tf'), all), undefined);
  });
});
