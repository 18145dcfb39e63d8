/**
 * The language server: keeps open Terraform documents and variable files parsed (incrementally),
 * analyses the root module(s) they belong to after a debounce — a child module's folder through
 * the roots that call it — publishes each finding to the open document of its file, and answers hover, code action and code lens
 * requests from the last findings. Open YAML documents are analysed one file at a time as
 * Kubernetes manifests (YAML that holds no Kubernetes object gets no diagnostics). All analysis
 * lives in core/src (`terraform/`, `kubernetes/`); this file only wires LSP.
 */
import { existsSync } from 'node:fs';
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
  BaselineStatusNotification,
  RefreshDeployedStateRequest,
  type BaselineStatusParams,
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
import { WorkspaceCustomResourceDefinitions } from './workspaceCustomResourceDefinitions';
import { KUBERNETES_FILE } from '../../../core/src/kubernetes/manifestFiles';
import { MAX_FILE_BYTES, type OpenDocument } from '../../../core/src/terraform/moduleFiles';
import {
  DEPENDENCY_LOCK_FILE,
  isNativeSyntaxConfigurationFile,
  isTfvarsFile,
  NATIVE_SYNTAX_CONFIGURATION_GLOB,
  LOCAL_STATE_FILE,
  TFVARS_GLOB,
} from '../../../core/src/terraform/terraformFiles';
import { MODULE_MANIFEST_PATH } from '../../../core/src/terraform/moduleSources';
import { TerraformModuleAnalyzer } from '../../../core/src/terraform/terraformModuleAnalyzer';
import type { ProviderAsker } from '../../../core/src/providerPlugin/providerAsker';
import type * as AskerModule from '../../../core/src/providerPlugin/providerAsker';
import type { ProviderPool } from '../../../core/src/providerPlugin/providerPool';
import type * as PoolModule from '../../../core/src/providerPlugin/providerPool';
import type { ProviderQuestion, ProviderVerdicts } from '../../../core/src/providerPlugin/providerQuestions';
import type { DeployedVersion } from '../../../core/src/io/deployedVersion';
import { analysisFailedFinding } from '../../../core/src/analysisFailure';
import { codeActionsFor, codeLensesFor, hoverFor, toDiagnostics } from './findingsToLsp';
import { WorkspaceModuleRoots } from './workspaceModuleRoots';
import { varFileArguments } from '../../../core/src/terraform/varFileArguments';
import { systemProcessRunner } from '../../../core/src/exec/systemProcessRunner';
import { BackendStates } from '../../../core/src/terraform/baseline/backendStates';
import { ModuleExecutables } from '../../../core/src/terraform/tool/moduleExecutables';
import type { ModuleAnalysis } from '../../../core/src/terraform/moduleAnalysis';

