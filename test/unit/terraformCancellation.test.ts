/**
 * The two-press cancel of a terraform run: the first press interrupts, the second terminates, and
 * one AbortSignal linked to several steps of a run still counts as one press.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TerraformCancellation } from '../../client/src/terraform/terraformProcess';

describe('TerraformCancellation', () => {
  test('first cancel interrupts, second terminates, later ones change nothing', () => {
    const cancellation = new TerraformCancellation();
    const seen: number[] = [];
    cancellation.onCancel((level) => seen.push(level));
    assert.equal(cancellation.isCancellationRequested, false);
    cancellation.cancel();
    assert.equal(cancellation.requested, 1);
    cancellation.cancel();
    cancellation.cancel();
    assert.equal(cancellation.requested, 2);
    assert.deepEqual(seen, [1, 2]);
  });

  test('terminate() goes straight to the second level', () => {
    const cancellation = new TerraformCancellation();
    const seen: number[] = [];
    const unsubscribe = cancellation.onCancel((level) => seen.push(level));
    cancellation.terminate();
    unsubscribe();
    cancellation.cancel();
    assert.equal(cancellation.requested, 2);
    assert.deepEqual(seen, [2], 'no interrupt first');
    const interrupted = new TerraformCancellation();
    interrupted.cancel();
    interrupted.onCancel((level) => seen.push(level));
    interrupted.terminate();
    interrupted.terminate();
    assert.deepEqual(seen, [2, 2], 'after an interrupt: the second level, once');
  });

  test('an AbortSignal is the first press; linking it again (the next step of a run) adds no second press', () => {
    const controller = new AbortController();
    const cancellation = TerraformCancellation.from(controller.signal);
    assert.equal(TerraformCancellation.from(controller.signal, cancellation), cancellation);
    controller.abort();
    assert.equal(cancellation.requested, 1);
    const already = TerraformCancellation.from(controller.signal);
    assert.equal(already.requested, 1, 'an already aborted signal cancels at once');
  });
});
