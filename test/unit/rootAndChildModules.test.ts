/**
 * Which module folders are roots and which roots analyse each child module: the pure decision
 * over module calls already resolved to folders, and the facts it is made from.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { moduleFolderFacts, rootAndChildModules } from '../../core/src/terraform/rootAndChildModules';
import type { ModuleFileInput } from '../../core/src/terraform/moduleAnalysis';
import { useHclParser } from './hclTestSupport';

const hcl = useHclParser();

function read(path: string, text: string): ModuleFileInput {
  return { kind: 'read', path, text, file: hcl.parse(text) };
}

describe('moduleFolderFacts', () => {
  test('literal sources of module calls, and a backend', () => {
    const facts = moduleFolderFacts([
      read('/m/main.tf', 'module "app" {\n  source = "./modules/app"\n}\nmodule "templated" {\n  source = "./${var.x}"\n}\n'),
      read('/m/net.tf', 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.0"\n}\nterraform {\n  backend "s3" {}\n}\n'),
      { kind: 'unreadable', path: '/m/big.tf', problem: 'too large' },
    ]);
    assert.deepEqual(facts, {
      calls: [
        { name: 'app', source: './modules/app' },
        { name: 'vpc', source: 'terraform-aws-modules/vpc/aws' },
      ],
      declaresBackend: true,
    });
  });

  test('required_providers alone is no backend; cloud is one', () => {
    assert.equal(moduleFolderFacts([read('/m/a.tf', 'terraform {\n  required_providers {}\n}\n')]).declaresBackend, false);
    assert.equal(moduleFolderFacts([read('/m/a.tf', 'terraform {\n  cloud {\n    organization = "o"\n  }\n}\n')]).declaresBackend, true);
  });
});

describe('rootAndChildModules', () => {
  test('a root with a child and a grandchild', () => {
    const result = rootAndChildModules({
      calls: new Map([
        ['/w', ['/w/modules/app']],
        ['/w/modules/app', ['/w/modules/app/db']],
        ['/w/modules/app/db', []],
      ]),
    });
    assert.deepEqual(result.roots, ['/w']);
    assert.deepEqual(result.childrenOf.get('/w'), ['/w/modules/app', '/w/modules/app/db']);
    assert.deepEqual(result.rootsOf.get('/w/modules/app/db'), ['/w']);
    assert.deepEqual(result.rootsOf.get('/w'), ['/w']);
  });

  test('a module shared by two roots, and a folder nobody calls', () => {
    const result = rootAndChildModules({
      calls: new Map([
        ['/w/envs/prod', ['/w/modules/app']],
        ['/w/envs/staging', ['/w/modules/app']],
        ['/w/modules/app', []],
        ['/w/tools', []],
      ]),
    });
    assert.deepEqual(result.roots, ['/w/envs/prod', '/w/envs/staging', '/w/tools']);
    assert.deepEqual(result.rootsOf.get('/w/modules/app'), ['/w/envs/prod', '/w/envs/staging']);
    assert.deepEqual(result.childrenOf.get('/w/tools'), []);
  });

  test('a called folder that is initialised or applied on its own is a root too', () => {
    const result = rootAndChildModules({
      calls: new Map([
        ['/w', ['/w/modules/app']],
        ['/w/modules/app', []],
      ]),
      standalone: new Set(['/w/modules/app']),
    });
    assert.deepEqual(result.roots, ['/w', '/w/modules/app']);
    assert.deepEqual(result.rootsOf.get('/w/modules/app'), ['/w', '/w/modules/app']);
  });

  test('callees outside the folders considered are still children of their roots', () => {
    const result = rootAndChildModules({ calls: new Map([['/w/envs/prod', ['/w/modules/app']]]) });
    assert.deepEqual(result.roots, ['/w/envs/prod']);
    assert.deepEqual(result.rootsOf.get('/w/modules/app'), ['/w/envs/prod']);
  });

  test('a cycle that nothing else calls: its first folder is analysed as a root, so the analysis can report it', () => {
    const result = rootAndChildModules({
      calls: new Map([
        ['/w/a', ['/w/b']],
        ['/w/b', ['/w/a']],
      ]),
    });
    assert.deepEqual(result.roots, ['/w/a']);
    assert.deepEqual(result.childrenOf.get('/w/a'), ['/w/b']);
    assert.deepEqual(result.rootsOf.get('/w/b'), ['/w/a']);
  });

  test('a cycle below a root, and a folder calling itself, end', () => {
    const result = rootAndChildModules({
      calls: new Map([
        ['/w', ['/w/a']],
        ['/w/a', ['/w/b', '/w/a']],
        ['/w/b', ['/w/a']],
      ]),
    });
    assert.deepEqual(result.roots, ['/w']);
    assert.deepEqual(result.childrenOf.get('/w'), ['/w/a', '/w/b']);
  });
});
