/**
 * Asking the provider binaries themselves, end to end, with the real providers the project builds
 * (local, random, time and tls on plugin protocol 5; the project's own test provider on protocol 6)
 * in modules OpenTofu initialised and applied: the verdicts, the faults a provider can have (a
 * crash mid-call, a hang, a wrong handshake, a hash the lock file does not record, a missing
 * binary), the language server publishing the knowledge base's findings first and the provider's
 * after them, Restricted Mode starting nothing, and `check --ask-providers`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { defaultKnowledgeBaseDir, ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { ProviderAsker } from '../../core/src/providerPlugin/providerAsker';
import { lockedProviderPackage, packageHash, platformFolder } from '../../core/src/providerPlugin/providerPackages';
import { DEFAULT_POOL_OPTIONS, ProviderPool, type ProviderPoolOptions } from '../../core/src/providerPlugin/providerPool';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { isAlive } from '../support/processGroups';
import { runCli } from '../support/cli';
import { cleanupTempDirs, writeFiles } from '../support/tempModule';
import { assertTofuProvisioned, initialisedModule, OPENTOFU, tofuProvisioningError, toolEnv, type Tofu } from '../support/tofu';

const knowledge = new ReplacementKnowledgeBase(defaultKnowledgeBaseDir());
let parser: HclParser;

before(async () => {
  if (tofuProvisioningError()) return;
  parser = await HclParser.create();
});
after(cleanupTempDirs);

/**
 * Every live process whose command line starts with one of `binaries` (and, with `parent`, whose
 * parent it is): what a test must leave none of.
 */
function processesOf(binaries: string[], parent?: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    let state: string;
    let ppid: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    } catch {
      continue;
    }
    if (state !== 'Z' && binaries.includes(cmdline) && (parent === undefined || Number(ppid) === parent)) pids.push(Number(entry));
  }
  return pids;
}

async function noneLeft(binaries: string[], withinMs = 5000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = processesOf(binaries);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    left = processesOf(binaries);
  }
  return left;
}

/** Waits until `condition` holds; false if it still does not after `withinMs`. */
async function within(withinMs: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return condition();
}

/** Waits until the process `pid` is gone (or a zombie); false if it is still running after `withinMs`. */
async function goneWithin(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !isAlive(pid);
}

function poolWith(log: string[], options: Partial<ProviderPoolOptions> = {}): ProviderPool {
  return new ProviderPool({ ...DEFAULT_POOL_OPTIONS, ...options, log: (line) => log.push(line) });
}

/** Analyses `dir` against its state, asks the providers, and analyses again with their verdicts. */
async function askedAnalysis(dir: string, asker: ProviderAsker): Promise<{ before: Finding[]; after: Finding[] }> {
  const analyzer = new TerraformModuleAnalyzer(parser, knowledge);
  const first = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false, collectProviderQuestions: true });
  const verdicts = await asker.answer(dir, first.questions ?? []);
  const second = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false, providerVerdicts: verdicts });
  return { before: first.findings, after: second.findings };
}

