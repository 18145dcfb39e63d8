import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  ErrorCodes,
  LanguageClient,
  ResponseError,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type DocumentSelector,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { LearnedReplacement } from '../../common/src/learnedReplacement';
import {
  BaselineStatusNotification,
  LearnedReplacementsNotification,
  parseBaselineStatusParams,
  RefreshDeployedStateRequest,
  type BaselineStatusParams,
  WorkspaceTrustedNotification,
  type InitializationOptions,
  type LearnedReplacementsParams,
  type WorkspaceTrustedParams,
} from '../../common/src/protocol';
import { ServerCrashPolicy } from './serverCrashPolicy';
import { SETTINGS_SECTION } from '../../common/src/settings';
import { NATIVE_SYNTAX_EXTENSIONS } from '../../core/src/terraform/terraformFiles';
import { readSettings } from './settings';

/** The id also names the trace setting vscode-languageclient reads: `immutableInfra.trace.server`. */
const CLIENT_ID = 'immutableInfra';
const CLIENT_NAME = 'Immutable Infra Language Server';
const LOG_CHANNEL_NAME = 'Immutable Infra';
const SERVER_MODULE = 'dist/server.js';

const DOCUMENT_SELECTOR: DocumentSelector = [
  { language: 'terraform' },
  // Also when another extension claims .tf/.tofu under a different language id.
  ...NATIVE_SYNTAX_EXTENSIONS.map((extension) => ({ scheme: 'file', pattern: `**/*${extension}` })),
  // Variable files, whose unsaved values the analysis of their module reads: by name, as no
  // language of ours claims them (HashiCorp's extension calls them `terraform-vars`).
  { scheme: 'file', pattern: '**/*.{tfvars,tfvars.json}' },
  // Kubernetes manifests: the server decides per document whether the YAML is a Kubernetes object.
  { language: 'yaml' },
];

/** Errors the client makes up when the connection is gone, as opposed to errors the server sent. */
const CONNECTION_FAILURE_CODES = new Set<number>([
  ErrorCodes.MessageWriteError,
  ErrorCodes.MessageReadError,
  ErrorCodes.PendingResponseRejected,
  ErrorCodes.ConnectionInactive,
]);

/** How long a stop waits for a server that is still initializing. */
const STARTING_GRACE_MS = 2000;

const SHOW_LOG = 'Show Log';
const RESTART = 'Restart';

/**
 * vscode-languageclient pops up an error of its own for each failed start and restart, so a
 * server that dies while loading showed ten notifications before the crash policy gave up. Its
 * errors go to the log only; the owner tells the user what to act on, once, with "Show Log".
 */
class LogOnlyLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown): void {
    super.error(message, data, false);
  }
}

/**
 * The one object that owns the extension's runtime state (as rust-analyzer's `Ctx`): the log
 * channel, the language client, and two disposable scopes — the extension's lifetime
 * (`extensionScope`) and the current client's (the client itself; a restart replaces it).
 */
