/**
 * Which root module to plan for a file: the module-call scanner over tricky HCL, and the root
 * detection over real folder trees (markers, callers, shared child modules, nested calls).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { isLocalModuleSource, scanModuleFile, scanModuleJsonFile } from '../../client/src/terraform/moduleCalls';
import { findRootModules, rootMarker } from '../../client/src/terraform/rootModules';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

describe('scanModuleFile', () => {
  test('literal sources of top-level module blocks only', () => {
    const text = `
# module "commented" { source = "./no" }
// module "also" { source = "./no" }
/* module "block" {
  source = "./no"
} */
module "net" {
  source  = "../modules/net" # trailing comment
  version = "1.0"
  tags = { source = "./not-the-source" }
  dynamic_thing {
    source = "./nested-block-not-the-source"
  }
}
module "templated" {
  source = "./\${var.x}"
}
module "remote" {
  source = "hashicorp/consul/aws"
}
resource "x" "y" {
  source = "./resource-attribute"
  text = <<-EOT
    module "in_heredoc" {
      source = "./no"
    }
  EOT
  braces = "}{ \${join("}", ["{"])}"
}
module "after" { source = "./after" }
`;
    assert.deepEqual(scanModuleFile(text).moduleSources, ['../modules/net', 'hashicorp/consul/aws', './after']);
    assert.equal(scanModuleFile(text).hasBackend, false);
  });

  test('a backend or cloud block in a terraform block; required_providers alone is not one', () => {
    assert.equal(scanModuleFile('terraform {\n  backend "s3" {\n    bucket = "b"\n  }\n}\n').hasBackend, true);
    assert.equal(scanModuleFile('terraform {\n  cloud {\n    organization = "o"\n  }\n}\n').hasBackend, true);
    assert.equal(scanModuleFile('terraform {\n  required_providers {\n    local = { source = "hashicorp/local" }\n  }\n}\n').hasBackend, false);
    assert.equal(scanModuleFile('resource "a" "b" {\n  backend "x" {}\n}\n').hasBackend, false);
  });

  test('.tf.json', () => {
    const facts = scanModuleJsonFile(JSON.stringify({ module: { a: { source: './a' }, b: [{ source: '../b' }] }, terraform: [{ backend: { local: {} } }] }));
    assert.deepEqual(facts, { moduleSources: ['./a', '../b'], hasBackend: true });
    assert.deepEqual(scanModuleJsonFile('{ broken'), { moduleSources: [], hasBackend: false });
  });

  test('local sources start with ./ or ../', () => {
    assert.ok(isLocalModuleSource('./a'));
    assert.ok(isLocalModuleSource('../a'));
    assert.ok(!isLocalModuleSource('a/b'));
    assert.ok(!isLocalModuleSource('git::https://example.invalid/x.git'));
  });
});

describe('findRootModules', () => {
  const resource = 'resource "local_file" "f" {\n  content  = "x"\n  filename = "f.txt"\n}\n';

  /** envs/prod and envs/staging call modules/app, which calls modules/app/db; tools/ calls nothing. */
  function workspace(): string {
    const root = tempDir('ii-roots-');
    mkdirSync(path.join(root, '.git'));
    writeFiles(root, {
      'envs/prod/main.tf': 'module "app" {\n  source = "../../modules/app"\n}\n',
      'envs/prod/.terraform.lock.hcl': '# lock\n',
      'envs/staging/main.tf': 'module "app" {\n  source = "../../modules/app/"\n}\n',
      'modules/app/main.tf': `module "db" {\n  source = "./db"\n}\n${resource}`,
      'modules/app/db/main.tf': resource,
      'tools/main.tf': resource,
      'backend/main.tf': 'terraform {\n  backend "local" {}\n}\n',
      'stateful/main.tf': resource,
      'stateful/terraform.tfstate': '{}',
      // A called module that is itself initialised counts as a root (someone plans it on its own).
      'modules/initialised/main.tf': resource,
      'modules/initialised/.terraform/x': '',
      'envs/prod/extra.tf': 'module "initialised" {\n  source = "../../modules/initialised"\n}\n',
      // Copies of remote modules under .terraform are never callers.
      'envs/prod/.terraform/modules/copy/main.tf': 'module "x" {\n  source = "../../../../../tools"\n}\n',
    });
    return root;
  }

  test('a folder that is not called by any other is a root', async () => {
    const root = workspace();
    const file = path.join(root, 'tools', 'main.tf');
    assert.deepEqual(await findRootModules(file, { searchRoot: root }), {
      moduleDir: path.join(root, 'tools'),
      kind: 'root',
      roots: [path.join(root, 'tools')],
      callers: [],
    });
  });

  test('root markers: lock file, .terraform, state file, backend block', async () => {
    const root = workspace();
    assert.equal(await rootMarker(path.join(root, 'envs/prod')), '.terraform');
    assert.equal(await rootMarker(path.join(root, 'stateful')), 'terraform.tfstate');
    assert.equal(await rootMarker(path.join(root, 'backend')), 'backend');
    assert.equal(await rootMarker(path.join(root, 'modules/initialised')), '.terraform');
    assert.equal(await rootMarker(path.join(root, 'envs/staging')), undefined);
    assert.equal((await findRootModules(path.join(root, 'modules/initialised/main.tf'), { searchRoot: root })).kind, 'root');
  });

  test('a shared child module: every root that calls it, for a quick pick', async () => {
    const root = workspace();
    const result = await findRootModules(path.join(root, 'modules', 'app', 'main.tf'), { searchRoot: root });
    assert.equal(result.kind, 'child');
    assert.deepEqual(result.callers, [path.join(root, 'envs/prod'), path.join(root, 'envs/staging')]);
    assert.deepEqual(result.roots, [path.join(root, 'envs/prod'), path.join(root, 'envs/staging')]);
  });

  test('a module called through another child module: the roots at the top of the chain', async () => {
    const root = workspace();
    const result = await findRootModules(path.join(root, 'modules', 'app', 'db', 'main.tf'));
    assert.equal(result.kind, 'child');
    assert.deepEqual(result.callers, [path.join(root, 'modules/app')]);
    assert.deepEqual(result.roots, [path.join(root, 'envs/prod'), path.join(root, 'envs/staging')]);
  });

  test('a cycle of module calls ends, with the module itself to plan (Terraform reports the cycle)', async () => {
    const root = tempDir('ii-roots-cycle-');
    writeFiles(root, {
      'a/main.tf': 'module "b" {\n  source = "../b"\n}\n',
      'b/main.tf': 'module "a" {\n  source = "../a"\n}\n',
    });
    const result = await findRootModules(path.join(root, 'a', 'main.tf'), { searchRoot: root });
    assert.equal(result.kind, 'child');
    assert.deepEqual(result.roots, [path.join(root, 'a')]);
  });
});
