/**
 * A real LSP client over stdio for tests: starts `node dist/server.js --stdio` and talks to it
 * with `vscode-languageserver-protocol`, as any editor would.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
} from 'vscode-languageserver-protocol/node';

/** A diagnostic whose message is plain text (LSP 3.18 also allows markup). */
export type TextDiagnostic = Omit<Diagnostic, 'message'> & { message: string };

function asTextDiagnostic(d: Diagnostic): TextDiagnostic {
  return { ...d, message: typeof d.message === 'string' ? d.message : d.message.value };
}

export const SERVER_PATH = path.resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

export class LspTestClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  stderr = '';
  /** What the server wrote to the client's log (`window/logMessage`), in order. */
  readonly logMessages: string[] = [];
  exitCode: number | null = null;
  /** How many `workspace/codeLens/refresh` requests the server sent (answered only when the client said it supports them). */
  codeLensRefreshes = 0;

  /** `env`: the server's whole environment (default: this process's), as the editor would hand it the user's. */
  constructor(serverPath = SERVER_PATH, env?: NodeJS.ProcessEnv) {
    if (!existsSync(serverPath)) throw new Error(`${serverPath} does not exist: run \`npm run build\` first (npm test does).`);
    this.process = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    this.process.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.process.on('exit', (code) => (this.exitCode = code));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.latest.set(params.uri, params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logMessages.push(params.message);
    });
    this.connection.listen();
  }

  /**
   * `configuration`: answers `workspace/configuration` requests (the client "pull" model) with the
   * settings for the requested folder URI, as VS Code answers for resource-scoped settings.
   * `workspaceFolders`: folder paths the client has open.
   */
  async initialize(
    options: {
      settings?: unknown;
      workspaceTrusted?: boolean;
      configuration?: (scopeUri: string | undefined) => unknown;
      workspaceFolders?: string[];
      /** Say, as VS Code does, that the client re-pulls code lenses when the server asks. */
      codeLensRefresh?: boolean;
    } = {},
  ): Promise<InitializeResult> {
    const configuration = options.configuration;
    if (options.codeLensRefresh) {
      this.connection.onRequest('workspace/codeLens/refresh', () => {
        this.codeLensRefreshes++;
        for (const wake of this.waiters.splice(0)) wake();
        return null;
      });
    }
    if (configuration) {
      this.connection.onRequest('workspace/configuration', (params: { items: Array<{ scopeUri?: string }> }) => params.items.map((item) => configuration(item.scopeUri)));
      this.connection.onRequest('client/registerCapability', () => null);
    }
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: configuration !== undefined, ...(options.codeLensRefresh ? { codeLens: { refreshSupport: true } } : {}) } },
      initializationOptions: { workspaceTrusted: options.workspaceTrusted ?? true, settings: options.settings },
      workspaceFolders: options.workspaceFolders?.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })) ?? null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Notifications are fire-and-forget; a failed write shows up as the server's exit, checked elsewhere. */
  private notify<P>(type: { method: string }, params: P): void {
    this.connection.sendNotification(type.method, params).catch(() => undefined);
  }

  open(file: string, text: string, languageId = 'terraform'): string {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    this.notify(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** An incremental edit: replace `range` with `text`. */
  edit(uri: string, range: Range, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  close(uri: string): void {
    this.notify(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  changeSettings(settings: unknown): void {
    this.notify(DidChangeConfigurationNotification.type, { settings: { immutableInfra: settings } });
  }

  /** Waits until the server has sent more than `seen` code-lens refresh requests (never a fixed sleep). */
  async waitForCodeLensRefresh(seen: number, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.codeLensRefreshes <= seen) {
      if (this.exitCode !== null) throw new Error(`The language server exited (${this.exitCode}): ${this.stderr}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for a workspace/codeLens/refresh request after ${seen}\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.codeLensRefreshes;
  }

  /** Waits until the latest diagnostics for `uri` satisfy `predicate` (never a fixed sleep). */
  async waitForDiagnostics(uri: string, predicate: (diagnostics: TextDiagnostic[]) => boolean, timeoutMs = 15_000): Promise<TextDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.latest.get(uri);
      const diagnostics = current?.diagnostics.map(asTextDiagnostic);
      if (diagnostics && predicate(diagnostics)) return diagnostics;
      if (this.exitCode !== null) throw new Error(`The language server exited (${this.exitCode}): ${this.stderr}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`Timed out waiting for diagnostics on ${uri}; last: ${JSON.stringify(current?.diagnostics ?? null, null, 2)}\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.exitCode !== null ? resolve() : this.process.once('exit', () => resolve())));
    if (this.exitCode === null) {
      await Promise.race([this.connection.sendRequest('shutdown').catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit').catch(() => undefined);
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
  }
}

/**
 * For a test file: a function that starts and initialises a language-server client, and an
 * `afterEach` hook that checks every client started in the test still has a running server (a
 * crash is a failure even when the assertions passed), then stops them.
 */
export function clientsStoppedAfterEach(): (options?: Parameters<LspTestClient['initialize']>[0] & { env?: NodeJS.ProcessEnv }) => Promise<LspTestClient> {
  const clients: LspTestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) {
      assert.equal(client.exitCode, null, `the server must not crash: ${client.stderr}`);
      await client.stop();
    }
  });
  return async (options) => {
    const client = new LspTestClient(SERVER_PATH, options?.env);
    clients.push(client);
    await client.initialize(options);
    return client;
  };
}
