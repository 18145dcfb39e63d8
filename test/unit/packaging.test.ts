/**
 * The shipped package: `npm run package` (production build + vsce) makes a .vsix that holds only
 * what runs, and package.json keeps the contracts others rely on (docs/editor.md, docs/cli.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { readProviderPack } from '../../core/src/terraform/knowledgeBase/knowledgePack';
import { joinProviderFile } from '../../core/src/terraform/knowledgeBase/providerFileParts';
import { TERRAFORM_PATH_SETTING } from '../../core/src/terraform/tool/terraformExecutable';
import { BASELINE_SOURCES, KUBERNETES_BASELINE_SOURCES, SERVER_TRACE_LEVELS, SETTING_RANGES, SETTINGS_SECTION, settingDefaults } from '../../common/src/settings';

const root = path.resolve(__dirname, '..', '..', '..');
const vsixPath = path.join(root, 'dist', 'immutable-infra.vsix');
const MAX_VSIX_BYTES = 5 * 1024 * 1024;

/** Entries every package must have (vsce puts the extension's files under `extension/`). */
const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/cli.js',
  'extension/dist/webview.js',
  'extension/dist/timeline.js',
  'extension/dist/tree-sitter.wasm',
  'extension/dist/tree-sitter-terraform.wasm',
];

/** Everything a package may hold: the bundles, their runtime assets, and vsce's metadata. */
const ALLOWED_ENTRIES = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/(extension|server|cli|webview|timeline)\.js$/,
  /^extension\/dist\/tree-sitter(-terraform)?\.wasm$/,
  /^extension\/dist\/data\/[\w.-]+(\/[\w.-]+)*\.json$/,
  // Provider files ship as packs (each resource compressed on its own); see knowledgePack.ts.
  /^extension\/dist\/data\/terraform-providers\/[\w.-]+\.json\.pack$/,
];

/** The extension's command ids, a contract (docs/editor.md). A contributed command must be one of them. */
const DOCUMENTED_COMMAND_IDS = [
  'immutableInfra.showPlanGraph',
  'immutableInfra.openPlanFile',
  'immutableInfra.applyPlan',
  'immutableInfra.showRolloutTimeline',
  'immutableInfra.restartServer',
  'immutableInfra.refreshDeployedState',
  'immutableInfra.forceUnlockState',
];

const EXECUTABLE_PATH_SETTINGS = ['immutableInfra.terraform.path', 'immutableInfra.kubectl.path'];

interface ConfigurationProperty {
  type?: string;
  default?: unknown;
  enum?: string[];
  scope?: string;
  minimum?: number;
  maximum?: number;
}

interface PackageManifest {
  main: string;
  bin: Record<string, string>;
  activationEvents?: string[];
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces?: boolean | { supported: boolean | 'limited' };
  };
  contributes: {
    commands?: Array<{ command: string; title: string }>;
    configuration?: Array<{ title: string; properties: Record<string, ConfigurationProperty> }>;
    languages?: Array<{ id: string; extensions?: string[] }>;
    grammars?: unknown[];
  };
}

/** Names in a zip's central directory: the end record points at it, each header holds a name. */
function zipEntryNames(zip: Buffer): string[] {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  assert.ok(end >= 0, 'the .vsix is not a zip file');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    assert.equal(zip.readUInt32LE(offset), CENTRAL_DIRECTORY_HEADER, 'corrupt zip central directory');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** npm itself when the tests run under npm (works on every OS), else `npm` from PATH. */
function npmCommand(args: string[]): [string, string[]] {
  const npmCli = process.env.npm_execpath;
  return npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, ...args]] : ['npm', args];
}

function readManifest(): PackageManifest {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageManifest;
}

function configurationProperties(manifest: PackageManifest): Record<string, ConfigurationProperty> {
  return Object.assign({}, ...(manifest.contributes.configuration ?? []).map((section) => section.properties));
}

