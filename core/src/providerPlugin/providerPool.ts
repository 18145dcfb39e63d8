/**
 * The provider processes the analyses share: one per provider package (its `h1:` hash, so one per
 * provider version, whichever modules use it), started when first needed, given its schema and
 * its offline configuration once, stopped after some idle minutes and with the host. A process
 * that dies is started again when next needed, a few times at most; after that the provider is
 * not asked again until the host restarts, and the log says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRunner } from '../exec/processRunner';
import { systemProcessRunner } from '../exec/systemProcessRunner';
import { parseProviderSource } from '../terraform/providerAddress';
import { offlineProviderConfig } from './offlineProviderConfig';
import { ProviderClient, type CallTimeouts } from './providerClient';
import { providerEnvironment } from './providerEnvironment';
import type { ProviderPackage } from './providerPackages';
import { ProviderProcess } from './providerProcess';
import type { ProviderSchema } from './providerSchema';

export interface ProviderPoolOptions {
  runner: ProcessRunner;
  /** A process nobody asked for this long is stopped. */
  idleMs: number;
  /** How many times a package's process is started again after it died (crashed or was killed) rather than being stopped. */
  maxRestarts: number;
  handshakeTimeoutMs: number;
  timeouts: CallTimeouts;
  /** The `terraform_version` a provider is told when it is configured. */
  terraformVersion: string;
  log: (line: string) => void;
}

export const DEFAULT_POOL_OPTIONS: Omit<ProviderPoolOptions, 'log'> = {
  runner: systemProcessRunner,
  idleMs: 5 * 60 * 1000,
  maxRestarts: 3,
  handshakeTimeoutMs: 10_000,
  timeouts: { schemaMs: 60_000, callMs: 10_000 },
  terraformVersion: '1.11.4',
};

/** A started, configured provider. */
export interface ReadyProvider {
  client: ProviderClient;
  schema: ProviderSchema;
  /** `hashicorp/tls 4.2.1`. */
  label: string;
}

interface PoolEntry {
  pkg: ProviderPackage;
  label: string;
  /** Times the process died without being stopped. */
  deaths: number;
  ready?: Promise<ReadyProvider>;
  process?: ProviderProcess;
  idleTimer?: NodeJS.Timeout;
  /** Set once the provider is not to be started again: why. */
  givenUp?: string;
}

export class ProviderPool {
  private readonly entries = new Map<string, PoolEntry>();
  private home: string | undefined;
  private disposed = false;
  private readonly exitHook = () => this.killAll();

  constructor(private readonly options: ProviderPoolOptions) {
    // Whatever way the host ends, its providers end with it.
    process.on('exit', this.exitHook);
  }

  /** The running provider of a package, started and configured if it is not; rejects with the reason it can't be. */
  provider(pkg: ProviderPackage): Promise<ReadyProvider> {
    if (this.disposed) return Promise.reject(new Error('the provider pool is shut down'));
    let entry = this.entries.get(pkg.hash);
    if (!entry) this.entries.set(pkg.hash, (entry = { pkg, label: packageLabel(pkg), deaths: 0 }));
    this.touch(entry);
    if (entry.givenUp) return Promise.reject(new Error(entry.givenUp));
    if (entry.ready && entry.process?.exitedWith === undefined) return entry.ready;
    if (entry.deaths > this.options.maxRestarts) {
      entry.givenUp = `${entry.label} died ${entry.deaths} times (last: ${entry.process?.exitedWith ?? 'unknown'}); it is not started again until the language server restarts`;
      this.options.log(entry.givenUp);
      return Promise.reject(new Error(entry.givenUp));
    }
    const started = this.start(entry);
    entry.ready = started;
    started.catch(() => {
      if (entry.ready === started) entry.ready = undefined;
    });
    return started;
  }

  /** The processes running now, with their resident memory: for the log and the bench. */
  running(): Array<{ label: string; pid: number; residentBytes?: number }> {
    const running: Array<{ label: string; pid: number; residentBytes?: number }> = [];
    for (const entry of this.entries.values()) {
      const p = entry.process;
      if (p && p.exitedWith === undefined && p.pid !== undefined) running.push({ label: entry.label, pid: p.pid, residentBytes: p.residentBytes() });
    }
    return running;
  }

  /** Stops every provider cleanly and forgets them; the pool can't be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    process.off('exit', this.exitHook);
    const stopping: Array<Promise<void>> = [];
    for (const entry of this.entries.values()) {
      clearTimeout(entry.idleTimer);
      if (entry.process) stopping.push(entry.process.stop());
    }
    this.entries.clear();
    await Promise.all(stopping);
    this.removeHome();
  }

  /** Kills every provider process group at once, synchronously. */
  killAll(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.idleTimer);
      entry.process?.kill();
    }
    this.removeHome();
  }

  private async start(entry: PoolEntry): Promise<ReadyProvider> {
    const startedAt = Date.now();
    const provider = await ProviderProcess.start({
      runner: this.options.runner,
      binary: entry.pkg.binary,
      env: providerEnvironment(this.homeDir()),
      cwd: this.homeDir(),
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      log: this.options.log,
    });
    entry.process = provider;
    provider.onExit((status) => {
      if (entry.process !== provider) return;
      clearTimeout(entry.idleTimer);
      if (provider.stopping) return;
      entry.deaths++;
      this.options.log(`${entry.label} (pid ${provider.pid}) exited: ${status}`);
    });
    const client = new ProviderClient(provider, this.options.timeouts);
    try {
      const schema = await client.schema();
      const type = parseProviderSource(entry.pkg.source)?.type ?? '';
      try {
        await client.configure(offlineProviderConfig(type, schema.provider.block), this.options.terraformVersion);
      } catch (error) {
        // A provider that can't be configured offline can't plan: said once, and not asked again.
        entry.givenUp = `${entry.label} cannot plan without its configuration (ConfigureProvider with every argument null answered: ${(error as Error).message}); its findings stay the knowledge base's`;
        this.options.log(entry.givenUp);
        void provider.stop();
        throw new Error(entry.givenUp);
      }
      const resident = provider.residentBytes();
      this.options.log(
        `started ${entry.label} (plugin protocol ${provider.protocolVersion}, pid ${provider.pid}) in ${Date.now() - startedAt} ms` +
          (resident !== undefined ? `; resident memory ${(resident / (1024 * 1024)).toFixed(1)} MB` : ''),
      );
      return { client, schema, label: entry.label };
    } catch (error) {
      if (provider.exitedWith === undefined) provider.kill();
      throw error;
    }
  }

  private touch(entry: PoolEntry): void {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      const p = entry.process;
      if (!p || p.exitedWith !== undefined) return;
      this.options.log(`stopping ${entry.label} (pid ${p.pid}): not asked for ${Math.round(this.options.idleMs / 1000)} s`);
      entry.ready = undefined;
      void p.stop();
    }, this.options.idleMs);
    entry.idleTimer.unref();
  }

  private homeDir(): string {
    this.home ??= mkdtempSync(join(tmpdir(), 'immutable-infra-providers-'));
    return this.home;
  }

  private removeHome(): void {
    if (this.home) rmSync(this.home, { recursive: true, force: true });
    this.home = undefined;
  }
}

/** `hashicorp/tls 4.2.1`: the source without the registry host. */
export function packageLabel(pkg: { source: string; version: string }): string {
  const address = parseProviderSource(pkg.source);
  return `${address ? `${address.namespace}/${address.type}` : pkg.source} ${pkg.version}`;
}
