/**
 * Failure classification of terraform/tofu runs: the diagnostics' summaries as both tools print
 * them (OpenTofu 1.12's sources; Terraform's are the same words with "terraform init"), the lock
 * info block, Problems-panel ranges. Real runs of the same failures: test/e2e-tofu/planRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyRun,
  classifySpawnError,
  diagnosticRange,
  diagnosticsFromText,
  explainOtherToolInitialised,
  lockOperationName,
  parseLockInfo,
  planErroredFailure,
} from '../../client/src/terraform/terraformErrors';
import type { TerraformDiagnostic, TerraformUiEvent } from '../../client/src/terraform/terraformEvents';
import { TERRAFORM_PATH_SETTING, TerraformExecutableNotFoundError } from '../../core/src/terraform/tool/terraformExecutable';
import { TerraformSpawnError, type TerraformProcessResult } from '../../client/src/terraform/terraformProcess';

const LOCK_DETAIL = `Error message: resource temporarily unavailable
Lock Info:
  ID:        5650a5e1-0923-296c-af33-291833c193e3
  Path:      terraform.tfstate
  Operation: OperationTypeApply
  Who:       alice@build-7
  Version:   1.12.6
  Created:   2026-11-26 09:54:37.165805231 +0000 UTC
  Info:      


OpenTofu acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.`;

function result(fields: Partial<TerraformProcessResult> & { diagnostics?: TerraformDiagnostic[]; tool?: 'terraform' | 'opentofu' }): TerraformProcessResult {
  const events: TerraformUiEvent[] = [];
  if (fields.tool) {
    events.push({ type: 'version', tool: fields.tool, version: '1.0.0', ui: '1.2', level: 'info', message: '', raw: {} });
  }
  return {
    executable: '/usr/bin/tofu',
    args: ['plan', '-json'],
    cwd: '/m',
    exitCode: 1,
    exitSignal: null,
    stdout: '',
    stderr: '',
    events,
    diagnostics: [],
    cancelled: false,
    timedOut: false,
    terminated: false,
    durationMs: 1,
    ...fields,
  };
}

function error(summary: string, detail = '', range?: TerraformDiagnostic['range']): TerraformDiagnostic {
  return { severity: 'error', summary, detail, ...(range ? { range } : {}) };
}

describe('parseLockInfo', () => {
  test('reads every field of the Lock Info block; an empty Info is left out', () => {
    assert.deepEqual(parseLockInfo(LOCK_DETAIL), {
      id: '5650a5e1-0923-296c-af33-291833c193e3',
      path: 'terraform.tfstate',
      operation: 'OperationTypeApply',
      who: 'alice@build-7',
      version: '1.12.6',
      created: '2026-11-26 09:54:37.165805231 +0000 UTC',
    });
  });

  test('no Lock Info block (a backend that could not say): undefined', () => {
    assert.equal(parseLockInfo('Error message: ConditionalCheckFailedException'), undefined);
  });

  test('operation names', () => {
    assert.equal(lockOperationName('OperationTypePlan'), 'plan');
    assert.equal(lockOperationName('OperationTypeInvalid'), 'invalid');
    assert.equal(lockOperationName('migration'), 'migration');
    assert.equal(lockOperationName(undefined), undefined);
  });
});

describe('classifyRun', () => {
  test('success is no failure', () => {
    assert.equal(classifyRun(result({ exitCode: 0 })), undefined);
  });

  test('a held lock names who holds it, what they run, and how to release it', () => {
    const failure = classifyRun(result({ tool: 'opentofu', diagnostics: [error('Error acquiring the state lock', LOCK_DETAIL)] }));
    assert.equal(failure?.kind, 'state-locked');
    if (failure?.kind !== 'state-locked') return;
    assert.equal(failure.lock?.who, 'alice@build-7');
    assert.equal(
      failure.message,
      'The state (terraform.tfstate) is locked by alice@build-7 (operation: apply, since 2026-11-26 09:54:37.165805231 +0000 UTC, version 1.12.6). Wait for that run to finish and try again. If that run is gone for good, `tofu force-unlock 5650a5e1-0923-296c-af33-291833c193e3` releases it.',
    );
  });

  test('a lock error without lock info still reads as a held lock', () => {
    const failure = classifyRun(result({ diagnostics: [error('Error acquiring the state lock', 'Error message: 2 errors occurred:\n\t* lock held')] }));
    assert.equal(failure?.kind, 'state-locked');
    assert.match(failure?.message ?? '', /^The state is locked by another run: Error message: 2 errors occurred/);
  });

  test('each init-needed summary, with the command of the tool that ran', () => {
    const cases: Array<[string, string]> = [
      ['Inconsistent dependency lock file', 'lock-file'],
      ['Required plugins are not installed', 'providers'],
      ['Missing required provider', 'providers'],
      ['Module not installed', 'modules'],
      ['Module source has changed', 'modules'],
      ['Backend initialization required, please run "tofu init"', 'backend'],
      ['Backend initialization required: please run "terraform init"', 'backend'],
      ['Cloud backend initialization required: please run "tofu init"', 'backend'],
      ['Backend configuration changed', 'backend'],
    ];
    for (const [summary, reason] of cases) {
      const tofu = classifyRun(result({ tool: 'opentofu', diagnostics: [error(summary, 'To make the initial dependency selections …, run:\n  tofu init')] }));
      assert.equal(tofu?.kind, 'init-required', summary);
      assert.equal(tofu?.kind === 'init-required' && tofu.reason, reason, summary);
      assert.match(tofu?.message ?? '', /Run `tofu init` in the module first/);
      const terraform = classifyRun(result({ tool: 'terraform', diagnostics: [error(summary)] }));
      assert.match(terraform?.message ?? '', /Run `terraform init` in the module first/);
    }
  });

  test("a saved plan that no longer fits is stale (Terraform's own words), not an init problem", () => {
    for (const summary of ['Saved plan is stale', 'Saved plan does not match the given state']) {
      const failure = classifyRun(
        result({
          args: ['apply', 'p.tfplan'],
          diagnostics: [error(summary, 'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.')],
        }),
      );
      assert.equal(failure?.kind, 'stale-plan', summary);
      assert.match(failure?.message ?? '', /The saved plan can no longer be applied .*Run the plan again\.$/);
    }
    const locks = classifyRun(
      result({
        args: ['apply', 'p.tfplan'],
        diagnostics: [
          error(
            'Inconsistent dependency lock file',
            'The given plan file was created with a different set of external dependency selections than the current configuration.',
          ),
        ],
      }),
    );
    assert.equal(locks?.kind, 'stale-plan');
  });

  test('errors with a source range are configuration errors that keep every diagnostic', () => {
    const range = { filename: 'main.tf', start: { line: 3, column: 14, byte: 40 }, end: { line: 3, column: 22, byte: 48 } };
    const warning: TerraformDiagnostic = { severity: 'warning', summary: 'Deprecated attribute', detail: '' };
    const diagnostics = [warning, error('Unsupported argument', 'An argument named "x" is not expected here.', range), error('Missing required argument')];
    const failure = classifyRun(result({ tool: 'opentofu', diagnostics }));
    assert.equal(failure?.kind, 'configuration-error');
    assert.equal(failure?.message, 'tofu plan failed: Unsupported argument (main.tf:3:14) and 1 more error.');
    assert.equal(failure?.kind === 'configuration-error' && failure.diagnostics.length, 3);
  });

  test('errors without a range: the first error, with its detail', () => {
    const failure = classifyRun(result({ tool: 'terraform', diagnostics: [error('Failed to read file', 'The file could not be read.\n\nMore text.')] }));
    assert.equal(failure?.kind, 'failed');
    assert.equal(failure?.message, 'terraform plan failed: Failed to read file: The file could not be read.');
  });

  test('no diagnostics on stdout: the plain-text errors of stderr are used', () => {
    const stderr = '\nError: Required plugins are not installed\n\nThe installed provider plugins are not consistent…\n';
    assert.equal(classifyRun(result({ stderr }))?.kind, 'init-required');
    const unknown = classifyRun(result({ exitCode: 2, stderr: 'panic: something\ngoroutine 1' }));
    assert.equal(unknown?.kind, 'failed');
    assert.equal(unknown?.message, 'terraform plan failed with exit code 2:\npanic: something\ngoroutine 1');
  });

  test('cancelled and timed out win over whatever the interrupted run printed', () => {
    const printed = [error('execution halted')];
    assert.deepEqual(classifyRun(result({ tool: 'opentofu', cancelled: true, diagnostics: printed })), {
      kind: 'cancelled',
      message: 'tofu plan was cancelled.',
      terminated: false,
    });
    assert.deepEqual(classifyRun(result({ cancelled: true, terminated: true, exitCode: null, exitSignal: 'SIGKILL' })), {
      kind: 'cancelled',
      message: 'terraform plan was cancelled (terminated).',
      terminated: true,
    });
    assert.equal(classifyRun(result({ timedOut: true, cancelled: true, diagnostics: printed }))?.kind, 'timed-out');
  });
});

/**
 * The same failures in both tools' own words, as real runs printed them (`plan -json` / `apply -json`
 * diagnostics of OpenTofu 1.12.6 and HashiCorp Terraform 1.11.4 on these machines). The summaries are
 * the same word for word; the details differ where each names itself ("OpenTofu acquires a state
 * lock" / "Terraform acquires a state lock", "run: tofu init" / "run: terraform init"). The end-to-end
 * suite makes each of these failures happen with both tools (planRunner/applyRunner tests).
 */
