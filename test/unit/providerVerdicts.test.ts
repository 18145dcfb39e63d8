/**
 * How a provider's verdict turns the knowledge base's assessment of one instance into the
 * provider's own (applyVerdict): in place clears every replacing change, a replacement keeps the
 * changes on the paths it names and adds those no change covers, and a computed attribute only the
 * provider sets makes the possibly-replacing edits certain.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import type { HclBlock } from '../../core/src/terraform/hcl/model';
import type { AttributeChange } from '../../core/src/terraform/resourceComparison';
import { applyVerdict } from '../../core/src/terraform/valueFlow/providerVerdicts';
import type { ProviderVerdict } from '../../core/src/providerPlugin/providerQuestions';

let block: HclBlock;
before(async () => {
  const parser = await HclParser.create();
  const parsed = parser.parse(
    'resource "tls_self_signed_cert" "c" {\n  early_renewal_hours = 200\n  validity_period_hours = 100\n  subject {\n    common_name = "a"\n  }\n}\n',
  );
  block = parsed.file.blocks[0];
  parsed.dispose();
});

const change = (name: string, outcome: AttributeChange['outcome'], extra: Partial<AttributeChange> = {}): AttributeChange => ({
  path: [name],
  range: { start: { line: 1, character: 2 }, end: { line: 1, character: 20 } },
  before: '1',
  after: '2',
  outcome,
  ...extra,
});
const verdict = (replace: ProviderVerdict['replace']): ProviderVerdict => ({ key: 'k', provider: 'hashicorp/tls 4.2.1', replace });

describe('applyVerdict', () => {
  test('in place: every replacing change becomes an update the provider decided', () => {
    const changed = applyVerdict([change('early_renewal_hours', 'possible', { uncertainty: 'depends on the validity' }), change('x', 'certain')], verdict([]), block);
    assert.deepEqual(
      changed.map((c) => [c.path[0], c.outcome, c.askedProvider, c.uncertainty]),
      [
        ['early_renewal_hours', 'update', 'hashicorp/tls 4.2.1', undefined],
        ['x', 'update', 'hashicorp/tls 4.2.1', undefined],
      ],
    );
  });

  test('replaced: the named path forces, the others update', () => {
    const changed = applyVerdict(
      [change('validity_period_hours', 'possible'), change('early_renewal_hours', 'certain')],
      verdict([{ path: 'validity_period_hours', before: '1', after: '2', computedOnly: false }]),
      block,
    );
    assert.deepEqual(
      changed.map((c) => [c.path[0], c.outcome, c.ruleSource]),
      [
        ['validity_period_hours', 'certain', 'PlanResourceChange requires_replace: `validity_period_hours`'],
        ['early_renewal_hours', 'update', undefined],
      ],
    );
  });

  test('a computed-only path makes the possibly-replacing edit certain, naming what the provider planned', () => {
    const [c] = applyVerdict(
      [change('early_renewal_hours', 'possible')],
      verdict([{ path: 'ready_for_renewal', before: 'false', after: 'true', computedOnly: true }]),
      block,
    );
    assert.equal(c.outcome, 'certain');
    assert.equal(c.ruleSource, 'PlanResourceChange plans `ready_for_renewal` false → true and requires replacement');
  });

  test('a path no change covers becomes a change of its own, on its attribute or on the block header', () => {
    const changed = applyVerdict(
      [],
      verdict([
        { path: 'subject.0.common_name', before: '"a"', after: '"b"', computedOnly: false },
        { path: 'numeric', before: 'false', after: 'true', computedOnly: false },
      ]),
      block,
    );
    assert.deepEqual(
      changed.map((c) => [c.path[0], c.outcome, c.isBlock === true, c.range.start.line, c.after]),
      [
        ['subject', 'certain', true, 3, '"b"'],
        ['numeric', 'certain', false, 0, '(absent: the provider plans true)'],
      ],
    );
  });
});

describe('applyVerdict on values unknown before plan', () => {
  test('a value the plan will know stays "may": the provider was told it is unknown', () => {
    const [c] = applyVerdict(
      [change('early_renewal_hours', 'possible', { references: ['data.x.y.hours'], uncertainty: 'its new value is known at plan' })],
      verdict([{ path: 'early_renewal_hours', before: '1', after: '(known after apply)', computedOnly: false }]),
      block,
    );
    assert.equal(c.outcome, 'possible');
    assert.equal(c.askedProvider, 'hashicorp/tls 4.2.1');
    assert.match(c.uncertainty ?? '', /the provider replaces it when the new value \(data\.x\.y\.hours\) differs from the deployed one/);
  });

  test('a value a certain replacement renews is unknown to the plan too: forces', () => {
    const [c] = applyVerdict(
      [change('early_renewal_hours', 'certain', { references: ['random_id.r.dec'], cascadeFrom: [{ address: 'random_id.r', attribute: 'dec' }] })],
      verdict([{ path: 'early_renewal_hours', before: '1', after: '(known after apply)', computedOnly: false }]),
      block,
    );
    assert.equal(c.outcome, 'certain');
  });
});
