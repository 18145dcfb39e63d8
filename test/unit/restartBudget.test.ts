import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartBudget } from '../../client/src/restartBudget';

test('a crashing server is restarted 4 times within 3 minutes, then left stopped', () => {
  const budget = new RestartBudget(4, 3 * 60_000);
  const allowed = [0, 1_000, 2_000, 3_000, 4_000].map((t) => budget.tryRestart(t));
  assert.deepEqual(allowed, [true, true, true, true, false]);
  assert.equal(budget.used, 4);
});

test('crashes spread over more than the window keep being restarted', () => {
  const budget = new RestartBudget(4, 3 * 60_000);
  for (let i = 0; i < 20; i++) assert.equal(budget.tryRestart(i * 60_000), true, `crash ${i}`);
});