const REAL_DIAGNOSTICS: Record<'opentofu' | 'terraform', Record<string, [summary: string, detail: string]>> = {
  opentofu: {
    lock: [
      'Error acquiring the state lock',
      'Error message: resource temporarily unavailable\nLock Info:\n  ID:        0e50f44c-f6bf-1059-6015-ea18291e1e49\n  Path:      terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       root@vm\n  Version:   1.12.6\n  Created:   2026-12-02 18:12:38.14854754 +0000 UTC\n  Info:      \n\n\nOpenTofu acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the "-lock=false"\nflag, but this is not recommended.',
    ],
    noInit: [
      'Inconsistent dependency lock file',
      'The following dependency selections recorded in the lock file are inconsistent with the current configuration:\n  - provider registry.opentofu.org/hashicorp/local: required by this configuration but no version is selected\n\nTo make the initial dependency selections that will initialize the dependency lock file, run:\n  tofu init',
    ],
    plugins: [
      'Required plugins are not installed',
      'The installed provider plugins are not consistent with the packages selected in the dependency lock file:\n  - registry.opentofu.org/hashicorp/local: there is no package for registry.opentofu.org/hashicorp/local 2.9.0 cached in .terraform/providers\n\nOpenTofu uses external plugins to integrate with a variety of different infrastructure services. You must install the required plugins before running OpenTofu operations.',
    ],
    module: ['Module not installed', 'This module is not yet installed. Run "tofu init" to install all modules required by this configuration.'],
    stale: ['Saved plan is stale', 'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.'],
    lineage: ['Saved plan does not match the given state', 'The given plan file can not be applied because it was created from a different state lineage.'],
    planLocks: [
      'Inconsistent dependency lock file',
      'The given plan file was created with a different set of external dependency selections than the current configuration. A saved plan can be applied only to the same configuration it was created from.\n\nCreate a new plan from the updated configuration.',
    ],
  },
  terraform: {
    lock: [
      'Error acquiring the state lock',
      'Error message: resource temporarily unavailable\nLock Info:\n  ID:        8661ddf2-e644-999d-c7b1-d703faa888a0\n  Path:      terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       root@vm\n  Version:   1.11.4\n  Created:   2026-12-02 18:02:27.946295714 +0000 UTC\n  Info:      \n\n\nTerraform acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the "-lock=false"\nflag, but this is not recommended.',
    ],
    noInit: [
      'Inconsistent dependency lock file',
      'The following dependency selections recorded in the lock file are inconsistent with the current configuration:\n  - provider registry.terraform.io/hashicorp/local: required by this configuration but no version is selected\n\nTo make the initial dependency selections that will initialize the dependency lock file, run:\n  terraform init',
    ],
    plugins: [
      'Required plugins are not installed',
      'The installed provider plugins are not consistent with the packages selected in the dependency lock file:\n  - registry.terraform.io/hashicorp/local: there is no package for registry.terraform.io/hashicorp/local 2.9.0 cached in .terraform/providers\n\nTerraform uses external plugins to integrate with a variety of different infrastructure services. You must install the required plugins before running Terraform operations.',
    ],
    module: ['Module not installed', 'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.'],
    stale: ['Saved plan is stale', 'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.'],
    lineage: ['Saved plan does not match the given state', 'The given plan file can not be applied because it was created from a different state lineage.'],
    planLocks: [
      'Inconsistent dependency lock file',
      'The given plan file was created with a different set of external dependency selections than the current configuration. A saved plan can be applied only to the same configuration it was created from.\n\nCreate a new plan from the updated configuration.',
    ],
  },
};

