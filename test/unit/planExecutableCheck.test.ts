/**
 * A saved plan is applied only by the program that made it: the comparison of what was recorded
 * with what the same path answers now, and each refusal's words. A path that is gone or not
 * executable is checked with real files; the real tools answering as another tool or version are
 * in test/e2e-tofu/otherToolInitialised.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkPlanExecutable, compareExecutable } from '../../client/src/terraform/planExecutableCheck';
import type { TerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

const recorded: TerraformExecutable = {
  path: '/x/tofu',
  source: 'path',
  tool: 'opentofu',
  version: '1.12.6',
  reason: 'chosen because .terraform.lock.hcl selects providers from registry.opentofu.org',
};
const RULE = 'a saved plan can only be applied by the program that made it.';

describe('compareExecutable', () => {
  test('the same tool and version: applied, the recorded choice kept', () => {
    const check = compareExecutable(recorded, { tool: 'opentofu', version: '1.12.6' });
    assert.deepEqual(check, { ok: true, current: recorded });
  });

  test('another tool at the path: refused, naming both', () => {
    const check = compareExecutable(recorded, { tool: 'terraform', version: '1.11.4' });
    assert.equal(check.ok, false);
    if (check.ok) return;
    assert.equal(check.change, 'changed');
    assert.deepEqual(check.current, { tool: 'terraform', version: '1.11.4' });
    assert.equal(check.message, `The reviewed plan was made by OpenTofu 1.12.6 (/x/tofu), but /x/tofu is now Terraform 1.11.4: ${RULE}`);
  });

  test('another version of the same tool: refused too', () => {
    const check = compareExecutable(recorded, { tool: 'opentofu', version: '1.12.7' });
    assert.equal(!check.ok && check.message, `The reviewed plan was made by OpenTofu 1.12.6 (/x/tofu), but /x/tofu is now OpenTofu 1.12.7: ${RULE}`);
  });

  test('gone, not executable, unrecognised, failing: each says so', () => {
    const made = 'The reviewed plan was made by OpenTofu 1.12.6 (/x/tofu), but /x/tofu';
    const message = (answer: Parameters<typeof compareExecutable>[1]) => {
      const check = compareExecutable(recorded, answer);
      assert.equal(check.ok, false);
      return check.ok ? '' : `${check.change}: ${check.message}`;
    };
    assert.equal(message({ gone: true }), `gone: ${made} is gone: ${RULE}`);
    assert.equal(message({ notExecutable: true }), `not-executable: ${made} can no longer be run (it is not executable): ${RULE}`);
    assert.equal(message({ tool: 'opentofu', version: '' }), `unrecognised: ${made} no longer says it is Terraform or OpenTofu: ${RULE}`);
    assert.equal(
      message({ failed: '/x/tofu version -json failed: exit 3' }),
      `unrecognised: ${made} no longer answers \`version\` (/x/tofu version -json failed: exit 3): ${RULE}`,
    );
  });
});

describe('checkPlanExecutable (real files)', () => {
  test('a path where nothing is any more: gone', async () => {
    const missing = path.join(tempDir('ii-check-'), 'tofu');
    const check = await checkPlanExecutable({ ...recorded, path: missing });
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.change, 'gone');
    assert.equal(!check.ok && check.message, `The reviewed plan was made by OpenTofu 1.12.6 (${missing}), but ${missing} is gone: ${RULE}`);
  });

  test('a file that lost its execute bit: not executable', async () => {
    const file = path.join(tempDir('ii-check-'), 'tofu');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    const check = await checkPlanExecutable({ ...recorded, path: file });
    assert.equal(!check.ok && check.change, 'not-executable');
    assert.match(!check.ok ? check.message : '', /can no longer be run \(it is not executable\)/);
  });
});