const replacing = (findings: Finding[]) =>
  findings.filter((f) => f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement').map((f) => `${f.code} ${f.address} ${f.attribute}`);

const TEST_PROVIDER = `terraform {
  required_providers {
    immutabletest = { source = "immutable-infra/immutabletest", version = "0.1.0" }
  }
}
`;

async function appliedModule(prefix: string, first: Record<string, string>, second: Record<string, string>): Promise<{ dir: string; tofu: Tofu }> {
  const module = await initialisedModule(prefix, first, OPENTOFU);
  await module.tofu.apply();
  writeFiles(module.dir, second);
  return module;
}

describe('the providers themselves decide', () => {
  test('protocol 5 (tls): an early_renewal_hours edit the plan updates in place loses its "may"; one that is due forces', async () => {
    assertTofuProvisioned();
    const cert = (hours: number) => `resource "tls_private_key" "k" {
  algorithm = "ED25519"
}
resource "tls_self_signed_cert" "c" {
  private_key_pem       = tls_private_key.k.private_key_pem
  validity_period_hours = 100
  early_renewal_hours   = ${hours}
  allowed_uses          = ["digital_signature"]
}
`;
    const notDue = await appliedModule('ii-ask-tls-', { 'main.tf': cert(1) }, { 'main.tf': cert(2) });
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const asker = new ProviderAsker(pool, (line) => log.push(line));
      const { before: staticFindings, after: asked } = await askedAnalysis(notDue.dir, asker);
      assert.deepEqual(replacing(staticFindings), ['terraform/may-force-replacement tls_self_signed_cert.c early_renewal_hours']);
      assert.deepEqual(replacing(asked), []);
      assert.ok(
        log.some((l) => /^started hashicorp\/tls 4\.2\.1 \(plugin protocol 5, pid \d+\) in \d+ ms; resident memory \d+\.\d MB$/.test(l)),
        log.join('\n'),
      );
      const due = await appliedModule('ii-ask-tls-due-', { 'main.tf': cert(1) }, { 'main.tf': cert(200) });
      const { after: dueAsked } = await askedAnalysis(due.dir, asker);
      const forces = dueAsked.filter((f) => f.code === 'terraform/forces-replacement');
      assert.deepEqual(
        forces.map((f) => [f.address, f.attribute, f.rule?.asked, f.rule?.provider, f.rule?.version]),
        [['tls_self_signed_cert.c', 'early_renewal_hours', true, 'hashicorp/tls', '4.2.1']],
      );
      assert.match(
        forces[0].detail ?? '',
        /PlanResourceChange plans `ready_for_renewal` false → \(known after apply\) and requires replacement \(the provider says so: hashicorp\/tls 4\.2\.1\)/,
      );
    } finally {
      await pool.dispose();
    }
  });

  test('protocol 6 (the test provider): a nested attribute forces, a conditional rule decides by the planned value', async () => {
    assertTofuProvisioned();
    const box = (name: string, size: number, color: string, owner: string) => `${TEST_PROVIDER}
resource "immutabletest_box" "b" {
  name  = "${name}"
  size  = ${size}
  color = "${color}"
  tags = { owner = "${owner}" }
  rule {
    port = 80
  }
}
`;
    const module = await appliedModule('ii-ask-tf6-', { 'main.tf': box('a', 1, 'blue', 'me') }, { 'main.tf': box('a', 20, 'red', 'you') });
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const asker = new ProviderAsker(pool, (line) => log.push(line));
      const plan = await module.tofu.planJson();
      const change = plan.resource_changes?.find((r) => r.address === 'immutabletest_box.b');
      const { after: asked } = await askedAnalysis(module.dir, asker);
      assert.deepEqual(change?.change.actions, ['delete', 'create']);
      const tofuTops = new Set((change?.change.replace_paths ?? []).map((p) => String(p[0])));
      const ours = new Set(asked.filter((f) => f.code === 'terraform/forces-replacement').map((f) => f.attribute!.split('.')[0]));
      assert.deepEqual([...ours].sort(), [...tofuTops].sort());
      const notChecked = asked.find((f) => f.code === 'terraform/not-checked');
      assert.match(
        notChecked?.message ?? '',
        /no replacement knowledge for this provider .* The provider itself answered for them instead \(asked over the plugin protocol\)\.$/,
      );
      assert.ok(
        log.some((l) => /^started immutable-infra\/immutabletest 0\.1\.0 \(plugin protocol 6, pid \d+\)/.test(l)),
        log.join('\n'),
      );
    } finally {
      await pool.dispose();
    }
  });
});