describe("both tools' own words", () => {
  for (const tool of ['opentofu', 'terraform'] as const) {
    const cli = tool === 'opentofu' ? 'tofu' : 'terraform';
    const version = tool === 'opentofu' ? '1.12.6' : '1.11.4';
    const lockedSince = tool === 'opentofu' ? '2026-12-02 18:12:38.14854754 +0000 UTC' : '2026-12-02 18:02:27.946295714 +0000 UTC';
    const run = (name: string, args = ['plan', '-json']) => {
      const [summary, detail] = REAL_DIAGNOSTICS[tool][name];
      return classifyRun(result({ tool, args, diagnostics: [error(summary, detail)] }));
    };

    test(`${tool} ${version}: a held lock names who holds it and the ${cli} command that releases it`, () => {
      const failure = run('lock');
      assert.equal(failure?.kind, 'state-locked');
      if (failure?.kind !== 'state-locked') return;
      assert.equal(failure.lock?.who, 'root@vm');
      assert.equal(failure.lock?.version, version);
      assert.ok(
        failure.message.startsWith(`The state (terraform.tfstate) is locked by root@vm (operation: apply, since ${lockedSince}, version ${version}).`),
        failure.message,
      );
      assert.ok(failure.message.endsWith(`\`${cli} force-unlock ${failure.lock?.id}\` releases it.`), failure.message);
    });

    test(`${tool} ${version}: not initialised, no plugins, no module: init-required, with ${cli} init`, () => {
      for (const [name, reason] of [
        ['noInit', 'lock-file'],
        ['plugins', 'providers'],
        ['module', 'modules'],
      ] as const) {
        const failure = run(name);
        assert.equal(failure?.kind, 'init-required', name);
        assert.equal(failure?.kind === 'init-required' && failure.reason, reason, name);
        assert.ok(failure?.message.includes(`Run \`${cli} init\` in the module first (${REAL_DIAGNOSTICS[tool][name][0]}).`), failure?.message);
      }
    });

    test(`${tool} ${version}: a stale saved plan, another lineage, other provider selections: stale-plan`, () => {
      assert.equal(
        run('stale', ['apply', '-json', 'p.tfplan'])?.message,
        'The saved plan can no longer be applied (Saved plan is stale): The given plan file can no longer be applied because the state was changed by another operation after the plan was created. Run the plan again.',
      );
      assert.equal(
        run('lineage', ['apply', '-json', 'p.tfplan'])?.message,
        'The saved plan can no longer be applied (Saved plan does not match the given state): The given plan file can not be applied because it was created from a different state lineage. Run the plan again.',
      );
      const locks = run('planLocks', ['apply', '-json', 'p.tfplan']);
      assert.equal(locks?.kind, 'stale-plan');
      assert.match(
        locks?.message ?? '',
        /^The saved plan can no longer be applied \(Inconsistent dependency lock file\): The given plan file was created with a different set of external dependency selections/,
      );
    });
  }
});