describe('npm run package', { timeout: 180_000 }, () => {
  let entries: string[] = [];
  let vsixBytes = 0;

  before(async () => {
    const [command, args] = npmCommand(['run', 'package']);
    try {
      await promisify(execFile)(command, args, { cwd: root, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      assert.fail(`npm run package failed: ${String(error)}\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
    const zip = readFileSync(vsixPath);
    vsixBytes = zip.length;
    entries = zipEntryNames(zip);
  });

  test('writes a .vsix of at most 5 MB', () => {
    assert.ok(vsixBytes > 0, `${vsixPath} is empty`);
    assert.ok(vsixBytes <= MAX_VSIX_BYTES, `the .vsix is ${vsixBytes} bytes, over ${MAX_VSIX_BYTES}`);
  });

  test('holds the bundles and the tree-sitter wasm', () => {
    for (const required of REQUIRED_ENTRIES) assert.ok(entries.includes(required), `${required} missing from the .vsix`);
  });

  test('holds nothing but what runs (no sources, maps, node_modules or nested .vsix)', () => {
    const unexpected = entries.filter((entry) => !ALLOWED_ENTRIES.some((allowed) => allowed.test(entry)));
    assert.deepEqual(unexpected, []);
  });

  test('ships each provider file as a pack that decodes to exactly the committed JSON, and the index as JSON', () => {
    const committed = path.join(root, 'data', 'terraform-providers');
    const shipped = path.join(root, 'dist', 'data', 'terraform-providers');
    const providerFiles = readdirSync(committed).filter((file) => file.endsWith('.json') && file !== 'index.json');
    assert.ok(providerFiles.length > 0);
    for (const file of providerFiles) {
      assert.ok(entries.includes(`extension/dist/data/terraform-providers/${file}.pack`), `${file}.pack missing from the .vsix`);
      assert.ok(!existsSync(path.join(shipped, file)), `${file} is shipped unpacked too`);
      const pack = readProviderPack(readFileSync(path.join(shipped, `${file}.pack`)));
      const decoded = joinProviderFile({ types: pack.types, skeleton: pack.skeleton, entries: pack.types.map((_, i) => pack.entry(i)) });
      assert.equal(decoded, readFileSync(path.join(committed, file), 'utf8'), `${file}.pack does not decode to the committed file`);
    }
    assert.ok(entries.includes('extension/dist/data/terraform-providers/index.json'));
  });

  test('ships an executable CLI bundle', () => {
    const cli = path.join(root, 'dist', 'cli.js');
    assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'), 'dist/cli.js has no node shebang');
    if (process.platform !== 'win32') assert.ok((statSync(cli).mode & 0o111) !== 0, 'dist/cli.js is not executable');
  });

  test('registers every contributed command in the extension bundle', () => {
    const bundle = readFileSync(path.join(root, 'dist', 'extension.js'), 'utf8');
    for (const { command } of readManifest().contributes.commands ?? []) {
      assert.ok(bundle.includes(command), `${command} is contributed but dist/extension.js never mentions it`);
    }
  });
});

describe('package.json contracts', () => {
  const manifest = readManifest();
  const properties = configurationProperties(manifest);

  test('entry points are the bundles', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.bin['immutable-infra'], './dist/cli.js');
  });

  test('contributes only the documented command ids, including restartServer', () => {
    const ids = (manifest.contributes.commands ?? []).map((command) => command.command);
    assert.ok(ids.includes('immutableInfra.restartServer'));
    for (const id of ids) assert.ok(DOCUMENTED_COMMAND_IDS.includes(id), `${id} is not a documented command id (docs/editor.md)`);
    assert.equal(new Set(ids).size, ids.length, 'a command is contributed twice');
  });

  test('activates on Terraform without another Terraform extension', () => {
    assert.ok(manifest.activationEvents?.includes('onLanguage:terraform'));
    assert.ok(manifest.activationEvents?.includes('workspaceContains:**/*.tf'));
    const terraform = manifest.contributes.languages?.find((language) => language.id === 'terraform');
    assert.ok(terraform?.extensions?.includes('.tf'), 'the terraform language does not claim .tf');
    assert.equal(manifest.contributes.grammars, undefined, 'no grammar: colouring is left to Terraform extensions');
  });

  test('settings live under immutableInfra.* with the documented defaults and scopes', () => {
    for (const key of Object.keys(properties)) assert.ok(key.startsWith('immutableInfra.'), `${key} outside immutableInfra.*`);
    assert.equal(properties['immutableInfra.baseline']?.default, 'auto');
    assert.deepEqual(properties['immutableInfra.baseline']?.enum, ['auto', 'state', 'git']);
    assert.equal(properties['immutableInfra.baseline']?.scope, 'resource');
    assert.equal(properties['immutableInfra.gitRef']?.default, 'HEAD');
    assert.equal(properties['immutableInfra.gitRef']?.scope, 'resource');
    assert.equal(properties['immutableInfra.againstPath']?.default, '');
    assert.equal(properties['immutableInfra.againstPath']?.scope, 'resource');
    assert.equal(properties['immutableInfra.diagnostics.debounceMs']?.default, 200);
    assert.deepEqual(properties['immutableInfra.trace.server']?.enum, ['off', 'messages', 'verbose']);
  });

  test('declares exactly the settings of DEFAULT_SETTINGS, each with its default', () => {
    const defaults = settingDefaults();
    assert.deepEqual(Object.keys(properties).sort(), [...defaults.keys()].sort());
    for (const [key, value] of defaults) assert.deepEqual(properties[key]?.default, value, `${key}: package.json's default is not DEFAULT_SETTINGS'`);
  });

  test('declares the bounds and choices the settings normaliser applies', () => {
    for (const [name, range] of Object.entries(SETTING_RANGES)) {
      const property = properties[`${SETTINGS_SECTION}.${name}`];
      assert.equal(property?.minimum, range.minimum, `${name} minimum`);
      assert.equal(property?.maximum, range.maximum, `${name} maximum`);
      assert.equal(property?.type, 'integer' in range ? 'integer' : 'number', `${name} type`);
    }
    const numeric = Object.keys(properties).filter((key) => properties[key]?.type === 'number' || properties[key]?.type === 'integer');
    assert.deepEqual(
      numeric.sort(),
      Object.keys(SETTING_RANGES)
        .map((name) => `${SETTINGS_SECTION}.${name}`)
        .sort(),
      'a numeric setting without its range',
    );
    assert.deepEqual(properties['immutableInfra.baseline']?.enum, [...BASELINE_SOURCES]);
    assert.deepEqual(properties['immutableInfra.kubernetes.baseline']?.enum, [...KUBERNETES_BASELINE_SOURCES]);
    assert.deepEqual(properties['immutableInfra.trace.server']?.enum, [...SERVER_TRACE_LEVELS]);
    assert.ok(TERRAFORM_PATH_SETTING in properties, `${TERRAFORM_PATH_SETTING}, which messages name, is not declared`);
  });

  test('executable paths are machine-scoped, so a cloned repository cannot set them', () => {
    for (const key of EXECUTABLE_PATH_SETTINGS) {
      assert.equal(properties[key]?.scope, 'machine', `${key} must be machine-scoped`);
      assert.equal(properties[key]?.default, '');
    }
  });

  test('untrusted workspaces get limited support with the executable paths and git ref restricted', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    assert.ok(untrusted?.description, 'limited support needs a description');
    const restricted = untrusted?.restrictedConfigurations ?? [];
    for (const key of [...EXECUTABLE_PATH_SETTINGS, 'immutableInfra.gitRef']) {
      assert.ok(restricted.includes(key), `${key} is not a restricted configuration`);
    }
    for (const key of restricted) assert.ok(key in properties, `restricted ${key} is not a declared setting`);
    assert.ok(!restricted.includes('immutableInfra.againstPath'), 'againstPath only reads files: it works in Restricted Mode');
    assert.equal(manifest.capabilities?.virtualWorkspaces, false);
  });
});