describe('faults leave the knowledge base finding, a log line and no process', () => {
  const seed = (permission: string) => `resource "local_file" "f" {
  content         = "x"
  filename        = "\${path.module}/x.txt"
  file_permission = "${permission}"
}
`;
  const STATIC = ['terraform/forces-replacement local_file.f file_permission'];

  async function seedModule(prefix: string): Promise<{ dir: string; binary: string; pkgDir: string }> {
    const { dir } = await appliedModule(prefix, { 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const found = lockedProviderPackage(dir, 'registry.opentofu.org/hashicorp/local');
    assert.ok(!('problem' in found), JSON.stringify(found));
    return {
      dir,
      binary: found.binary,
      pkgDir: path.join(dir, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'local', found.version, platformFolder()),
    };
  }

  /** Puts `script` in place of the module's local provider, with a lock file that records its hash. */
  function replaceProvider(dir: string, pkgDir: string, script: string): string {
    rmSync(pkgDir, { recursive: true, force: true });
    writeFiles(pkgDir, { 'terraform-provider-local_v2.9.0': script });
    const binary = path.join(pkgDir, 'terraform-provider-local_v2.9.0');
    chmodSync(binary, 0o755);
    const lock = path.join(dir, '.terraform.lock.hcl');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace(/"h1:[^"]+"/, `"${packageHash(pkgDir)}"`));
    return binary;
  }

  test('a binary whose hash the lock file does not record is never started', async () => {
    assertTofuProvisioned();
    const { dir, binary } = await seedModule('ii-ask-hash-');
    const lock = path.join(dir, '.terraform.lock.hcl');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'));
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const { after: asked } = await askedAnalysis(dir, new ProviderAsker(pool, (l) => log.push(l)));
      assert.deepEqual(replacing(asked), STATIC);
      assert.equal(pool.running().length, 0);
      assert.ok(
        log.some((l) => l.includes(`${binary} is not the package`) && l.includes("the lock file's is h1:AAAA")),
        log.join('\n'),
      );
    } finally {
      await pool.dispose();
    }
  });

  test('a missing binary is said, once', async () => {
    assertTofuProvisioned();
    const { dir, pkgDir } = await seedModule('ii-ask-missing-');
    rmSync(pkgDir, { recursive: true, force: true });
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const asker = new ProviderAsker(pool, (l) => log.push(l));
      const { after: asked } = await askedAnalysis(dir, asker);
      await askedAnalysis(dir, asker);
      assert.deepEqual(replacing(asked), STATIC);
      assert.equal(log.filter((l) => /is locked but not installed for linux_\w+ under .*: run init/.test(l)).length, 1, log.join('\n'));
    } finally {
      await pool.dispose();
    }
  });

  test('a wrong handshake: the process is killed and the reason quoted', async () => {
    assertTofuProvisioned();
    const { dir, pkgDir } = await seedModule('ii-ask-handshake-');
    const binary = replaceProvider(dir, pkgDir, `#!${process.execPath}\nconsole.log('1|4|unix|/tmp/nowhere|netrpc|');\nsetInterval(() => {}, 1000);\n`);
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const { after: asked } = await askedAnalysis(dir, new ProviderAsker(pool, (l) => log.push(l)));
      assert.deepEqual(replacing(asked), STATIC);
      assert.ok(
        log.some((l) => l.includes('answered plugin protocol 4, and only 5 and 6 are spoken here')),
        log.join('\n'),
      );
      assert.deepEqual(await noneLeft([binary]), []);
    } finally {
      await pool.dispose();
    }
  });

  test('a provider that cannot plan unconfigured: said once, and not asked again', async () => {
    assertTofuProvisioned();
    const box = (name: string) => `terraform {
  required_providers {
    immutabletest = { source = "immutable-infra/immutabletest", version = "0.2.0" }
  }
}
provider "immutabletest" {
  label = "needed by this build"
}
resource "immutabletest_box" "b" {
  name = "${name}"
}
`;
    const { dir } = await appliedModule('ii-ask-unconfigured-', { 'main.tf': box('a') }, { 'main.tf': box('b') });
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const asker = new ProviderAsker(pool, (l) => log.push(l));
      const { after: asked } = await askedAnalysis(dir, asker);
      writeFiles(dir, { 'main.tf': box('c') });
      await askedAnalysis(dir, asker);
      assert.deepEqual(replacing(asked), []);
      const said = log.filter((l) =>
        l.startsWith(
          'immutable-infra/immutabletest 0.2.0 cannot plan without its configuration (ConfigureProvider with every argument null answered: Missing label: This build of the provider needs label set in its provider block to plan.)',
        ),
      );
      assert.equal(said.length, 1, log.join('\n'));
      assert.equal(log.filter((l) => l.startsWith('started immutable-infra/immutabletest')).length, 0, 'never reported as started');
      assert.ok(await within(5000, () => pool.running().length === 0), 'the provider that cannot plan is stopped');
    } finally {
      await pool.dispose();
    }
  });

  test('a provider that crashes mid-call, and one that hangs past the timeout', async () => {
    assertTofuProvisioned();
    const fault = (mode: string) => `${TEST_PROVIDER}
resource "immutabletest_fault" "f" {
  mode = "${mode}"
}
`;
    for (const mode of ['crash', 'hang']) {
      const { dir } = await appliedModule(`ii-ask-${mode}-`, { 'main.tf': fault('ok') }, { 'main.tf': fault(mode) });
      const found = lockedProviderPackage(dir, 'registry.opentofu.org/immutable-infra/immutabletest');
      assert.ok(!('problem' in found), JSON.stringify(found));
      const log: string[] = [];
      const pool = poolWith(log, { timeouts: { schemaMs: 10_000, callMs: 1500 } });
      try {
        await askedAnalysis(dir, new ProviderAsker(pool, (l) => log.push(l)));
        const expected =
          mode === 'crash' ? /the provider exited during \/tfplugin6\.Provider\/PlanResourceChange \(exit code 3\)/ : /PlanResourceChange did not answer within 1500 ms/;
        assert.ok(
          log.some((l) => l.startsWith('could not ask the provider about immutabletest_fault.f: ') && expected.test(l)),
          log.join('\n'),
        );
      } finally {
        await pool.dispose();
      }
      assert.deepEqual(await noneLeft([found.binary]), [], `${mode}: no provider process is left`);
    }
  });
});

