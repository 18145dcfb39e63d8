/**
 * A remote backend's state as the baseline, over a real stdio connection: the seed module applied
 * to a real pg backend (PostgreSQL on loopback) and a real s3 backend with a DynamoDB lock table
 * (moto on loopback), by a real OpenTofu and Terraform. The language server reads the state with
 * the module's tool; the edit is compared with the state's value, the hover and the status name
 * the backend and the serial; a change applied by another process reaches the editor within the
 * refresh interval, or at once on Refresh Deployed State; a backend that goes away (stopped, or
 * hanging until the read's timeout) gives the baseline-unavailable warning and the git fallback,
 * and its return brings the state back.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { BaselineStatusNotification, RefreshDeployedStateRequest, type BaselineStatusParams } from '../../common/src/protocol';
import { disposeBackendServers, startMoto, startPostgres, type MotoServer, type PostgresServer } from '../support/backendServers';
import { clientsStoppedAfterEach, type LspTestClient, type TextDiagnostic } from '../support/lspClient';
import { deployRemoteSeedModule, pgBackend, RemoteModule, remoteToolEnv, s3DynamoDbBackend, type RemoteBackend } from '../support/remoteModules';
import { seedConfiguration } from '../support/seedModule';
import { cleanupTempDirs, git, positionOf, tempDir } from '../support/tempModule';
import { OPENTOFU, toolLabel } from '../support/tofu';
import { TERRAFORM } from '../support/toolsUnderTest';

const startClient = clientsStoppedAfterEach();
let postgres: PostgresServer;
let moto: MotoServer;

before(async () => {
  postgres = await startPostgres();
  moto = await startMoto();
});
after(async () => {
  await disposeBackendServers();
  cleanupTempDirs();
});

const forces = (before: string) => (d: TextDiagnostic[]) => d.some((x) => x.code === 'terraform/forces-replacement' && x.message.includes(`("${before}" → "0700")`));
const unavailable = (words: RegExp) => (d: TextDiagnostic[]) => d.some((x) => x.code === 'terraform/baseline-unavailable' && words.test(x.message));

/** The module's files committed to a new git repository: the baseline when the state can't be read. */
function commitToGit(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'add', 'main.tf', 'backend.tf');
  git(dir, 'commit', '-qm', 'deployed');
}

/** Another engineer's checkout of the same module, applying `permission` to the same state. */
async function applyElsewhere(module: RemoteModule, permission: string): Promise<void> {
  const elsewhere = tempDir('ii-remote-elsewhere-');
  cpSync(path.join(module.dir, 'backend.tf'), path.join(elsewhere, 'backend.tf'));
  writeFileSync(path.join(elsewhere, 'main.tf'), seedConfiguration(permission));
  const other = new RemoteModule(elsewhere, module.tool, module.backend);
  await other.init();
  await other.apply();
  rmSync(path.join(elsewhere, '.terraform'), { recursive: true, force: true });
}