describe('other failures', () => {
  test('spawn errors: a missing or non-executable program names the setting', () => {
    for (const code of ['ENOENT', 'EACCES']) {
      const failure = classifySpawnError(new TerraformSpawnError('spawn /x ENOENT', code, '/opt/terraform'));
      assert.equal(failure.kind, 'executable-missing');
      assert.ok(failure.message.includes(TERRAFORM_PATH_SETTING));
    }
    assert.equal(classifySpawnError(new TerraformExecutableNotFoundError('none found')).kind, 'executable-missing');
    assert.equal(classifySpawnError(new TerraformSpawnError('EMFILE', 'EMFILE', '/opt/terraform')).kind, 'failed');
  });

  test('an errored plan', () => {
    assert.deepEqual(planErroredFailure('/m/p.tfplan'), {
      kind: 'plan-errored',
      message: 'The plan /m/p.tfplan records that planning failed: it cannot be applied. Fix the errors and plan again.',
      diagnostics: [],
    });
  });

  test('apply of a plan file that records errors (the apply refuses it) is plan-errored, not a generic failure', () => {
    // OpenTofu 1.12's words (a real apply of an errored plan file printed them); Terraform's backend_apply.go has the same summary.
    const failure = classifyRun(
      result({
        args: ['apply', '-json', 'p.tfplan'],
        tool: 'opentofu',
        diagnostics: [error('Cannot apply incomplete plan', 'OpenTofu encountered an error when generating this plan, so it cannot be applied.')],
      }),
    );
    assert.equal(failure?.kind, 'plan-errored');
    assert.equal(failure?.message, 'The saved plan records that planning failed, so it cannot be applied (Cannot apply incomplete plan). Fix the errors and plan again.');
  });

  test('plain-text diagnostics, boxed or not', () => {
    const boxed = '╷\n│ Error: Module not installed\n│ \n│   on main.tf line 1:\n│    1: module "a" {\n╵\n╷\n│ Warning: Something\n╵\n';
    assert.deepEqual(
      diagnosticsFromText(boxed).map((d) => [d.severity, d.summary]),
      [
        ['error', 'Module not installed'],
        ['warning', 'Something'],
      ],
    );
    assert.match(diagnosticsFromText(boxed)[0].detail, /on main\.tf line 1:/);
  });
});

