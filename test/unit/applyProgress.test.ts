/**
 * Per-resource apply progress folded from the `-json` UI stream. The lines are shaped as OpenTofu
 * 1.12 prints them (captured from real applies: the seed replacement, a provider error, an
 * interrupt); the real runs are in test/e2e-tofu/applyRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplyProgress, type ResourceProgressUpdate } from '../../client/src/terraform/applyProgress';
import { parseUiLine, type TerraformUiEvent } from '../../client/src/terraform/terraformEvents';

function resource(addr: string) {
  const [type, name] = addr.split('.').slice(-2);
  return { addr, module: '', resource: addr, implied_provider: type.split('_')[0], resource_type: type, resource_name: name, resource_key: null };
}

function line(json: Record<string, unknown>): TerraformUiEvent {
  const event = parseUiLine(JSON.stringify({ '@level': 'info', '@module': 'tofu.ui', '@timestamp': '2026-11-26T10:17:00.536410Z', ...json }));
  assert.ok(event);
  return event;
}

const planned = (addr: string, action: string) =>
  line({ '@message': `${addr}: Plan to ${action}`, type: 'planned_change', change: { resource: resource(addr), action } });
const hook = (type: string, addr: string, action: string, extra: Record<string, unknown> = {}) =>
  line({ '@message': `${addr}: ${type}`, type, hook: { resource: resource(addr), action, ...extra } });
const errorDiagnostic = (summary: string, detail: string, address?: string) =>
  line({ '@level': 'error', '@message': `Error: ${summary}`, type: 'diagnostic', diagnostic: { severity: 'error', summary, detail, ...(address ? { address } : {}) } });

function feed(progress: ApplyProgress, events: TerraformUiEvent[]): ResourceProgressUpdate[] {
  return events.map((e) => progress.handle(e)).filter((u): u is ResourceProgressUpdate => u !== undefined);
}

describe('apply progress', () => {
  test('the seed replacement: pending, destroying, creating, done — two steps under one address', () => {
    // This one verbatim from a real `tofu apply -json` of the seed plan.
    const real = parseUiLine(
      '{"@level":"info","@message":"local_file.example: Destroying... [id=26d82f1931cbdbd83c2a6871b2cecd5cbcc8c26b]","@module":"tofu.ui","@timestamp":"2026-11-26T10:17:00.536410Z","hook":{"resource":{"addr":"local_file.example","module":"","resource":"local_file.example","implied_provider":"local","resource_type":"local_file","resource_name":"example","resource_key":null},"action":"delete","id_key":"id","id_value":"26d82f1931cbdbd83c2a6871b2cecd5cbcc8c26b"},"type":"apply_start"}',
    );
    assert.ok(real);
    const progress = new ApplyProgress();
    assert.equal(progress.message(), 'Starting the apply…');
    const updates = feed(progress, [
      line({ '@message': 'OpenTofu 1.12.6', type: 'version', tofu: '1.12.6', ui: '1.2' }),
      planned('local_file.example', 'replace'),
      real,
      hook('apply_complete', 'local_file.example', 'delete', { elapsed_seconds: 0 }),
      hook('apply_start', 'local_file.example', 'create'),
      hook('apply_complete', 'local_file.example', 'create', { id_key: 'id', id_value: '26d8', elapsed_seconds: 0 }),
      line({
        '@message': 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.',
        type: 'change_summary',
        changes: { add: 1, change: 0, import: 0, remove: 1, forget: 0, operation: 'apply' },
      }),
    ]);
    assert.deepEqual(
      updates.map((u) => [u.resource.status, u.resource.step, u.resource.stepsDone, u.message]),
      [
        ['pending', undefined, 0, '0 of 1 resource'],
        ['applying', 'delete', 0, '0 of 1 resource: destroying local_file.example…'],
        ['applying', 'delete', 1, '0 of 1 resource: destroying local_file.example…'],
        ['applying', 'create', 1, '0 of 1 resource: creating local_file.example…'],
        ['done', 'create', 2, '1 of 1 resource'],
      ],
    );
    assert.equal(updates[1].resource.id, '26d82f1931cbdbd83c2a6871b2cecd5cbcc8c26b');
    assert.equal(progress.message(), 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
    assert.deepEqual(progress.summary?.changes, { add: 1, change: 0, import: 0, remove: 1, forget: 0, operation: 'apply' });
    assert.deepEqual(progress.counts(), { total: 1, pending: 0, applying: 0, done: 1, errored: 0 });
  });

  test('a create_before_destroy replacement: create, then the deposed delete under the same address', () => {
    const progress = new ApplyProgress();
    feed(progress, [planned('null_resource.x', 'replace'), hook('apply_start', 'null_resource.x', 'create'), hook('apply_complete', 'null_resource.x', 'create')]);
    assert.equal(progress.resource('null_resource.x')?.status, 'applying', 'half a replacement is not done');
    feed(progress, [hook('apply_start', 'null_resource.x', 'delete'), hook('apply_complete', 'null_resource.x', 'delete')]);
    assert.equal(progress.resource('null_resource.x')?.status, 'done');
  });

  test('elapsed seconds from apply_progress, several resources at once, and the count of failures in the message', () => {
    const progress = new ApplyProgress();
    feed(
      progress,
      ['a', 'b', 'c', 'd'].map((n) => planned(`time_sleep.${n}`, 'create')),
    );
    feed(progress, [hook('apply_start', 'time_sleep.a', 'create'), hook('apply_complete', 'time_sleep.a', 'create')]);
    feed(progress, [hook('apply_start', 'time_sleep.b', 'create'), hook('apply_start', 'time_sleep.c', 'create')]);
    const [tick] = feed(progress, [hook('apply_progress', 'time_sleep.b', 'create', { elapsed_seconds: 10 })]);
    assert.equal(tick.resource.elapsedSeconds, 10);
    assert.equal(tick.message, '1 of 4 resources: creating time_sleep.b (10s) and 1 more…');
    feed(progress, [hook('apply_errored', 'time_sleep.b', 'create', { elapsed_seconds: 12 })]);
    assert.equal(progress.message(), '1 of 4 resources, 1 failed: creating time_sleep.c…');
    assert.deepEqual(progress.counts(), { total: 4, pending: 1, applying: 1, done: 1, errored: 1 });
  });

  test('a provider error: apply_errored, then the diagnostic that names the address is attached to it', () => {
    const progress = new ApplyProgress();
    const updates = feed(progress, [
      planned('local_file.a', 'create'),
      planned('local_file.bad', 'create'),
      planned('local_file.c', 'create'),
      hook('apply_start', 'local_file.a', 'create'),
      hook('apply_complete', 'local_file.a', 'create'),
      hook('apply_start', 'local_file.bad', 'create'),
      hook('apply_errored', 'local_file.bad', 'create', { elapsed_seconds: 0 }),
      errorDiagnostic(
        'Create local file error',
        'An unexpected error occurred while writing the file\n\n+Original Error: open ./a.txt/inside.txt: not a directory',
        'local_file.bad',
      ),
      // Not about any resource: nothing to attach it to.
      errorDiagnostic('execution halted', ''),
    ]);
    assert.equal(updates.length, 8);
    const bad = progress.resource('local_file.bad');
    assert.equal(bad?.status, 'errored');
    assert.equal(bad?.diagnostic?.summary, 'Create local file error');
    progress.finish(false);
    assert.deepEqual(
      progress.resources().map((r) => [r.address, r.status]),
      [
        ['local_file.a', 'done'],
        ['local_file.bad', 'errored'],
        ['local_file.c', 'pending'],
      ],
    );
  });

  test('a diagnostic naming a resource that had no apply_errored still marks it errored; the first error is kept', () => {
    const progress = new ApplyProgress([{ address: 'null_resource.p', action: 'create' }]);
    feed(progress, [hook('apply_start', 'null_resource.p', 'create'), hook('provision_start', 'null_resource.p', 'create', { provisioner: 'local-exec' })]);
    assert.equal(progress.message(), '0 of 1 resource: provisioning null_resource.p (local-exec)…');
    feed(progress, [
      hook('provision_errored', 'null_resource.p', 'create', { provisioner: 'local-exec' }),
      errorDiagnostic('local-exec provisioner error', 'exit status 1', 'null_resource.p'),
      errorDiagnostic('Another error', 'later', 'null_resource.p'),
    ]);
    const state = progress.resource('null_resource.p');
    assert.equal(state?.status, 'errored');
    assert.equal(state?.diagnostic?.summary, 'local-exec provisioner error');
    assert.equal(state?.provisioner, undefined);
  });

  test('a later step of a failed replacement does not revive it', () => {
    const progress = new ApplyProgress();
    feed(progress, [planned('local_file.r', 'replace'), hook('apply_start', 'local_file.r', 'delete'), hook('apply_errored', 'local_file.r', 'delete')]);
    assert.equal(feed(progress, [hook('apply_start', 'local_file.r', 'create')]).length, 0);
    assert.equal(progress.resource('local_file.r')?.status, 'errored');
  });

  test('finish: success makes hook-less planned changes (moves, forgets) done; a run cut off leaves applying ones with an unknown outcome', () => {
    const succeeded = new ApplyProgress([{ address: 'local_file.moved', action: 'move' }]);
    feed(succeeded, [planned('local_file.forgotten', 'remove')]);
    succeeded.finish(true);
    assert.deepEqual(
      succeeded.resources().map((r) => r.status),
      ['done', 'done'],
    );
    assert.equal(succeeded.counts().done, 2);

    const killed = new ApplyProgress();
    feed(killed, [planned('time_sleep.slow', 'create'), planned('local_file.after', 'create'), hook('apply_start', 'time_sleep.slow', 'create')]);
    killed.finish(false);
    assert.deepEqual(
      killed.resources().map((r) => [r.address, r.status, r.outcomeUnknown]),
      [
        ['time_sleep.slow', 'errored', true],
        ['local_file.after', 'pending', undefined],
      ],
    );
    assert.equal(killed.message(), '0 of 2 resources, 1 failed');
  });

  test("the stream's planned action replaces the caller's; resources the stream names without a plan line are added", () => {
    const progress = new ApplyProgress([{ address: 'local_file.x' }]);
    assert.equal(progress.resource('local_file.x')?.action, 'update');
    feed(progress, [planned('local_file.x', 'replace'), hook('apply_start', 'data.local_file.y', 'read'), hook('apply_complete', 'data.local_file.y', 'read')]);
    assert.equal(progress.resource('local_file.x')?.action, 'replace');
    assert.deepEqual(progress.resource('data.local_file.y'), {
      address: 'data.local_file.y',
      action: 'read',
      status: 'done',
      step: 'read',
      stepsDone: 1,
      elapsedSeconds: 0,
      provisioner: undefined,
    });
  });

  test('updates are copies: keeping one does not see later changes', () => {
    const progress = new ApplyProgress();
    const [first] = feed(progress, [planned('local_file.a', 'create')]);
    feed(progress, [hook('apply_start', 'local_file.a', 'create')]);
    assert.equal(first.resource.status, 'pending');
  });
});