export class ImmutableInfraClient {
  readonly log: vscode.LogOutputChannel;
  private readonly extensionScope: vscode.Disposable[] = [];
  private languageClient: LanguageClient | undefined;
  private crashPolicy: ServerCrashPolicy | undefined;
  /**
   * Start, stop and restart run one at a time, in order: a second "Restart" waits for the first.
   * None of them waits for a server to finish initializing, so a hung server cannot block them.
   */
  private lifecycle: Promise<void> = Promise.resolve();
  private disposed = false;
  /** What plans of the workspace taught: every server that starts is told it. */
  private learned: () => readonly LearnedReplacement[] = () => [];
  /** Who hears each root module's baseline status the server reports (the status bar). */
  private readonly baselineListeners: Array<(status: BaselineStatusParams) => void> = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
    this.extensionScope.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.notifyWorkspaceTrusted()));
  }

  startServer(): Promise<void> {
    return this.serialize(() => this.start());
  }

  /** A fresh client and server process, with a fresh crash budget. */
  restartServer(): Promise<void> {
    return this.serialize(async () => {
      await this.stop();
      await this.start();
    });
  }

  /** Where the learned replacement paths come from; they are sent to each server once it runs. */
  useLearnedReplacements(source: () => readonly LearnedReplacement[]): void {
    this.learned = source;
  }

  /** Tells the running server the learned replacement paths again (after a plan taught something new). */
  sendLearnedReplacements(): void {
    const client = this.languageClient;
    if (client?.state === State.Running) this.notifyLearned(client);
  }

  /** Each BaselineStatusNotification of this and every later server, validated. */
  onBaselineStatus(listener: (status: BaselineStatusParams) => void): void {
    this.baselineListeners.push(listener);
  }

  /**
   * Asks the server to read every remote backend's state again now (RefreshDeployedStateRequest);
   * resolves once it answered. Rejects with a sentence for the user when no server is running.
   */
  async refreshDeployedState(): Promise<void> {
    const client = this.languageClient;
    if (client?.state !== State.Running)
      throw new Error('The Immutable Infra language server is not running: restart it (Immutable Infra: Restart Language Server), then try again.');
    await client.sendRequest(RefreshDeployedStateRequest.method, {});
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.serialize(() => this.stop());
    for (const disposable of this.extensionScope.splice(0).reverse()) disposable.dispose();
    // Last: the client logs while it shuts down.
    this.log.dispose();
  }

  private async start(): Promise<void> {
    if (this.disposed) return;
    const serverModule = this.context.asAbsolutePath(SERVER_MODULE);
    if (!existsSync(serverModule)) {
      this.reportServerStopped(`The Immutable Infra language server is missing (${serverModule}): the extension was not built.`);
      return;
    }
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.stdio },
      debug: {
        module: serverModule,
        transport: TransportKind.stdio,
        options: { execArgv: ['--nolazy', '--inspect=6009'] },
      },
    };
    // vscode-languageclient logs the crash policy's messages itself.
    const crashPolicy = new ServerCrashPolicy((message) => this.reportServerStopped(message, true));
    const client = new LogOnlyLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { configurationSection: SETTINGS_SECTION },
      // A function, so that every (re)start sends the trust and settings of that moment.
      initializationOptions: (): InitializationOptions => ({
        workspaceTrusted: vscode.workspace.isTrusted,
        settings: readSettings(),
      }),
      initializationFailedHandler: (error) => {
        // A server that answers `initialize` with an error would fail the same way again: it
        // stays stopped, and the user hears once. One that died while initializing is the crash
        // policy's business.
        if (error instanceof ResponseError && !CONNECTION_FAILURE_CODES.has(error.code)) {
          crashPolicy.stopRestarting();
          this.reportServerStopped(`The Immutable Infra language server could not initialize: ${error.message}`);
        }
        return false;
      },
      errorHandler: crashPolicy,
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    });
    // Registered before start, so that the first analyses' statuses are not missed.
    client.onNotification(BaselineStatusNotification.method, (raw: unknown) => {
      const status = parseBaselineStatusParams(raw);
      if (!status) {
        this.log.warn('Ignored a baseline status from the language server that does not have the expected shape.');
        return;
      }
      for (const listener of this.baselineListeners) listener(status);
    });
    this.languageClient = client;
    this.crashPolicy = crashPolicy;
    this.log.info(`Starting the language server (${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace): ${serverModule}`);
    client.start().then(
      () => {
        // Only a server that knows something worth telling gets the notification.
        if (this.learned().length > 0 && this.languageClient === client) this.notifyLearned(client);
      },
      (error: unknown) => {
        // Shown to the user by the crash policy (server died) or the initialization handler above.
        this.log.error(`The language server did not start: ${errorMessage(error)}`);
      },
    );
  }

  private async stop(): Promise<void> {
    const client = this.languageClient;
    this.languageClient = undefined;
    if (!client) return;
    // Whatever happens to this client from now on, it must not restart itself.
    this.crashPolicy?.stopRestarting();
    this.crashPolicy = undefined;
    if (client.state === State.Starting) {
      // Let a start in progress finish so the server can be shut down cleanly, but not forever:
      // a client that is still starting is stopped by killing its process.
      await Promise.race([client.start().catch(() => undefined), delay(STARTING_GRACE_MS)]);
    }
    try {
      await client.dispose();
    } catch (error) {
      // A client that is not running (start failed, still starting, or the crash policy gave up)
      // cannot be shut down politely; vscode-languageclient still kills a leftover process.
      this.log.debug(`Stopping the language server: ${errorMessage(error)}`);
    }
  }

  private notifyWorkspaceTrusted(): void {
    this.log.info('The workspace is now trusted.');
    const client = this.languageClient;
    // A server that is not up reads the trust from its initialization options when it next starts.
    if (!client || (client.state !== State.Running && client.state !== State.Starting)) return;
    const params: WorkspaceTrustedParams = { workspaceTrusted: true, settings: readSettings() };
    client
      .sendNotification(WorkspaceTrustedNotification.method, params)
      .catch((error: unknown) => this.log.warn(`Could not tell the language server about workspace trust: ${errorMessage(error)}`));
  }

  private notifyLearned(client: LanguageClient): void {
    const params: LearnedReplacementsParams = { replacements: [...this.learned()] };
    client
      .sendNotification(LearnedReplacementsNotification.method, params)
      .catch((error: unknown) => this.log.warn(`Could not tell the language server what plans taught: ${errorMessage(error)}`));
  }

  /** Tells the user that the server is down, with the log and a restart at hand. */
  private reportServerStopped(message: string, alreadyLogged = false): void {
    if (!alreadyLogged) this.log.error(message);
    void vscode.window.showErrorMessage(message, SHOW_LOG, RESTART).then((choice) => {
      if (choice === SHOW_LOG) this.log.show();
      else if (choice === RESTART) void this.restartServer();
    });
  }

  private serialize(operation: () => Promise<void>): Promise<void> {
    const result = this.lifecycle.then(operation);
    this.lifecycle = result.catch(() => undefined);
    return result;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
