/**
 * The language server: keeps open Terraform documents parsed (incrementally), analyses their
 * module after a debounce, publishes diagnostics, and answers hover, code action and code lens
 * requests from the last findings. Open YAML documents are analysed one file at a time as
 * Kubernetes manifests (YAML that holds no Kubernetes object gets no diagnostics). All analysis
 * lives in core/src (`terraform/`, `kubernetes/`); this file only wires LSP.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../../common/src/findings';
import {
  LearnedReplacementsNotification,
  parseInitializationOptions,
  parseLearnedReplacementsParams,
  parseWorkspaceTrustedParams,
  WorkspaceTrustedNotification,
} from '../../../common/src/protocol';
import { PRODUCT_VERSION } from '../../../common/src/productVersion';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, normalizeSettings, type ImmutableInfraSettings } from '../../../common/src/settings';
import type { HclParser, ParsedHclDocument } from '../../../core/src/terraform/hcl/hclParser';
import type { KnowledgeLookup } from '../../../core/src/terraform/knowledgeLookup';
import { KubernetesFileAnalyzer } from '../../../core/src/kubernetes/kubernetesFileAnalyzer';
import { KUBERNETES_FILE } from '../../../core/src/kubernetes/manifestFiles';
import { MAX_FILE_BYTES, type OpenDocument } from '../../../core/src/terraform/moduleFiles';
import { isNativeSyntaxConfigurationFile, NATIVE_SYNTAX_CONFIGURATION_GLOB, LOCAL_STATE_FILE, TFVARS_GLOB } from '../../../core/src/terraform/terraformFiles';
import { TerraformModuleAnalyzer } from '../../../core/src/terraform/terraformModuleAnalyzer';
import type { DeployedVersion } from '../../../core/src/io/deployedVersion';
import { analysisFailedFinding } from '../../../core/src/analysisFailure';
import { codeActionsFor, codeLensesFor, hoverFor, toDiagnostics } from './findingsToLsp';

interface TrackedDocument {
  /** Terraform documents are analysed per module folder, Kubernetes manifests per file. */
  language: 'terraform' | 'kubernetes';
  uri: string;
  path: string;
  document: TextDocument;
  /** Undefined while the document is too large to analyse. */
  parsed?: ParsedHclDocument;
  findings: Finding[];
}

export interface LanguageServerOptions {
  parser: HclParser;
  knowledge: KnowledgeLookup;
}

export class ImmutableInfraLanguageServer {
  private readonly documents = new Map<string, TrackedDocument>();
  private readonly analyzer: TerraformModuleAnalyzer;
  private readonly kubernetesAnalyzer = new KubernetesFileAnalyzer();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped per module on every schedule, so that a slow analysis never overwrites a newer one. */
  private readonly generations = new Map<string, number>();
  /** Settings from initialization or a pushed change; the fallback when the client can't be asked per folder. */
  private settings: ImmutableInfraSettings = DEFAULT_SETTINGS;
  /** Per module folder (baseline and git ref are resource-scoped), asked with `workspace/configuration`. */
  private readonly folderSettings = new Map<string, Promise<ImmutableInfraSettings>>();
  private workspaceTrusted = true;
  /** Workspace folder paths: a relative againstPath, and the counterparts in it, are relative to them. */
  private workspaceFolders: string[] = [];
  private configurationPull = false;
  private codeLensRefresh = false;