interface TrackedDocument {
  /**
   * Terraform documents and variable files (`tfvars`) are analysed per root module, Kubernetes
   * manifests per file.
   */
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
  /** The workspace's CRDs, whose custom resources' immutable fields the Kubernetes analysis checks. */
  private readonly customResourceDefinitions = new WorkspaceCustomResourceDefinitions((scan) => {
    for (const { source, problem } of scan.problems) this.connection.console.warn(`${source}: ${problem} Its custom resources are not checked against it.`);
    if (scan.truncated) this.connection.console.warn('Only the first YAML files of the workspace were searched for CustomResourceDefinitions: the scan has a limit.');
  });
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Which root modules cover each folder of an open Terraform document. */
  private readonly moduleRoots: WorkspaceModuleRoots;
  /** Per folder of an open Terraform document: the roots last found to cover it (what its findings come from). */
  private readonly rootsByFolder = new Map<string, string[]>();
  /** Per root module folder: the findings of its last analysis, for every file it names. */
  private readonly analyses = new Map<string, Finding[]>();
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
  /** The provider binaries asked about edits: made when first needed, in a trusted workspace only. */
  private providers: { pool: ProviderPool; asker: ProviderAsker } | undefined;
  /** Per root module: the providers' verdicts from its last answers, by instance address. */
  private readonly verdicts = new Map<string, ProviderVerdicts>();
  /** Remote backends' states, read with the user's terraform/tofu (trusted workspaces only). */
  private readonly backendStates: BackendStates;
  /** Per root module: the settings its last analysis used (the state reads' timing comes from them). */
  private readonly rootSettings = new Map<string, ImmutableInfraSettings>();
  /** Per root module: the baseline status last sent to the client. */
  private readonly sentStatus = new Map<string, string>();
  /** Per root module with a remote backend: the timer of its next state read. */
  private readonly stateTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly options: LanguageServerOptions,
  ) {
    const executables = new ModuleExecutables(async (dir) => (await this.settingsFor(dir)).terraform.path);
    this.backendStates = new BackendStates({
      executableFor: (dir) => executables.for(dir),
      runner: systemProcessRunner,
      timing: (dir) => {
        const { state } = this.rootSettings.get(dir) ?? this.settings;
        return { timeoutMs: state.timeoutSeconds * 1000, refreshMs: state.refreshSeconds * 1000 };
      },
      onRead: (dir, changed) => this.stateRead(dir, changed),
    });
    this.analyzer = new TerraformModuleAnalyzer(options.parser, options.knowledge, this.backendStates);
    this.moduleRoots = new WorkspaceModuleRoots(
      (dir) => this.analyzer.moduleFacts(dir, this.openTerraformDocuments()),
      () => {
        for (const dir of new Set(this.terraformDocuments().map((d) => path.dirname(d.path)))) this.scheduleFolder(dir, 0, false);
      },
    );
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
            { globPattern: `${TFVARS_GLOB}.json` },
            { globPattern: `**/${MODULE_MANIFEST_PATH}` },
            // `init` writes it: the module's provider binaries can be asked from then on.
            { globPattern: `**/${DEPENDENCY_LOCK_FILE}` },
            { globPattern: '**/.git/HEAD' },
            // `init` records the backend here, `workspace select` the workspace: which state is deployed.
            { globPattern: '**/.terraform/terraform.tfstate' },
            { globPattern: '**/.terraform/environment' },
            // CustomResourceDefinitions: their custom resources are checked against them.
            { globPattern: '**/*.{yaml,yml}' },
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
    c.onDidChangeWatchedFiles(({ changes }) => {
      const files = changes.map((change) => uriToPath(change.uri)).filter((p): p is string => p !== undefined);
      // A YAML file may have brought, changed or removed a CRD: the manifests are analysed again, nothing else.
      if (this.customResourceDefinitions.filesChanged(files) && files.every((f) => KUBERNETES_FILE.test(f))) {
        for (const doc of this.documents.values()) if (doc.language === 'kubernetes') this.scheduleKubernetes(doc.uri, 0);
        return;
      }
      // A module call, a manifest or a state file may have come or gone: which folders are roots is decided again.
      this.moduleRoots.invalidate();
      this.reanalyzeAll();
    });
    c.onNotification('workspace/didChangeWorkspaceFolders', (raw: unknown) => {
      const event = (raw as { event?: { added?: Array<{ uri: string }>; removed?: Array<{ uri: string }> } } | undefined)?.event;
      const removed = new Set((event?.removed ?? []).map((f) => uriToPath(f.uri)));
      const added = (event?.added ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
      this.workspaceFolders = [...this.workspaceFolders.filter((f) => !removed.has(f)), ...added];
      this.moduleRoots.invalidate();
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
    c.onRequest(RefreshDeployedStateRequest.method, async () => {
      await this.backendStates.refresh();
      return null;
    });
    c.onHover(({ textDocument, position }) => hoverFor(this.documents.get(textDocument.uri)?.findings ?? [], position));
    c.onCodeAction(({ textDocument, range }) => codeActionsFor(textDocument.uri, this.documents.get(textDocument.uri)?.findings ?? [], range));
    c.onCodeLens(({ textDocument }) => codeLensesFor(this.documents.get(textDocument.uri)?.findings ?? [], textDocument.uri));
    c.onShutdown(async () => {
      const providers = this.providers;
      this.providers = undefined;
      await providers?.pool.dispose();
      for (const timer of this.timers.values()) clearTimeout(timer);
      for (const timer of this.stateTimers.values()) clearTimeout(timer);
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
    const root = this.workspaceFolderOf(target) ?? targetDir;
    const resolved = path.resolve(root, given);
    return { path: resolved, root, display: path.isAbsolute(given) ? resolved : given, origin: `immutableInfra.againstPath "${given}"` };
  }

  /** The innermost workspace folder holding `target`. */
  private workspaceFolderOf(target: string): string | undefined {
    return this.workspaceFolders.filter((f) => target === f || target.startsWith(f.endsWith(path.sep) ? f : f + path.sep)).sort((a, b) => b.length - a.length)[0];
  }

  private open(uri: string, languageId: string, version: number, text: string): void {
    const file = uriToPath(uri);
    if (!file) return;
    // Variable files by name, whatever language the client gave them (`terraform-vars`, `terraform`, plain text).
    if (!isNativeSyntaxConfigurationFile(file) && !isTfvarsFile(file)) {
      if (languageId !== 'yaml' && !KUBERNETES_FILE.test(file)) return;
      const document = TextDocument.create(uri, languageId, version, text);
      this.documents.set(uri, { language: 'kubernetes', uri, path: file, document, findings: [] });
      this.scheduleKubernetes(uri, 0);
      return;
    }
    const document = TextDocument.create(uri, languageId, version, text);
    const tracked: TrackedDocument = { language: 'terraform', uri, path: file, document, findings: [] };
    tracked.parsed = this.parseWithinLimit(file, text);
    this.documents.set(uri, tracked);
    this.scheduleFolder(path.dirname(file), 0, true);
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
    const incremental = previous && changes.every((c) => 'range' in c) && !isJsonFile(tracked.path);
    if (incremental && text.length <= MAX_FILE_BYTES) {
      tracked.parsed = this.options.parser.reparse(
        previous,
        text,
        changes.map((c) => ({ range: (c as { range: TrackedRangeChange['range'] }).range, text: c.text })),
      );
    } else {
      tracked.parsed = this.parseWithinLimit(tracked.path, text);
    }
    previous?.dispose();
    this.scheduleFolder(path.dirname(tracked.path), this.settings.diagnostics.debounceMs, true);
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
    // The disk's text takes the closed document's place: the roots that covered it are analysed again.
    const dir = path.dirname(tracked.path);
    const roots = this.rootsByFolder.get(dir) ?? [dir];
    if (!this.terraformDocuments().some((d) => path.dirname(d.path) === dir)) this.rootsByFolder.delete(dir);
    const stillCovered = new Set([...this.rootsByFolder.values()].flat());
    for (const root of roots) {
      if (stillCovered.has(root)) this.schedule(root, 0);
      else this.analyses.delete(root);
    }
  }

  /** The HCL of a `.tf` file or a native variable file; a JSON variable file is kept as text only. */
  private parseWithinLimit(file: string, text: string): ParsedHclDocument | undefined {
    if (isJsonFile(file)) return undefined;
    return Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES ? undefined : this.options.parser.parse(text);
  }

  private terraformDocuments(): TrackedDocument[] {
    return [...this.documents.values()].filter((d) => d.language === 'terraform');
  }

  /** The open configuration and variable files, by path, as the analyzer lays them over the disk. */
  private openTerraformDocuments(): Map<string, OpenDocument> {
    return new Map(this.terraformDocuments().map((doc) => [doc.path, { text: doc.document.getText(), parsed: doc.parsed }]));
  }

  private reanalyzeAll(): void {
    const dirs = new Set(this.terraformDocuments().map((d) => path.dirname(d.path)));
    for (const dir of dirs) this.scheduleFolder(dir, 0, false);
    for (const doc of this.documents.values()) if (doc.language === 'kubernetes') this.scheduleKubernetes(doc.uri, 0);
  }

  /**
   * Schedules the analysis of every root module that covers `dir`. `edited`: a document of `dir`
   * was opened or changed, so its module calls are read again (it may have become a caller).
   */
  private scheduleFolder(dir: string, delayMs: number, edited: boolean): void {
    void this.moduleRoots.rootsOf(dir, this.workspaceFolderOf(dir), edited).then(
      (roots) => {
        if (!this.terraformDocuments().some((d) => path.dirname(d.path) === dir)) return; // closed meanwhile
        const before = this.rootsByFolder.get(dir);
        this.rootsByFolder.set(dir, roots);
        for (const root of roots) this.schedule(root, delayMs);
        // A root that covered the folder no longer does: the folder's documents lose its findings now.
        if (before?.some((root) => !roots.includes(root))) this.publish(new Set([dir]));
      },
      (error: unknown) => {
        this.connection.console.error(`Finding the root modules of ${dir} failed: ${(error as Error).stack ?? String(error)}`);
        this.rootsByFolder.set(dir, [dir]);
        this.schedule(dir, delayMs);
      },
    );
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
          customResources: this.customResourceDefinitions.registry(this.workspaceFolders),
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
    this.refreshCodeLenses();
  }

  /**
   * Analyses the root module in `rootDir` with every open configuration and variable file over the
   * disk, and publishes its findings by the file each names: to documents of the root, of the child
   * modules it calls, and of their variable files.
   */
  private async analyzeModule(rootDir: string, generation: number): Promise<void> {
    const covered = this.terraformDocuments().filter((d) => this.rootsByFolder.get(path.dirname(d.path))?.includes(rootDir));
    if (covered.length === 0) return;
    let findings: Finding[];
    let questions: ProviderQuestion[] | undefined;
    let summary: ModuleAnalysis['baselineSummary'] | undefined;
    let description = '';
    const applied = this.verdicts.get(rootDir);
    try {
      const settings = await this.settingsFor(rootDir);
      this.rootSettings.set(rootDir, settings);
      // Provider binaries are programs of the workspace's: never started in Restricted Mode. Only an
      // initialised module (its lock file names them) has any to ask.
      const ask = this.workspaceTrusted && settings.terraform.askProviders && existsSync(path.join(rootDir, DEPENDENCY_LOCK_FILE));
      const result = await this.analyzer.analyze(
        rootDir,
        {
          baseline: settings.baseline,
          gitRef: settings.gitRef,
          mayRunProcesses: this.workspaceTrusted,
          deployed: this.deployedFor(rootDir, rootDir, settings),
          varFiles: varFileArguments(settings.plan.arguments),
          collectProviderQuestions: ask,
          providerVerdicts: ask ? applied : undefined,
        },
        this.openTerraformDocuments(),
      );
      findings = result.findings;
      questions = result.questions;
      summary = result.baselineSummary;
      description = result.baselineDescription;
    } catch (error) {
      this.connection.console.error(`Analysis of ${rootDir} failed: ${(error as Error).stack ?? String(error)}`);
      findings = covered.map((doc) => analysisFailedFinding(doc.path, 'terraform', error, STALE_FINDINGS_WITHDRAWN));
    }
    if (this.generations.get(rootDir) !== generation) return; // a newer edit is on its way
    this.analyses.set(rootDir, findings);
    if (summary) this.sendBaselineStatus(rootDir, summary, description);
    this.armStateRefresh(rootDir);
    this.publish(new Set([...covered.map((d) => path.dirname(d.path)), ...findings.map((f) => path.dirname(f.file))]));
    if (questions && questions.length > 0) this.askProviders(rootDir, questions, applied);
  }

  /**
   * After the knowledge base's findings are out: asks the providers what they have not answered
   * yet, and analyses the module once more with their verdicts — unless the verdicts are the ones
   * just applied, or an edit is already on its way (its analysis applies them).
   */
  private askProviders(rootDir: string, questions: ProviderQuestion[], applied: ProviderVerdicts | undefined): void {
    const providers = (this.providers ??= this.startProviderPool());
    // Without new questions this only says, once, why a provider can't be asked (no lock file, a hash that differs).
    void providers.asker.answer(rootDir, questions).then(
      (verdicts) => {
        if (sameVerdicts(verdicts, applied)) return;
        this.verdicts.set(rootDir, verdicts);
        if (!this.timers.has(rootDir)) this.schedule(rootDir, 0);
      },
      (error: unknown) => this.connection.console.error(`Asking the providers about ${rootDir} failed: ${(error as Error).stack ?? String(error)}`),
    );
  }

  /**
   * The provider client (gRPC, protobuf: some 13 MB of the server's memory) is loaded when a
   * module first has providers to ask, not with the server.
   */
  private startProviderPool(): { pool: ProviderPool; asker: ProviderAsker } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DEFAULT_POOL_OPTIONS, ProviderPool } = require('../../../core/src/providerPlugin/providerPool') as typeof PoolModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ProviderAsker } = require('../../../core/src/providerPlugin/providerAsker') as typeof AskerModule;
    const log = (line: string) => this.connection.console.info(`providers: ${line}`);
    const pool = new ProviderPool({ ...DEFAULT_POOL_OPTIONS, log });
    return { pool, asker: new ProviderAsker(pool, log) };
  }

  /**
   * A remote state read that no analysis waited for finished: a changed state (or a change in why
   * it can't be read) is analysed again; the same state only moves its "read … ago" on.
   */
  private stateRead(rootDir: string, changed: boolean): void {
    if (changed) {
      this.schedule(rootDir, 0);
      return;
    }
    const readAt = this.confirmedReadAt(rootDir);
    if (readAt !== undefined) {
      for (const finding of this.analyses.get(rootDir) ?? []) if (finding.baseline?.kind === 'state' && finding.baseline.backend) finding.baseline.readAt = readAt;
      const sent = this.sentStatus.get(rootDir);
      if (sent) {
        const status = { ...(JSON.parse(sent) as BaselineStatusParams), readAt: Date.parse(readAt) };
        this.sentStatus.set(rootDir, JSON.stringify(status));
        void this.connection.sendNotification(BaselineStatusNotification.method, status);
      }
    }
    this.armStateRefresh(rootDir);
  }

  /** When the root's remote state was last confirmed, as the findings carry it; undefined when it has none. */
  private confirmedReadAt(rootDir: string): string | undefined {
    const readAt = this.backendStates.lastReadAt(rootDir);
    return readAt === undefined ? undefined : new Date(readAt).toISOString();
  }

  /**
   * While a root with a remote backend has open documents, its state is read again every
   * `immutableInfra.state.refreshSeconds`, so that a change applied elsewhere reaches the editor.
   */
  private armStateRefresh(rootDir: string): void {
    clearTimeout(this.stateTimers.get(rootDir));
    this.stateTimers.delete(rootDir);
    if (!this.workspaceTrusted || !this.backendStates.isRemote(rootDir)) return;
    const covered = this.terraformDocuments().some((d) => this.rootsByFolder.get(path.dirname(d.path))?.includes(rootDir));
    if (!covered) {
      this.backendStates.forget(rootDir);
      return;
    }
    const { refreshMs } = { refreshMs: (this.rootSettings.get(rootDir) ?? this.settings).state.refreshSeconds * 1000 };
    const timer = setTimeout(() => {
      this.stateTimers.delete(rootDir);
      void this.backendStates.refresh(rootDir);
    }, refreshMs);
    timer.unref();
    this.stateTimers.set(rootDir, timer);
  }

  /** Tells the client what the root's edits are compared with, when that changed since last time. */
  private sendBaselineStatus(rootDir: string, summary: ModuleAnalysis['baselineSummary'], description: string): void {
    const compared = summary.compared;
    const status: BaselineStatusParams = {
      rootDir,
      kind: summary.kind,
      description,
      ...(compared?.kind === 'state' && compared.backend
        ? {
            backend: compared.backend,
            workspace: compared.workspace,
            ...(compared.serial !== undefined ? { serial: compared.serial } : {}),
            ...(compared.lineage !== undefined ? { lineage: compared.lineage } : {}),
            ...(compared.readAt !== undefined ? { readAt: Date.parse(compared.readAt) } : {}),
          }
        : {}),
      ...(summary.stateUnavailable !== undefined ? { unavailable: summary.stateUnavailable } : {}),
    };
    const text = JSON.stringify(status);
    if (this.sentStatus.get(rootDir) === text) return;
    this.sentStatus.set(rootDir, text);
    void this.connection.sendNotification(BaselineStatusNotification.method, status);
  }

  /**
   * Publishes, to each open Terraform document in `folders`, the findings naming its file from
   * the last analysis of every root that covers its folder — once each, when two roots share a
   * child module and both report the same thing.
   */
  private publish(folders: ReadonlySet<string>): void {
    for (const doc of this.terraformDocuments()) {
      const dir = path.dirname(doc.path);
      if (!folders.has(dir)) continue;
      const seen = new Set<string>();
      doc.findings = (this.rootsByFolder.get(dir) ?? [])
        .flatMap((root) => this.analyses.get(root) ?? [])
        .filter((f) => {
          if (f.file !== doc.path) return false;
          const key = JSON.stringify([f.range, f.severity, f.code, f.message, f.address]);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.document.version, diagnostics: toDiagnostics(doc.findings) });
    }
    this.refreshCodeLenses();
  }

  /**
   * Lenses are pulled by the client, which asks when a document opens: usually before its first
   * analysis is done, and then not again until the text changes. So every publish of findings
   * tells a client that can hear it that the lenses changed with them.
   */
  private refreshCodeLenses(): void {
    if (this.codeLensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }
}

/**
 * An analysis that throws replaces the document's findings with one that says so: the old ones
 * may sit at ranges the text no longer has, and their quick fixes would edit the wrong place.
 */
const STALE_FINDINGS_WITHDRAWN = "The earlier findings are withdrawn until an analysis succeeds: they may be out of date. The language server's log has the details.";

type TrackedRangeChange = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** The same verdicts for the same instances: nothing new to apply. */
function sameVerdicts(a: ProviderVerdicts, b: ProviderVerdicts | undefined): boolean {
  if (!b || a.size !== b.size) return a.size === 0 && (b?.size ?? 0) === 0;
  for (const [address, verdict] of a) if (b.get(address)?.key !== verdict.key) return false;
  return true;
}

function isJsonFile(file: string): boolean {
  return file.endsWith('.json');
}

function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}