describe('diagnosticRange', () => {
  const text = 'locals {\n  a = "😀" + x\n}\n';
  // "x" on line 2: column 13 in Unicode characters (the emoji is one), UTF-16 character 13 (the
  // emoji is two units), byte 24 (the emoji is four bytes).
  const diagnostic = error('Invalid reference', '', { filename: 'main.tf', start: { line: 2, column: 13, byte: 24 }, end: { line: 2, column: 14, byte: 25 } });

  test('with the file text: exact UTF-16 positions from the byte offsets', () => {
    assert.deepEqual(diagnosticRange(diagnostic, text), { start: { line: 1, character: 13 }, end: { line: 1, character: 14 } });
    assert.equal(text.split('\n')[1].charAt(13), 'x');
  });

  test('without it: line and column minus one', () => {
    assert.deepEqual(diagnosticRange(diagnostic), { start: { line: 1, character: 12 }, end: { line: 1, character: 13 } });
  });

  test('no range: undefined', () => {
    assert.equal(diagnosticRange(error('x')), undefined);
  });
});

describe('explainOtherToolInitialised', () => {
  // The diagnostics the real tools print planning a module the other one initialised (seed example;
  // Terraform 1.11.4 and OpenTofu 1.12.6; test/e2e-tofu/otherToolInitialised.test.ts runs them).
  const terraformOnTofuModule = error(
    'Inconsistent dependency lock file',
    'The following dependency selections recorded in the lock file are inconsistent with the current configuration:\n  - provider registry.terraform.io/hashicorp/local: required by this configuration but no version is selected\n\nTo update the locked dependency selections to match a changed configuration, run:\n  terraform init -upgrade',
  );
  const tofuOnTerraformLockOnly = error(
    'Required plugins are not installed',
    'The installed provider plugins are not consistent with the packages selected in the dependency lock file:\n  - registry.terraform.io/hashicorp/local: there is no package for registry.terraform.io/hashicorp/local 2.9.0 cached in .terraform/providers',
  );
  const ofTofu = { tool: 'opentofu' as const, reason: '.terraform.lock.hcl selects providers from registry.opentofu.org' };

  test('terraform on a module tofu initialised: both tools named, and what to do', () => {
    const failure = classifyRun(result({ tool: 'terraform', diagnostics: [terraformOnTofuModule] }))!;
    assert.equal(failure.kind, 'init-required');
    const explained = explainOtherToolInitialised(failure, { tool: 'terraform', version: '1.11.4', path: '/usr/local/bin/terraform' }, ofTofu);
    assert.equal(explained.kind, 'other-tool-initialised');
    if (explained.kind !== 'other-tool-initialised') return;
    assert.equal(explained.ran, 'terraform');
    assert.equal(explained.initialisedWith, 'opentofu');
    assert.deepEqual(explained.diagnostics, [terraformOnTofuModule]);
    assert.equal(
      explained.message,
      'This module was initialised with OpenTofu (.terraform.lock.hcl selects providers from registry.opentofu.org), but this run used Terraform 1.11.4 (/usr/local/bin/terraform): ' +
        'the two take `hashicorp/*` providers from different registries, so neither can use what the other installed. ' +
        `Set ${TERRAFORM_PATH_SETTING} to the path of tofu, or run \`terraform init\` in the module to initialise it for Terraform (Inconsistent dependency lock file).`,
    );
  });

  test('tofu on a module whose lock file is terraform’s ("Required plugins are not installed")', () => {
    const failure = classifyRun(result({ tool: 'opentofu', diagnostics: [tofuOnTerraformLockOnly] }))!;
    const explained = explainOtherToolInitialised(
      failure,
      { tool: 'opentofu' },
      { tool: 'terraform', reason: '.terraform.lock.hcl selects providers from registry.terraform.io' },
    );
    assert.equal(explained.kind, 'other-tool-initialised');
    assert.match(
      explained.message,
      /^This module was initialised with Terraform \(.terraform.lock.hcl selects providers from registry.terraform.io\), but this run used OpenTofu: /,
    );
    assert.match(
      explained.message,
      /Set immutableInfra.terraform.path to the path of terraform, or run `tofu init` in the module to initialise it for OpenTofu \(Required plugins are not installed\)\.$/,
    );
  });

  test('left as it is: the same tool, no evidence, or another kind of failure', () => {
    const failure = classifyRun(result({ tool: 'terraform', diagnostics: [terraformOnTofuModule] }))!;
    assert.equal(explainOtherToolInitialised(failure, { tool: 'terraform' }, { tool: 'terraform', reason: 'x' }), failure);
    assert.equal(explainOtherToolInitialised(failure, { tool: 'terraform' }, {}), failure);
    assert.equal(explainOtherToolInitialised(failure, {}, ofTofu), failure, 'the tool that ran is unknown');
    const modules = classifyRun(result({ tool: 'terraform', diagnostics: [error('Module not installed')] }))!;
    assert.equal(explainOtherToolInitialised(modules, { tool: 'terraform' }, ofTofu), modules, 'a module not installed is not about the providers');
    const locked = classifyRun(result({ tool: 'terraform', diagnostics: [error('Error acquiring the state lock', LOCK_DETAIL)] }))!;
    assert.equal(explainOtherToolInitialised(locked, { tool: 'terraform' }, ofTofu), locked);
  });
});
