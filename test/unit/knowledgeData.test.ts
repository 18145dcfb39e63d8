import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultKnowledgeBaseDir, INDEX_FILE, loadIndexFile, loadProviderFile, ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';

// The committed knowledge data, read through the loader the language server uses: every provider
// file loads without problems, and the index and the files agree on every resource type.

const dataDir = defaultKnowledgeBaseDir();
const providerFiles = fs
  .readdirSync(dataDir)
  .filter((name) => name.endsWith('.json') && name !== INDEX_FILE)
  .sort();

describe('committed knowledge data', () => {
  test('the big providers are committed', () => {
    for (const name of ['aws', 'google', 'azurerm', 'kubernetes', 'helm']) {
      assert.ok(providerFiles.includes(`hashicorp-${name}.json`), `hashicorp-${name}.json is committed`);
    }
  });

  for (const file of providerFiles) {
    test(`${file} loads, and the index names each of its resource types and aliases`, () => {
      const provider = loadProviderFile(path.join(dataDir, file));
      const index = loadIndexFile(path.join(dataDir, INDEX_FILE));
      const types = [...Object.keys(provider.resources), ...Object.keys(provider.aliases ?? {})];
      // A provider of data sources only (http, external) has a file with no resource types: the
      // generator read its registrations and found none, which its coverage records.
      if (types.length === 0)
        assert.equal(
          (JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8')) as { coverage?: { resources?: number } }).coverage?.resources,
          0,
          `${file} describes no resource type, and its coverage says it has none`,
        );
      const missing = types.filter((type) => index.resources[type] !== file);
      assert.deepEqual(missing, [], `index.json maps every type of ${file} to it`);
    });
  }

  test('every index entry resolves to its resource in the file it names', () => {
    const kb = new ReplacementKnowledgeBase(dataDir);
    const unresolved = kb.resourceTypes().filter((type) => kb.resource(type) === undefined);
    assert.deepEqual(unresolved, []);
    const withResources = providerFiles.filter((file) => Object.keys(loadProviderFile(path.join(dataDir, file)).resources).length > 0);
    assert.deepEqual(kb.loadedProviders().length, withResources.length, 'the index covers every provider file that has resource types');
  });

  test('every file the index names exists and is a provider file', () => {
    const kb = new ReplacementKnowledgeBase(dataDir);
    assert.deepEqual(
      kb.providerFiles().filter((file) => !providerFiles.includes(file)),
      [],
    );
  });
});
