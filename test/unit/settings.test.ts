/**
 * The settings normaliser, which both the extension host (client/src/settings.ts) and the language
 * server read the `immutableInfra` section through: nothing read means the defaults, and a value
 * of the wrong type or out of range falls back to its default instead of reaching a program.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../common/src/settings';

describe('normalizeSettings', () => {
  test('nothing set: DEFAULT_SETTINGS', () => {
    for (const raw of [undefined, null, {}, [], 'auto']) assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS, JSON.stringify(raw));
  });

  test('the plan arguments are an array of strings, else the default: never a string spread into its letters', () => {
    assert.deepEqual(normalizeSettings({ plan: { arguments: ['-var-file=prod.tfvars', '-refresh=false'] } }).plan.arguments, ['-var-file=prod.tfvars', '-refresh=false']);
    assert.deepEqual(normalizeSettings({ plan: { arguments: '-refresh=false' } }).plan.arguments, []);
    assert.deepEqual(normalizeSettings({ plan: { arguments: ['-refresh=false', 7, null] } }).plan.arguments, []);
  });

  test('the rollout assumptions keep to their ranges', () => {
    assert.deepEqual(normalizeSettings({ rollout: { podStartSeconds: 0, nodes: 10_000 } }).rollout, { podStartSeconds: 0, nodes: 10_000 });
    assert.deepEqual(normalizeSettings({ rollout: { podStartSeconds: 86_401, nodes: 0 } }).rollout, DEFAULT_SETTINGS.rollout);
    assert.deepEqual(normalizeSettings({ rollout: { podStartSeconds: Number.NaN, nodes: 1.5 } }).rollout, DEFAULT_SETTINGS.rollout);
  });

  test('the debounce is clamped into its range', () => {
    assert.equal(normalizeSettings({ diagnostics: { debounceMs: -3 } }).diagnostics.debounceMs, 0);
    assert.equal(normalizeSettings({ diagnostics: { debounceMs: 99_999 } }).diagnostics.debounceMs, 5000);
    assert.equal(normalizeSettings({ diagnostics: { debounceMs: 12.4 } }).diagnostics.debounceMs, 12);
  });

  test('the executable paths are trimmed strings', () => {
    const settings = normalizeSettings({ terraform: { path: '  /opt/tofu/bin/tofu ' }, kubectl: { path: 42 } });
    assert.equal(settings.terraform.path, '/opt/tofu/bin/tofu');
    assert.equal(settings.kubectl.path, '');
  });
});
