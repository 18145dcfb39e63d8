/**
 * What a remote state read makes of the tool's output, on output the real tools printed
 * (OpenTofu 1.12.6 `state pull` against a pg backend, recorded under test/fixtures/state-pull):
 * the backend's words without colours and frames, the kind of failure they describe, the state
 * after warnings on stdout, and how the hover tells a remote state's age.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { classifyPullFailure, stateText, tidyOutput } from '../../core/src/terraform/baseline/backendStateRead';
import { ageText, comparedWith } from '../../core/src/findingText/findingHover';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'state-pull');
const recorded = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('the words of a failed state pull', () => {
  test('a backend that refuses connections: the error line, without colours or the frame', () => {
    const words = tidyOutput(recorded('tofu-1.12.6-pg-connection-refused.stderr'));
    assert.equal(words, 'Error: dial tcp 127.0.0.1:54329: connect: connection refused');
    assert.equal(classifyPullFailure(words), 'unreachable');
  });

  test('a module never initialised for its backend: the summary and the reason, not the advice that follows', () => {
    const words = tidyOutput(recorded('tofu-1.12.6-not-initialised.stderr'));
    assert.equal(words, 'Error: Backend initialization required, please run "tofu init" Reason: Initial configuration of the requested backend "pg"');
    assert.equal(classifyPullFailure(words), 'not-initialised');
  });

  test('a backend block changed since init', () => {
    const words = tidyOutput(recorded('tofu-1.12.6-backend-changed.stderr'));
    assert.equal(words, 'Error: Backend initialization required: please run "tofu init" Reason: Backend configuration block has changed');
    assert.equal(classifyPullFailure(words), 'not-initialised');
  });

  test('a warning about the CLI configuration before the error is left out', () => {
    const text =
      '\nThere are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n╵\n╷\n│ Error: dial tcp 127.0.0.1:1: connect: connection refused\n╵\n';
    assert.equal(tidyOutput(text), 'Error: dial tcp 127.0.0.1:1: connect: connection refused');
  });

  test('output without an error is kept whole, and long output is cut with an ellipsis', () => {
    assert.equal(tidyOutput('signal: killed\n'), 'signal: killed');
    const long = tidyOutput(`Error: ${'x'.repeat(1000)}`);
    assert.equal(long.length, 601);
    assert.ok(long.endsWith('…'));
  });

  test('credentials refused, by the backends that say so in their own ways', () => {
    for (const words of [
      'Error: pq: password authentication failed for user "terraform"',
      'Error: pq: role "nosuchuser" does not exist (28000)',
      'Error: error reading S3 Bucket: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.',
      'Error: Failed to get existing workspaces: operation error S3: ListObjectsV2, https response error StatusCode: 403, AccessDenied',
      'Error: Failed to get state: HTTP remote state endpoint requires auth',
    ]) {
      assert.equal(classifyPullFailure(words), 'credentials', words);
    }
  });

  test('a state written by a newer tool', () => {
    assert.equal(classifyPullFailure('Error: state snapshot was created by Terraform v1.99.0, which is newer than current v1.11.4'), 'unsupported-version');
  });
});

describe('the state in the output', () => {
  test('a warning printed on stdout before the state is skipped', () => {
    const out = 'There are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n╵\n\n{\n  "version": 4,\n  "serial": 3\n}\n';
    assert.deepEqual(JSON.parse(stateText(out)), { version: 4, serial: 3 });
  });

  test('no state at all (a workspace never applied) is empty', () => {
    assert.equal(stateText('\n'), '');
  });
});

describe("a remote state's age in the hover", () => {
  const readAt = '2026-12-03T09:00:00.000Z';
  const at = (seconds: number) => Date.parse(readAt) + seconds * 1000;

  test('names the backend, the workspace and the serial, and how long ago it was read', () => {
    assert.equal(
      comparedWith({ kind: 'state', backend: 'pg', workspace: 'prod', serial: 42, lineage: 'l', readAt }, at(40)),
      'Compared with state serial 42 of pg (workspace prod), read 40 s ago.',
    );
  });

  test('a local state file or git gets no such line', () => {
    assert.equal(comparedWith({ kind: 'state', serial: 3 }, at(1)), undefined);
    assert.equal(comparedWith({ kind: 'git', ref: 'HEAD', commit: 'abc' }, at(1)), undefined);
    assert.equal(comparedWith(undefined, at(1)), undefined);
  });

  test('ages in seconds, then minutes, then hours', () => {
    assert.equal(ageText(0), '0 s ago');
    assert.equal(ageText(89_000), '89 s ago');
    assert.equal(ageText(95_000), '2 min ago');
    assert.equal(ageText(3 * 3600_000), '3 h ago');
    assert.equal(ageText(-5000), '0 s ago');
  });
});