  constructor(
    private readonly connection: Connection,
    private readonly options: LanguageServerOptions,
  ) {
    this.analyzer = new TerraformModuleAnalyzer(options.parser, options.knowledge);
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      if (this.configurationPull) {
        void c.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
      }
      void c.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: NATIVE_SYNTAX_CONFIGURATION_GLOB },
            { globPattern: `**/${LOCAL_STATE_FILE}` },
            { globPattern: TFVARS_GLOB },
            { globPattern: '**/.git/HEAD' },
          ],
        })
        .catch(() => undefined);
    });
    c.onDidOpenTextDocument(({ textDocument }) => this.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text));
    c.onDidChangeTextDocument(({ textDocument, contentChanges }) => this.change(textDocument.uri, textDocument.version, contentChanges));
    c.onDidCloseTextDocument(({ textDocument }) => this.close(textDocument.uri));
    c.onDidChangeConfiguration(({ settings }) => {
      const pushed = (settings as Record<string, unknown> | undefined)?.immutableInfra;
      if (pushed !== undefined) this.settings = normalizeSettings(pushed);
      this.folderSettings.clear();
      this.reanalyzeAll();
    });
    c.onDidChangeWatchedFiles(() => this.reanalyzeAll());
    c.onNotification('workspace/didChangeWorkspaceFolders', (raw: unknown) => {
      const event = (raw as { event?: { added?: Array<{ uri: string }>; removed?: Array<{ uri: string }> } } | undefined)?.event;
      const removed = new Set((event?.removed ?? []).map((f) => uriToPath(f.uri)));
      const added = (event?.added ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
      this.workspaceFolders = [...this.workspaceFolders.filter((f) => !removed.has(f)), ...added];
      this.reanalyzeAll();
    });
    c.onNotification(WorkspaceTrustedNotification.method, (raw: unknown) => {
      this.workspaceTrusted = true;
      const params = parseWorkspaceTrustedParams(raw);
      if (params) this.settings = params.settings;
      this.folderSettings.clear();
      this.reanalyzeAll();
    });
    c.onNotification(LearnedReplacementsNotification.method, (raw: unknown) => {
      const params = parseLearnedReplacementsParams(raw);
      if (!params) return;
      this.analyzer.useLearnedReplacements(params.replacements);
      this.connection.console.info(`Using ${params.replacements.length} replacement path(s) learned from plans of this workspace.`);
      this.reanalyzeAll();
    });
    c.onHover(({ textDocument, position }) => hoverFor(this.documents.get(textDocument.uri)?.findings ?? [], position));
    c.onCodeAction(({ textDocument, range }) => codeActionsFor(textDocument.uri, this.documents.get(textDocument.uri)?.findings ?? [], range));
    c.onCodeLens(({ textDocument }) => codeLensesFor(this.documents.get(textDocument.uri)?.findings ?? [], textDocument.uri));
    c.onShutdown(() => {
      for (const timer of this.timers.values()) clearTimeout(timer);
      for (const doc of this.documents.values()) doc.parsed?.dispose();
      this.documents.clear();
    });
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const init = parseInitializationOptions(params.initializationOptions);
    this.workspaceTrusted = init.workspaceTrusted;
    this.settings = init.settings;
    this.configurationPull = params.capabilities.workspace?.configuration === true;
    this.codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.workspaceFolders = folders.map(uriToPath).filter((p): p is string => p !== undefined);
    return {
      capabilities: {
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'immutable-infra', version: PRODUCT_VERSION },
    };
  }

  /** The settings that apply to a module folder: asked once per folder until they change. */
  private settingsFor(moduleDir: string): Promise<ImmutableInfraSettings> {
    if (!this.configurationPull) return Promise.resolve(this.settings);
    let pending = this.folderSettings.get(moduleDir);
    if (!pending) {
      pending = this.connection.workspace.getConfiguration({ scopeUri: pathToFileURL(moduleDir).href, section: SETTINGS_SECTION }).then(
        (raw: unknown) => normalizeSettings(raw),
        (error: unknown) => {
          this.connection.console.warn(`Could not read the immutableInfra settings: ${(error as Error).message}`);
          return this.settings;
        },
      );
      this.folderSettings.set(moduleDir, pending);
    }
    return pending;
  }

  /**
   * The againstPath setting as the analyzers take it, for a module folder or a manifest: relative
   * to the workspace folder that holds it (else to the target's own folder), which is also the
   * root the counterparts mirror.
   */
  private deployedFor(target: string, targetDir: string, settings: ImmutableInfraSettings): DeployedVersion | undefined {
    const given = settings.againstPath;
    if (!given) return undefined;
    const folder = this.workspaceFolders.filter((f) => target === f || target.startsWith(f.endsWith(path.sep) ? f : f + path.sep)).sort((a, b) => b.length - a.length)[0];
    const root = folder ?? targetDir;
    const resolved = path.resolve(root, given);
    return { path: resolved, root, display: path.isAbsolute(given) ? resolved : given, origin: `immutableInfra.againstPath "${given}"` };
  }

  private open(uri: string, languageId: string, version: number, text: string): void {
    const file = uriToPath(uri);
    if (!file) return;
    if (!isNativeSyntaxConfigurationFile(file)) {
      if (languageId !== 'yaml' && !KUBERNETES_FILE.test(file)) return;
      const document = TextDocument.create(uri, languageId, version, text);
      this.documents.set(uri, { language: 'kubernetes', uri, path: file, document, findings: [] });
      this.scheduleKubernetes(uri, 0);
      return;
    }
    const document = TextDocument.create(uri, languageId, version, text);
    const tracked: TrackedDocument = { language: 'terraform', uri, path: file, document, findings: [] };
    tracked.parsed = this.parseWithinLimit(text);
    this.documents.set(uri, tracked);
    this.schedule(path.dirname(file), 0);
  }

  private change(uri: string, version: number, changes: Parameters<typeof TextDocument.update>[1]): void {
    const tracked = this.documents.get(uri);
    if (!tracked) return;
    tracked.document = TextDocument.update(tracked.document, changes, version);
    if (tracked.language === 'kubernetes') {
      this.scheduleKubernetes(uri, this.settings.diagnostics.debounceMs);
      return;
    }
    const text = tracked.document.getText();
    const previous = tracked.parsed;
    const incremental = previous && changes.every((c) => 'range' in c);
    if (incremental && text.length <= MAX_FILE_BYTES) {
      tracked.parsed = this.options.parser.reparse(
        previous,
        text,
        changes.map((c) => ({ range: (c as { range: TrackedRangeChange['range'] }).range, text: c.text })),
      );
    } else {
      tracked.parsed = this.parseWithinLimit(text);
    }
    previous?.dispose();
    this.schedule(path.dirname(tracked.path), this.settings.diagnostics.debounceMs);
  }

  private close(uri: string): void {
    const tracked = this.documents.get(uri);
    if (!tracked) return;
    tracked.parsed?.dispose();
    this.documents.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    if (tracked.language === 'kubernetes') return;
    const dir = path.dirname(tracked.path);
    if ([...this.documents.values()].some((d) => d.language === 'terraform' && path.dirname(d.path) === dir)) this.schedule(dir, 0);
  }

  private parseWithinLimit(text: string): ParsedHclDocument | undefined {
    return Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES ? undefined : this.options.parser.parse(text);
  }

  private reanalyzeAll(): void {
    const dirs = new Set([...this.documents.values()].filter((d) => d.language === 'terraform').map((d) => path.dirname(d.path)));
    for (const dir of dirs) this.schedule(dir, 0);
    for (const doc of this.documents.values()) if (doc.language === 'kubernetes') this.scheduleKubernetes(doc.uri, 0);
  }

  private schedule(moduleDir: string, delayMs: number): void {
    this.debounce(moduleDir, delayMs, (generation) => this.analyzeModule(moduleDir, generation));
  }

  /** Keyed by URI (never a bare folder path, which keys a Terraform module). */
  private scheduleKubernetes(uri: string, delayMs: number): void {
    this.debounce(uri, delayMs, (generation) => this.analyzeManifest(uri, generation));
  }

  private debounce(key: string, delayMs: number, run: (generation: number) => Promise<void>): void {
    clearTimeout(this.timers.get(key));
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void run(generation);
      }, delayMs),
    );
  }

  private async analyzeManifest(uri: string, generation: number): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const version = doc.document.version;
    let findings: Finding[];
    try {
      const settings = await this.settingsFor(path.dirname(doc.path));
      // Git, the againstPath files, or the live objects when the user opted in (Terraform state holds no Kubernetes objects).
      findings = await this.kubernetesAnalyzer.analyze(
        doc.path,
        {
          gitRef: settings.gitRef,
          mayRunProcesses: this.workspaceTrusted,
          baseline: settings.kubernetes.baseline,
          kubectl: { path: settings.kubectl.path },
          deployed: this.deployedFor(doc.path, path.dirname(doc.path), settings),
        },
        doc.document.getText(),
      );
    } catch (error) {
      this.connection.console.error(`Analysis of ${doc.path} failed: ${(error as Error).stack ?? String(error)}`);
      findings = [analysisFailedFinding(doc.path, 'kubernetes', error, STALE_FINDINGS_WITHDRAWN)];
    }
    if (this.generations.get(uri) !== generation || this.documents.get(uri) !== doc) return; // a newer edit is on its way
    doc.findings = findings;
    void this.connection.sendDiagnostics({ uri, version, diagnostics: toDiagnostics(findings) });
  }

  private async analyzeModule(moduleDir: string, generation: number): Promise<void> {
    const inModule = [...this.documents.values()].filter((d) => d.language === 'terraform' && path.dirname(d.path) === moduleDir);
    if (inModule.length === 0) return;
    const open = new Map<string, OpenDocument>(inModule.map((doc) => [doc.path, { text: doc.document.getText(), parsed: doc.parsed }]));
    let findings: Finding[];
    try {
      const settings = await this.settingsFor(moduleDir);
      const result = await this.analyzer.analyze(
        moduleDir,
        { baseline: settings.baseline, gitRef: settings.gitRef, mayRunProcesses: this.workspaceTrusted, deployed: this.deployedFor(moduleDir, moduleDir, settings) },
        open,
      );
      findings = result.findings;
    } catch (error) {
      this.connection.console.error(`Analysis of ${moduleDir} failed: ${(error as Error).stack ?? String(error)}`);
      findings = inModule.map((doc) => analysisFailedFinding(doc.path, 'terraform', error, STALE_FINDINGS_WITHDRAWN));
    }
    if (this.generations.get(moduleDir) !== generation) return; // a newer edit is on its way
    for (const doc of inModule) {
      if (!this.documents.has(doc.uri)) continue;
      doc.findings = findings.filter((f) => f.file === doc.path);
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.document.version, diagnostics: toDiagnostics(doc.findings) });
    }
    // Lenses are pulled by the client; tell it they changed with the findings.
    if (this.codeLensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }
}

/**
 * An analysis that throws replaces the document's findings with one that says so: the old ones
 * may sit at ranges the text no longer has, and their quick fixes would edit the wrong place.
 */
const STALE_FINDINGS_WITHDRAWN = "The earlier findings are withdrawn until an analysis succeeds: they may be out of date. The language server's log has the details.";

type TrackedRangeChange = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}
