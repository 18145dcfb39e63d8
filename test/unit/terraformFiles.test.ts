import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEPENDENCY_LOCK_FILE,
  isAutoLoadedTfvarsFile,
  isNativeSyntaxConfigurationFile,
  isPlanInputFile,
  isTerraformConfigurationFile,
  isTfvarsFile,
  LOCAL_STATE_FILE,
  NATIVE_SYNTAX_CONFIGURATION_GLOB,
  NATIVE_SYNTAX_EXTENSIONS,
  TFVARS_GLOB,
} from '../../core/src/terraform/terraformFiles';

/** Names and what each predicate answers for them, in the order of the columns below. */
const TABLE: Array<[name: string, native: boolean, configuration: boolean, autoTfvars: boolean, tfvars: boolean, planInput: boolean]> = [
  ['main.tf', true, true, false, false, true],
  ['main.tofu', true, true, false, false, true],
  ['main.tf.json', false, true, false, false, true],
  ['main.tofu.json', false, true, false, false, true],
  ['terraform.tfvars', false, false, true, true, true],
  ['prod.auto.tfvars', false, false, true, true, true],
  ['prod.tfvars', false, false, false, true, true],
  ['terraform.tfvars.json', false, false, true, true, true],
  ['prod.auto.tfvars.json', false, false, true, true, true],
  ['.terraform.lock.hcl', false, false, false, false, false],
  ['terraform.tfstate', false, false, false, false, false],
  ['main.TF', false, false, false, false, false],
  ['main.tf.bak', false, false, false, false, false],
  ['notterraform.tfvars', false, false, false, true, true],
  ['deployment.yaml', false, false, false, false, false],
];

describe('which files are Terraform', () => {
  for (const [name, native, configuration, autoTfvars, tfvars, planInput] of TABLE) {
    test(name, () => {
      assert.equal(isNativeSyntaxConfigurationFile(name), native, 'native-syntax configuration (what the analysis reads)');
      assert.equal(isTerraformConfigurationFile(name), configuration, 'configuration in either syntax');
      assert.equal(isAutoLoadedTfvarsFile(name), autoTfvars, 'tfvars loaded by itself');
      assert.equal(isTfvarsFile(name), tfvars, 'any tfvars');
      assert.equal(isPlanInputFile(name), planInput, 'a file whose change can change a plan');
    });
  }

  test('a path answers as its last segment, with either separator', () => {
    for (const [name, native, configuration, autoTfvars, tfvars, planInput] of TABLE) {
      for (const file of [`/work/module/${name}`, `C:\\work\\module\\${name}`]) {
        assert.deepEqual(
          [isNativeSyntaxConfigurationFile(file), isTerraformConfigurationFile(file), isAutoLoadedTfvarsFile(file), isTfvarsFile(file), isPlanInputFile(file)],
          [native, configuration, autoTfvars, tfvars, planInput],
          file,
        );
      }
    }
    assert.equal(isAutoLoadedTfvarsFile('/work/notterraform.tfvars'), false);
    assert.equal(isAutoLoadedTfvarsFile('/work/terraform.tfvars/main.tf'), false);
  });

  test('the globs and names say the same as the predicates', () => {
    assert.deepEqual([...NATIVE_SYNTAX_EXTENSIONS], ['.tf', '.tofu']);
    assert.equal(NATIVE_SYNTAX_CONFIGURATION_GLOB, '**/*.{tf,tofu}');
    assert.equal(TFVARS_GLOB, '**/*.tfvars');
    assert.equal(DEPENDENCY_LOCK_FILE, '.terraform.lock.hcl');
    assert.equal(LOCAL_STATE_FILE, 'terraform.tfstate');
    for (const extension of NATIVE_SYNTAX_EXTENSIONS) assert.ok(isNativeSyntaxConfigurationFile(`main${extension}`));
  });
});