describe('one process per provider package, for as long as it is needed', () => {
  const seed = (permission: string) => `resource "local_file" "f" {
  content         = "x"
  filename        = "\${path.module}/x.txt"
  file_permission = "${permission}"
}
`;

  test('shared by the modules that use the same package; stopped when idle and started again when asked', async () => {
    assertTofuProvisioned();
    const one = await appliedModule('ii-ask-share-a-', { 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const two = await appliedModule('ii-ask-share-b-', { 'main.tf': seed('0777') }, { 'main.tf': seed('0600') });
    const log: string[] = [];
    const pool = poolWith(log, { idleMs: 300 });
    try {
      const asker = new ProviderAsker(pool, (l) => log.push(l));
      await askedAnalysis(one.dir, asker);
      await askedAnalysis(two.dir, asker);
      assert.equal(log.filter((l) => l.startsWith('started hashicorp/local 2.9.0')).length, 1, log.join('\n'));
      const [running] = pool.running();
      assert.ok(running, 'the provider runs');
      assert.equal(await goneWithin(running.pid, 5000), true, 'stopped after the idle time');
      assert.ok(
        log.some((l) => /^stopping hashicorp\/local 2\.9\.0 \(pid \d+\): not asked for 0 s$/.test(l)),
        log.join('\n'),
      );
      writeFiles(one.dir, { 'main.tf': seed('0640') });
      const { after: asked } = await askedAnalysis(one.dir, asker);
      assert.deepEqual(
        asked.filter((f) => f.rule?.asked).map((f) => f.attribute),
        ['file_permission'],
      );
      assert.equal(log.filter((l) => l.startsWith('started hashicorp/local 2.9.0')).length, 2, log.join('\n'));
    } finally {
      await pool.dispose();
    }
  });

  test('started again after it dies, at most 3 times', async () => {
    assertTofuProvisioned();
    const { dir } = await appliedModule('ii-ask-restart-', { 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const pkg = lockedProviderPackage(dir, 'registry.opentofu.org/hashicorp/local');
    assert.ok(!('problem' in pkg));
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      for (let death = 1; death <= 4; death++) {
        await pool.provider(pkg);
        const [running] = pool.running();
        process.kill(running.pid, 'SIGKILL');
        assert.equal(await goneWithin(running.pid, 5000), true);
        const said = `hashicorp/local 2.9.0 (pid ${running.pid}) exited: signal SIGKILL`;
        assert.ok(await within(5000, () => log.includes(said)), log.join('\n'));
      }
      await assert.rejects(
        pool.provider(pkg),
        /hashicorp\/local 2\.9\.0 died 4 times \(last: signal SIGKILL\); it is not started again until the language server restarts/,
      );
      assert.equal(log.filter((l) => l.startsWith('started hashicorp/local 2.9.0')).length, 4);
    } finally {
      await pool.dispose();
    }
  });
});

describe('under a git baseline', () => {
  test("the prior state is the committed configuration's values", async () => {
    assertTofuProvisioned();
    const seed = (permission: string) => `resource "local_file" "f" {
  content         = "x"
  filename        = "\${path.module}/x.txt"
  file_permission = "${permission}"
}
`;
    const { dir } = await initialisedModule('ii-ask-git-', { 'main.tf': seed('0777') }, OPENTOFU);
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
      });
    git('init', '-q');
    git('add', 'main.tf');
    git('commit', '-qm', 'deployed');
    writeFiles(dir, { 'main.tf': seed('0700') });
    const log: string[] = [];
    const pool = poolWith(log);
    try {
      const asker = new ProviderAsker(pool, (l) => log.push(l));
      const analyzer = new TerraformModuleAnalyzer(parser, knowledge);
      const first = await analyzer.analyze(dir, { baseline: 'git', gitRef: 'HEAD', mayRunProcesses: true, collectProviderQuestions: true });
      assert.deepEqual(
        first.questions?.map((q) => [q.address, q.prior.kind]),
        [['local_file.f', 'configuration']],
      );
      const verdicts = await asker.answer(dir, first.questions ?? []);
      const second = await analyzer.analyze(dir, { baseline: 'git', gitRef: 'HEAD', mayRunProcesses: true, providerVerdicts: verdicts });
      assert.deepEqual(
        second.findings.filter((f) => f.code === 'terraform/forces-replacement').map((f) => [f.address, f.attribute, f.rule?.asked]),
        [['local_file.f', 'file_permission', true]],
      );
    } finally {
      await pool.dispose();
    }
  });
});

describe('the language server asks after publishing', () => {
  const startClient = clientsStoppedAfterEach();
  const seed = (permission: string) => `resource "local_file" "f" {
  content         = "x"
  filename        = "\${path.module}/x.txt"
  file_permission = "${permission}"
}
`;

  test('trusted: the static finding first, then the same diagnostic confirmed by the provider; the hover says so', async () => {
    assertTofuProvisioned();
    const { dir } = await appliedModule('ii-ask-lsp-', { 'main.tf': seed('0777') }, {});
    const client = await startClient({ workspaceTrusted: true, settings: { baseline: 'state', terraform: { askProviders: true } } });
    const file = path.join(dir, 'main.tf');
    const uri = client.open(file, seed('0700'));
    const first = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'terraform/forces-replacement'));
    const hover = async () =>
      (await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: first.find((d) => d.code === 'terraform/forces-replacement')!.range.start,
      })) as {
        contents: { value: string };
      };
    const deadline = Date.now() + 20_000;
    let text = '';
    while (Date.now() < deadline && !text.includes('the provider says so')) {
      text = (await hover()).contents.value;
      if (!text.includes('the provider says so')) await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(text, /the provider says so: hashicorp\/local 2\.9\.0/);
    const confirmed = await client.waitForDiagnostics(uri, () => true);
    const shape = (d: typeof first) => d.map((x) => [x.code, x.range, x.message, x.severity]);
    assert.deepEqual(shape(confirmed), shape(first), 'confirmed by the provider, the diagnostic keeps its range, code and message');
    assert.ok(
      client.logMessages.some((m) => /providers: started hashicorp\/local 2\.9\.0 \(plugin protocol 5, pid \d+\)/.test(m)),
      client.logMessages.join('\n'),
    );
  });

  test('Restricted Mode: no provider process is ever started', async () => {
    assertTofuProvisioned();
    const { dir } = await appliedModule('ii-ask-untrusted-', { 'main.tf': seed('0777') }, {});
    const binary = lockedProviderPackage(dir, 'registry.opentofu.org/hashicorp/local');
    assert.ok(!('problem' in binary));
    const client = await startClient({ workspaceTrusted: false, settings: { baseline: 'state', terraform: { askProviders: true } } });
    const uri = client.open(path.join(dir, 'main.tf'), seed('0700'));
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'terraform/forces-replacement'));
    // Another edit and its analysis: still nothing started.
    client.edit(uri, { start: { line: 3, character: 21 }, end: { line: 3, character: 25 } }, '0600');
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.message.includes('"0600"')));
    // The server's own children: other test files may run the same provider binary meanwhile.
    assert.deepEqual(processesOf([binary.binary], client.process.pid), []);
    assert.ok(!client.logMessages.some((m) => m.startsWith('providers:')), client.logMessages.join('\n'));
  });
});

describe('check --ask-providers', () => {
  test("the seed module's replacement is the provider's verdict, and the log names the provider and its memory", async () => {
    assertTofuProvisioned();
    const seed = (permission: string) => `resource "local_file" "example" {
  content         = "This is a test file."
  filename        = "\${path.module}/test.txt"
  file_permission = "${permission}"
}
`;
    const { dir } = await appliedModule('ii-ask-cli-', { 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const result = await runCli(['check', '.', '--baseline', 'state', '--ask-providers', '--format', 'json'], dir, toolEnv());
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    const forces = findings.filter((f) => f.code === 'terraform/forces-replacement');
    assert.deepEqual(
      forces.map((f) => [f.address, f.attribute, f.rule?.asked]),
      [['local_file.example', 'file_permission', true]],
    );
    assert.match(result.stderr, /immutable-infra: started hashicorp\/local 2\.9\.0 \(plugin protocol 5, pid \d+\)/);
    assert.match(result.stderr, /immutable-infra: hashicorp\/local 2\.9\.0 \(pid \d+\) used \d+\.\d MB of memory/);
  });
});
