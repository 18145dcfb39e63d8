import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { locateResource, moduleCallNames, moduleDirectory } from '../../client/src/plan/resourceLocator';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

describe('resource locator (reveal in source)', () => {
  it('reads module call names from instance addresses', () => {
    assert.deepEqual(moduleCallNames(''), []);
    assert.deepEqual(moduleCallNames('module.app'), ['app']);
    assert.deepEqual(moduleCallNames('module.app["blue"].module.db[0]'), ['app', 'db']);
    assert.deepEqual(moduleCallNames('module.a["x.y"].module.b'), ['a', 'b']);
  });

  it('finds a root module block with quoted or bare labels, past comments holding braces', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.tf'), 'variable "x" {}\n');
    writeFileSync(
      path.join(dir, 'main.tf'),
      [
        '# resource "local_file" "example" { in a comment',
        'locals { a = "}" }',
        '  resource "local_file" "example" {',
        '  content = "{ not a brace }" # }',
        '  /* } */',
        '}',
        'data null_data_source other {',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(locateResource(dir, { module: '', mode: 'managed', type: 'local_file', name: 'example' }), {
      file: path.join(dir, 'main.tf'),
      line: 2,
      character: 2,
      endLine: 5,
    });
    const data = locateResource(dir, { module: '', mode: 'data', type: 'null_data_source', name: 'other' });
    assert.equal(data?.line, 6);
    assert.equal(data?.endLine, 7);
    assert.equal(locateResource(dir, { module: '', mode: 'managed', type: 'null_data_source', name: 'other' }), undefined, 'mode decides the keyword');
    assert.equal(locateResource(dir, { module: '', mode: 'managed', type: 'local_file', name: 'examp' }), undefined, 'a label prefix is not a match');
  });

  it('finds a child module block through the manifest init writes', () => {
    const root = tempDir();
    const child = path.join(root, 'modules', 'files');
    mkdirSync(child, { recursive: true });
    mkdirSync(path.join(root, '.terraform', 'modules'), { recursive: true });
    writeFileSync(
      path.join(root, '.terraform', 'modules', 'modules.json'),
      JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'files', Source: './modules/files', Dir: 'modules/files' },
        ],
      }),
    );
    writeFileSync(path.join(child, 'main.tf'), 'resource "local_file" "f" {\n}\n');
    assert.equal(moduleDirectory(root, 'module.files["a"]'), child);
    assert.equal(locateResource(root, { module: 'module.files["a"]', mode: 'managed', type: 'local_file', name: 'f' })?.file, path.join(child, 'main.tf'));
    assert.equal(moduleDirectory(root, 'module.other'), undefined, 'a module init has not recorded');
    assert.equal(moduleDirectory(tempDir(), 'module.files'), undefined, 'no manifest: init has not run');
  });
});