async function hoverText(client: LspTestClient, uri: string, position: { line: number; character: number }): Promise<string> {
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

/** The server's baseline statuses as they arrive. */
function statuses(client: LspTestClient): BaselineStatusParams[] {
  const seen: BaselineStatusParams[] = [];
  client.connection.onNotification(BaselineStatusNotification.method, (params: BaselineStatusParams) => {
    seen.push(params);
  });
  return seen;
}

async function openEdited(
  module: RemoteModule,
  settings: Record<string, unknown>,
  trusted = true,
): Promise<{ client: LspTestClient; uri: string; backendUri: string; text: string; seen: BaselineStatusParams[] }> {
  const client = await startClient({
    env: remoteToolEnv(module.backend),
    workspaceTrusted: trusted,
    workspaceFolders: [module.dir],
    configuration: () => ({ terraform: { path: module.tool.bin }, ...settings }),
  });
  const seen = statuses(client);
  const text = seedConfiguration('0700');
  const uri = client.open(path.join(module.dir, 'main.tf'), text);
  // The backend's block: where a state that cannot be read is said.
  const backendFile = path.join(module.dir, 'backend.tf');
  const backendUri = client.open(backendFile, readFileSync(backendFile, 'utf8'));
  return { client, uri, backendUri, text, seen };
}

const backends: Array<{ name: string; make: () => Promise<RemoteBackend>; down: () => Promise<void> | void; up: () => Promise<void> | void; downWords: RegExp }> = [
  {
    name: 'pg',
    make: () => pgBackend(postgres),
    down: () => postgres.stop(),
    up: () => postgres.start(),
    downWords:
      /^Could not read the state of the pg backend \(workspace default\): tofu says: Error: .*connection refused\. Is the backend reachable from here\? Edits are compared with git HEAD \([0-9a-f]{8}\) instead\.$/,
  },
  {
    name: 's3 with a DynamoDB lock table',
    make: () => s3DynamoDbBackend(moto),
    down: () => moto.pause(),
    up: () => moto.resume(),
    downWords:
      /^Could not read the state of the s3 backend \(workspace default\): `tofu state pull` took longer than 3 s and was stopped.*Edits are compared with git HEAD \([0-9a-f]{8}\) instead\.$/,
  },
];

for (const backend of backends) {
  describe(`${toolLabel(OPENTOFU)} the ${backend.name} backend's state as the baseline`, () => {
    test('the edit, the hover and the status; a change applied elsewhere; Refresh Deployed State; the backend away and back', async () => {
      const module = await deployRemoteSeedModule(OPENTOFU, await backend.make(), '0777');
      commitToGit(module.dir);
      const { client, uri, backendUri, text, seen } = await openEdited(module, { state: { refreshSeconds: 5, timeoutSeconds: 3 } });

      // The state's old value, with the backend and serial named.
      const first = await client.waitForDiagnostics(uri, forces('0777'), 60_000);
      assert.ok(!first.some((d) => d.code === 'terraform/baseline-unavailable'), JSON.stringify(first));
      const finding = first.find((d) => d.code === 'terraform/forces-replacement')!;
      assert.deepEqual(finding.range.start, positionOf(text, 'file_permission = "0700"'));
      const type = module.backend.type;
      assert.match(await hoverText(client, uri, finding.range.start), new RegExp(`Compared with state serial 1 of ${type} \\(workspace default\\), read \\d+ s ago\\.`));
      const status = seen.find((s) => s.kind === 'state');
      assert.ok(status, JSON.stringify(seen));
      assert.equal(status.backend, type);
      assert.equal(status.workspace, 'default');
      assert.equal(status.serial, 1);
      assert.equal(status.description, `state serial 1 of ${type} (workspace default)`);
      assert.equal(typeof status.lineage, 'string');

      // Another process applies "0755": within the refresh interval the baseline follows, unasked.
      await applyElsewhere(module, '0755');
      await client.waitForDiagnostics(uri, forces('0755'), 30_000);
      assert.ok(seen.some((s) => s.serial !== undefined && s.serial > 1));

      // And "0750", read at once on Refresh Deployed State.
      await applyElsewhere(module, '0750');
      await client.connection.sendRequest(RefreshDeployedStateRequest.method);
      await client.waitForDiagnostics(uri, forces('0750'), 5_000);

      // The backend away: the warning in the tool's words, and the edit compared with git's "0777".
      await backend.down();
      await client.connection.sendRequest(RefreshDeployedStateRequest.method);
      await client.waitForDiagnostics(uri, forces('0777'), 30_000);
      const away = await client.waitForDiagnostics(backendUri, unavailable(backend.downWords), 10_000);
      const warning = away.find((d) => d.code === 'terraform/baseline-unavailable')!;
      assert.equal(warning.severity, 2 /* warning */);
      assert.deepEqual(warning.range.start, { line: 1, character: 2 }, 'on the backend block');
      assert.ok(seen.some((s) => s.kind === 'git' && s.unavailable !== undefined));

      // Back: the state's "0750" again, and the warning gone.
      await backend.up();
      await client.connection.sendRequest(RefreshDeployedStateRequest.method);
      await client.waitForDiagnostics(uri, forces('0750'), 30_000);
      await client.waitForDiagnostics(backendUri, (d) => !d.some((x) => x.code === 'terraform/baseline-unavailable'), 10_000);
    });
  });
}

describe('remote state in Restricted Mode, and with Terraform', () => {
  test('an untrusted workspace does not read the backend, and says why', async () => {
    const module = await deployRemoteSeedModule(OPENTOFU, await pgBackend(postgres), '0777');
    const { client, uri, backendUri } = await openEdited(module, {}, false);
    const diagnostics = await client.waitForDiagnostics(backendUri, (d) => d.some((x) => x.code === 'terraform/baseline-unavailable'), 30_000);
    const note = diagnostics.find((d) => d.code === 'terraform/baseline-unavailable')!;
    assert.equal(
      note.message,
      'The state of the pg backend (workspace default) is not read: this workspace is not trusted, and reading it runs terraform or tofu. Git is not run in an untrusted workspace either: edits are not compared with anything.',
    );
    assert.ok(!(await client.waitForDiagnostics(uri, () => true)).some((d) => d.code === 'terraform/forces-replacement'));
  });

  test(`${TERRAFORM ? toolLabel(TERRAFORM) : '[Terraform]'} a pg backend initialised and applied by Terraform is read with Terraform`, async () => {
    assert.ok(TERRAFORM, 'HashiCorp Terraform is not installed (/usr/local/bin/terraform, or terraform on PATH)');
    const module = await deployRemoteSeedModule(TERRAFORM, await pgBackend(postgres), '0777');
    const { client, uri, seen } = await openEdited(module, {});
    await client.waitForDiagnostics(uri, forces('0777'), 60_000);
    assert.equal(seen.find((s) => s.kind === 'state')?.backend, 'pg');
    assert.match(readFileSync(path.join(module.dir, '.terraform.lock.hcl'), 'utf8'), /registry\.terraform\.io\/hashicorp\/local/);
  });
});
