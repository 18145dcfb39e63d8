/**
 * The -json machine-readable UI stream → typed events. The lines are shaped like those OpenTofu
 * 1.12 and Terraform print (field names from their `internal/command/views/json` and
 * `jsonentities` packages); the real stream is exercised in test/e2e-tofu/planRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter } from '../../core/src/exec/lineSplitter';
import { parseUiLine, type TerraformUiEvent } from '../../client/src/terraform/terraformEvents';

const RESOURCE = {
  addr: 'module.app.local_file.a["x"]',
  module: 'module.app',
  resource: 'local_file.a["x"]',
  implied_provider: 'local',
  resource_type: 'local_file',
  resource_name: 'a',
  resource_key: 'x',
};

function line(type: string, fields: Record<string, unknown>, message = ''): string {
  return JSON.stringify({ '@level': 'info', '@message': message, '@module': 'tofu.ui', '@timestamp': '2026-01-01T00:00:00Z', type, ...fields });
}

function parse(text: string): TerraformUiEvent {
  const event = parseUiLine(text);
  assert.ok(event, `no event for ${text}`);
  return event;
}

describe('parseUiLine', () => {
  test('version names the tool from its own key', () => {
    const tofu = parse(line('version', { tofu: '1.12.6', ui: '1.2' }, 'OpenTofu 1.12.6'));
    assert.equal(tofu.type, 'version');
    assert.deepEqual(tofu.type === 'version' && [tofu.tool, tofu.version, tofu.ui, tofu.message], ['opentofu', '1.12.6', '1.2', 'OpenTofu 1.12.6']);
    const terraform = parse(line('version', { terraform: '1.9.8', ui: '1.2' }));
    assert.deepEqual(terraform.type === 'version' && [terraform.tool, terraform.version], ['terraform', '1.9.8']);
  });

  test('planned_change and resource_drift: address parts, action, reason, previous address', () => {
    const event = parse(
      line('planned_change', {
        change: {
          resource: RESOURCE,
          previous_resource: { ...RESOURCE, addr: 'local_file.old', module: '', resource: 'local_file.old', resource_key: null },
          action: 'replace',
          reason: 'cannot_update',
        },
      }),
    );
    assert.equal(event.type, 'planned_change');
    if (event.type !== 'planned_change') return;
    assert.deepEqual(event.change.resource, {
      addr: 'module.app.local_file.a["x"]',
      module: 'module.app',
      resource: 'local_file.a["x"]',
      impliedProvider: 'local',
      resourceType: 'local_file',
      resourceName: 'a',
      resourceKey: 'x',
    });
    assert.equal(event.change.action, 'replace');
    assert.equal(event.change.reason, 'cannot_update');
    assert.equal(event.change.previousResource?.addr, 'local_file.old');
    assert.equal(event.change.previousResource?.resourceKey, null);

    const drift = parse(line('resource_drift', { change: { resource: { ...RESOURCE, resource_key: 2 }, action: 'update' } }));
    assert.equal(drift.type === 'resource_drift' && drift.change.resource.resourceKey, 2);
  });

  test('change_summary keeps every count, forget included', () => {
    const event = parse(
      line(
        'change_summary',
        { changes: { add: 1, change: 2, import: 3, remove: 4, forget: 5, operation: 'plan' } },
        'Plan: 3 to import, 1 to add, 2 to change, 4 to destroy, 5 to forget.',
      ),
    );
    assert.deepEqual(event.type === 'change_summary' && event.changes, { add: 1, change: 2, import: 3, remove: 4, forget: 5, operation: 'plan' });
    // Terraform writes no `forget`: it reads as 0.
    const terraform = parse(line('change_summary', { changes: { add: 1, change: 0, import: 0, remove: 1, operation: 'apply' } }));
    assert.equal(terraform.type === 'change_summary' && terraform.changes.forget, 0);
  });

  test('apply hooks: action, id, elapsed seconds', () => {
    const start = parse(line('apply_start', { hook: { resource: RESOURCE, action: 'create', id_key: 'id', id_value: 'abc' } }));
    assert.deepEqual(start.type === 'apply_start' && [start.hook.resource.addr, start.hook.action, start.hook.idKey, start.hook.idValue, start.hook.elapsedSeconds], [
      RESOURCE.addr,
      'create',
      'id',
      'abc',
      undefined,
    ]);
    for (const type of ['apply_progress', 'apply_complete', 'apply_errored'] as const) {
      const event = parse(line(type, { hook: { resource: RESOURCE, action: 'delete', elapsed_seconds: 12.5 } }));
      assert.equal(event.type, type);
      assert.equal('hook' in event && 'elapsedSeconds' in event.hook && event.hook.elapsedSeconds, 12.5);
    }
  });

  test('refresh and provisioner hooks', () => {
    const refresh = parse(line('refresh_start', { hook: { resource: RESOURCE, id_key: 'id', id_value: '1' } }));
    assert.deepEqual(refresh.type === 'refresh_start' && [refresh.hook.resource.addr, refresh.hook.idValue], [RESOURCE.addr, '1']);
    const done = parse(line('refresh_complete', { hook: { resource: RESOURCE } }));
    assert.equal(done.type, 'refresh_complete');
    const output = parse(line('provision_progress', { hook: { resource: RESOURCE, provisioner: 'local-exec', output: 'hello' } }));
    assert.deepEqual(output.type === 'provision_progress' && [output.hook.provisioner, output.hook.output], ['local-exec', 'hello']);
  });

  test("ephemeral resources: Terraform's ephemeral_op_* and OpenTofu's ephemeral_action_* both become `ephemeral`", () => {
    const cases: Array<[string, string]> = [
      ['ephemeral_op_start', 'start'],
      ['ephemeral_op_progress', 'progress'],
      ['ephemeral_op_complete', 'complete'],
      ['ephemeral_op_errored', 'errored'],
      ['ephemeral_action_started', 'start'],
      ['ephemeral_action_complete', 'complete'],
    ];
    for (const [type, phase] of cases) {
      const event = parse(line(type, { hook: { resource: RESOURCE, action: 'open', Msg: 'Opening...' } }));
      assert.equal(event.type, 'ephemeral', type);
      assert.equal(event.type === 'ephemeral' && event.phase, phase, type);
      assert.equal(event.type === 'ephemeral' && event.hook.resource.addr, RESOURCE.addr);
    }
  });

  test('diagnostic: 1-based range with filename, snippet, address', () => {
    const event = parse(
      line('diagnostic', {
        diagnostic: {
          severity: 'error',
          summary: 'Reference to undeclared input variable',
          detail: 'An input variable with the name "nope" has not been declared.',
          address: 'local_file.x',
          range: { filename: 'bad.tf', start: { line: 1, column: 39, byte: 38 }, end: { line: 1, column: 47, byte: 46 } },
          snippet: {
            context: 'resource "local_file" "x"',
            code: 'resource "local_file" "x" { content = var.nope }',
            start_line: 1,
            highlight_start_offset: 38,
            highlight_end_offset: 46,
            values: [],
          },
        },
      }),
    );
    assert.equal(event.type, 'diagnostic');
    if (event.type !== 'diagnostic') return;
    assert.deepEqual(event.diagnostic, {
      severity: 'error',
      summary: 'Reference to undeclared input variable',
      detail: 'An input variable with the name "nope" has not been declared.',
      address: 'local_file.x',
      range: { filename: 'bad.tf', start: { line: 1, column: 39, byte: 38 }, end: { line: 1, column: 47, byte: 46 } },
      snippet: { context: 'resource "local_file" "x"', code: 'resource "local_file" "x" { content = var.nope }', startLine: 1 },
    });
    const sourceless = parse(line('diagnostic', { diagnostic: { severity: 'warning', summary: 'Deprecated', detail: '' } }));
    assert.equal(sourceless.type === 'diagnostic' && sourceless.diagnostic.range, undefined);
  });

  test('outputs: sensitive, value, action', () => {
    const event = parse(line('outputs', { outputs: { a: { sensitive: false, type: 'string', value: 'x' }, b: { sensitive: true, action: 'create' } } }));
    assert.deepEqual(event.type === 'outputs' && event.outputs, {
      a: { sensitive: false, type: 'string', value: 'x', action: undefined },
      b: { sensitive: true, type: undefined, value: undefined, action: 'create' },
    });
  });

  test('a message type this code does not model is kept whole, and non-messages are skipped', () => {
    const other = parse(line('action_start', { hook: { action: 'x' } }, 'starting'));
    assert.equal(other.type, 'other');
    assert.equal(other.type === 'other' && other.messageType, 'action_start');
    assert.deepEqual((other.raw.hook as Record<string, unknown>).action, 'x');
    assert.equal(parseUiLine(''), undefined);
    assert.equal(parseUiLine('Warning: Unable to open CLI configuration file'), undefined);
    assert.equal(parseUiLine('{"broken": '), undefined);
    assert.equal(parseUiLine('{"no_type": 1}'), undefined);
    assert.equal(parseUiLine('[1,2]'), undefined);
  });
});

describe('LineSplitter', () => {
  test('lines split across chunks, CRLF, a multi-byte character cut in half, an unterminated tail', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('first\r\nsé', 'utf8');
    const cut = bytes.length - 1; // inside the two bytes of "é"
    assert.deepEqual(splitter.push(bytes.subarray(0, cut)), ['first']);
    assert.deepEqual(splitter.push(Buffer.concat([bytes.subarray(cut), Buffer.from('cond\nthi')])), ['sécond']);
    assert.deepEqual(splitter.push(Buffer.from('rd')), []);
    assert.deepEqual(splitter.flush(), ['third']);
    assert.deepEqual(splitter.flush(), []);
  });
});
