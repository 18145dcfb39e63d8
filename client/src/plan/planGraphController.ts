/**
 * "Show Plan Graph" and "Open Plan File": the extension-host side of the plan graph. It picks the
 * root module, runs the plan through the runner (client/src/terraform, no vscode there) under a
 * progress notification with cancel, turns each kind of failure into something the user can act
 * on (a setting, `init`, who holds the lock, the Problems panel), and hands the plan to the panel
 * and the status bar. It also remembers each root module's last saved plan, which is what an
 * apply may use: never a fresh plan, and only with the program that made it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanGraph } from '../../../common/src/planGraph';
import { buildPlanGraph } from '../../../core/src/plan/planGraph';
import { parsePlanText } from '../../../core/src/plan/planModel';
import { runApply } from '../terraform/applyRunner';
import type { ResourceApplyState } from '../terraform/applyProgress';
import { runPlan, showPlanFile, type PlanProgress } from '../terraform/planRunner';
import { changedSince, snapshotModule, type ModuleSnapshot } from '../terraform/planStaleness';
import { rootModuleRuns } from '../terraform/rootModuleRuns';
import { isNativeSyntaxConfigurationFile, isTerraformConfigurationFile, NATIVE_SYNTAX_CONFIGURATION_GLOB } from '../../../core/src/terraform/terraformFiles';
import { findRootModules } from '../terraform/rootModules';
import { problemsByFile } from '../terraform/problemsFromDiagnostics';
import { executableMissingFailure, type TerraformFailure } from '../terraform/terraformErrors';
import type { TerraformDiagnostic } from '../terraform/terraformEvents';
import { chooseTerraformExecutable } from '../../../core/src/terraform/tool/executableChoice';
import { checkPlanExecutable } from '../terraform/planExecutableCheck';
import {
  describeTerraformExecutable,
  executableLabel,
  TerraformExecutableNotFoundError,
  TERRAFORM_PATH_SETTING,
  toolCommand,
  type TerraformExecutable,
} from '../../../core/src/terraform/tool/terraformExecutable';
import { runTerraform, TerraformCancellation } from '../terraform/terraformProcess';
import type { ApplyNodeStatus } from '../../../common/src/planGraphMessages';
import { PlanGraphPanel, PLAN_GRAPH_VIEW_TYPE, type ShownPlan } from './planGraphPanel';
import type { LearnedReplacementStore } from './learnedReplacementStore';
import { PlanStatusBar } from './planStatusBar';
import { readSettings } from '../settings';
import { remoteBaselineOfPlan, remoteStateChangedSince, type RemotePlanBaseline } from '../terraform/remotePlanStaleness';
import {
  explainStateLocked,
  forceUnlockDetail,
  inspectRootModuleLock,
  lockedBeforeRunMessage,
  lockInspectionOptions,
  lockWhere,
  stateLockLine,
  type RootModuleLock,
} from '../terraform/stateLockCheck';
import type { StateLockStatus } from '../../../core/src/terraform/stateLock/stateLock';
import { describeLock } from '../../../core/src/terraform/stateLock/lockText';
import { releaseStateLock } from '../../../core/src/terraform/stateLock/lockRelease';
import { systemProcessRunner } from '../../../core/src/exec/systemProcessRunner';
import type { StateLockLine } from '../../../common/src/planGraphMessages';

export const SHOW_PLAN_GRAPH_COMMAND = 'immutableInfra.showPlanGraph';

/** A plan saved by this extension for a root module (what "apply the reviewed plan" will use). */
export interface SavedPlan {
  rootDir: string;
  planFile: string;
  graph: PlanGraph;
  /** When the plan was made: the module's files changed after it make it stale. */
  createdAt: number;
  /** The module's files and state as they were when the plan was made (our own staleness check). */
  snapshot?: ModuleSnapshot;
  /** The program that made the plan (path, tool, version, why it was chosen): the only one that may apply it. */
  executable: TerraformExecutable;
  /** For a remote backend: the state the plan was made against (serial, lineage), compared with the backend's before an apply. */
  remoteBaseline?: RemotePlanBaseline;
}

const OPEN_SETTINGS = 'Open Settings';
const RUN_INIT = 'Run init';
const SHOW_LOG = 'Show Log';
const SHOW_PROBLEMS = 'Show Problems';
const MANAGE_TRUST = 'Manage Workspace Trust';
const TERMINATE = 'Terminate';
const APPLY = 'Apply';
const SHOW_PLAN_GRAPH = 'Show Plan Graph';
const FORCE_UNLOCK_CHOICE = 'Force Unlock…';
const FORCE_UNLOCK = 'Force Unlock';
/** Lines of addresses a modal lists per group before it says "and N more". */
const MODAL_LIST_MAX = 12;

export class PlanGraphController implements vscode.Disposable {
  private readonly statusBar = new PlanStatusBar(SHOW_PLAN_GRAPH_COMMAND);
  /** Terraform's own diagnostics of the last plan run per root module (errors and warnings). */
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('immutableInfra.plan');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly savedPlans = new Map<string, SavedPlan>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    /** Remembers the replace paths of every plan shown, for the language server. */
    private readonly learned?: LearnedReplacementStore,
    /**
     * Has the language server read the remote backends' states again: after an apply to one, the
     * edits are compared with the state it wrote, not the one read before it (until the next refresh).
     */
    private readonly readDeployedStateAgain?: () => Promise<void>,
  ) {
    this.disposables.push(
      this.statusBar,
      this.diagnostics,
      vscode.window.registerWebviewPanelSerializer(PLAN_GRAPH_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => PlanGraphPanel.revive(panel, context.extensionUri, log),
      }),
    );
  }

  lastPlan(rootDir: string): SavedPlan | undefined {
    return this.savedPlans.get(rootDir);
  }

  dispose(): void {
    PlanGraphPanel.active?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** `immutableInfra.showPlanGraph`: plan the root module of the active file, then show it. */
  async showPlanGraph(): Promise<void> {
    if (!this.trusted('plan')) return;
    const rootDir = await this.pickRootModule();
    if (!rootDir) return;
    // One plan or apply per root module at a time (the registry is shared with the apply).
    const hold = rootModuleRuns.tryAcquire(rootDir, 'plan');
    if (!hold.ok) {
      void vscode.window.showInformationMessage(hold.message);
      return;
    }
    try {
      await this.planAndShow(rootDir);
    } finally {
      hold.release();
    }
  }

  /**
   * `immutableInfra.applyPlan`: applies the reviewed plan — the one the panel shows, else the
   * last one saved for the active file's root module — never a fresh plan, and only after the
   * modal's Apply. Refuses (and says why) a stale, errored or already applied plan, a module that
   * is busy, and Restricted Mode.
   */
  async applyPlan(fromPanel?: ShownPlan): Promise<void> {
    if (!this.trusted('apply')) return;
    const saved = this.planToApply(fromPanel);
    if (!saved) return;
    const label = this.label(saved.rootDir);
    if (saved.graph.errored) {
      void vscode.window.showErrorMessage(`The plan of ${label} errored: it can't be applied. Fix the errors and run Show Plan Graph again.`);
      return;
    }
    if (saved.snapshot) {
      const changes = await changedSince(saved.snapshot);
      if (changes.stale) {
        this.forgetPlan(saved);
        void vscode.window.showErrorMessage(`The reviewed plan of ${label} is stale: ${changes.message} Run Show Plan Graph again and review the new plan.`);
        return;
      }
    }
    // Asked before the modal, so that nobody confirms an apply that cannot run; runApply asks again.
    const check = await checkPlanExecutable(saved.executable);
    if (!check.ok) {
      this.forgetPlan(saved);
      this.log.error(`executable-changed: ${check.message}`);
      void vscode.window.showErrorMessage(`${check.message} Run Show Plan Graph again and review the new plan.`, SHOW_PLAN_GRAPH).then((choice) => {
        if (choice === SHOW_PLAN_GRAPH) void vscode.commands.executeCommand(SHOW_PLAN_GRAPH_COMMAND);
      });
      return;
    }
    if (saved.remoteBaseline) {
      const baseline = saved.remoteBaseline;
      const remote = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading the state of ${baseline.backend} (workspace ${baseline.workspace})…` },
        () => remoteStateChangedSince(saved.rootDir, baseline, { ...this.stateReadOptions(saved.executable) }),
      );
      if (remote.stale) {
        // A plan the backend's state moved away from is never applied; one we could not check may be tried again.
        if (remote.change !== 'unreadable') this.forgetPlan(saved);
        this.log.error(`stale-plan: ${remote.message}`);
        void vscode.window.showErrorMessage(remote.message ?? 'The saved plan is stale.', SHOW_PLAN_GRAPH).then((choice) => {
          if (choice === SHOW_PLAN_GRAPH) void vscode.commands.executeCommand(SHOW_PLAN_GRAPH_COMMAND);
        });
        return;
      }
    }
    const lock = await this.inspectLock(saved.rootDir, saved.executable);
    if (lock && lock.status.state === 'locked') {
      this.refuseOnLock(saved.rootDir, saved.executable, lock.status, 'apply');
      return;
    }
    // The header still tells the last inspection's finding (a lock since released, say).
    if (lock) this.showLockInPanel(saved.rootDir, stateLockLine(lock.status, Date.now()));
    if (!(await this.confirmApply(saved, label, lock?.status))) return;
    const hold = rootModuleRuns.tryAcquire(saved.rootDir, 'apply');
    if (!hold.ok) {
      void vscode.window.showErrorMessage(hold.message);
      return;
    }
    try {
      await this.runApplyWithProgress(saved, label);
    } finally {
      hold.release();
    }
  }

  private planToApply(fromPanel: ShownPlan | undefined): SavedPlan | undefined {
    const shown = fromPanel ?? PlanGraphPanel.active?.plan;
    if (shown?.rootDir && shown.canApply) {
      const saved = this.savedPlans.get(shown.rootDir);
      if (saved && saved.graph === shown.graph) return saved;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const candidates = [...this.savedPlans.values()];
    const forActive = active && candidates.find((p) => active.fsPath.startsWith(p.rootDir + path.sep));
    const chosen = forActive ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!chosen) {
      void vscode.window.showInformationMessage(
        candidates.length === 0
          ? 'There is no reviewed plan to apply: run "Show Plan Graph" first, review it, then apply it.'
          : 'Several root modules have a reviewed plan: show the one to apply in the plan graph (Show Plan Graph), then apply it from there.',
      );
    }
    return chosen;
  }

  /** The modal: the summary line, replacements and destroys first; true only for its Apply button. */
  private async confirmApply(saved: SavedPlan, label: string, lock: StateLockStatus | undefined): Promise<boolean> {
    const nodes = saved.graph.nodes;
    const list = (title: string, addresses: string[]): string[] => {
      if (addresses.length === 0) return [];
      const shown = addresses.slice(0, MODAL_LIST_MAX).map((a) => `  ${a}`);
      if (addresses.length > MODAL_LIST_MAX) shown.push(`  … and ${addresses.length - MODAL_LIST_MAX} more`);
      return [`${title} (${addresses.length}):`, ...shown];
    };
    const replaced = nodes
      .filter((n) => n.display === 'replace-delete-first' || n.display === 'replace-create-first')
      .map((n) => `${n.address}${n.replacePaths.length ? ` — forced by ${n.replacePaths.join(', ')}` : ''}`);
    const destroyed = nodes.filter((n) => n.action === 'delete').map((n) => n.address);
    const others = nodes
      .filter((n) => !['replace-delete-first', 'replace-create-first', 'no-op'].includes(n.display) && n.action !== 'delete')
      .map((n) => `${n.address} (${n.display})`);
    const detail = [
      saved.graph.summary.line,
      '',
      ...list('Replaced — destroyed and created again', replaced),
      ...list('Destroyed', destroyed),
      ...list('Other changes', others),
      '',
      `The saved plan is applied as reviewed (${new Date(saved.createdAt).toLocaleTimeString()}), never a fresh one, by the program that made it: ${executableSentence(saved.executable)}.`,
      ...(saved.remoteBaseline
        ? [
            `It was made against state serial ${saved.remoteBaseline.serial} of ${saved.remoteBaseline.backend} (workspace ${saved.remoteBaseline.workspace}), which is still the backend's.`,
          ]
        : []),
      ...(lock ? [stateLockLine(lock, Date.now()).text] : []),
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(`Apply the reviewed plan of ${label}?`, { modal: true, detail }, APPLY);
    return choice === APPLY;
  }

  private async runApplyWithProgress(saved: SavedPlan, label: string): Promise<void> {
    const panel = PlanGraphPanel.active?.plan?.graph === saved.graph ? PlanGraphPanel.active : undefined;
    const planned = saved.graph.nodes.filter((n) => n.action !== 'no-op').map((n) => ({ address: n.address }));
    this.statusBar.showRunning(label, 'Applying');
    this.log.info(`Applying the reviewed plan of ${saved.rootDir}: ${saved.planFile} with ${executableSentence(saved.executable)}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Applying ${label}`, cancellable: true },
      (progress, token) => {
        const cancellation = new TerraformCancellation();
        token.onCancellationRequested(() => {
          cancellation.cancel();
          void vscode.window
            .showWarningMessage(
              `Stopping the apply of ${label}: Terraform finishes the resources under way, then stops. Terminating now can leave objects Terraform doesn't know about.`,
              TERMINATE,
            )
            .then((choice) => {
              if (choice === TERMINATE) cancellation.terminate();
            });
        });
        const states = new Map<string, ResourceApplyState>();
        return runApply({
          executable: saved.executable,
          moduleDir: saved.rootDir,
          planFile: saved.planFile,
          snapshot: saved.snapshot,
          remoteBaseline: saved.remoteBaseline,
          stateReadTimeoutMs: this.stateTimeoutMs(),
          planned,
          cancellation,
          onOutput: (line, stream) => (stream === 'stderr' ? this.log.warn(line) : this.log.info(line)),
          onResourceProgress: (update) => {
            states.set(update.resource.address, update.resource);
            progress.report({ message: update.message });
            panel?.applyProgress([...states.values()].map(nodeStatus), update.message);
          },
        });
      },
    );
    // Spent (applied), or no longer what was reviewed (failed / cancelled midway): never applied again.
    this.forgetPlan(saved);
    // Even a failed or stopped apply may have written the backend's state.
    if (saved.remoteBaseline && this.readDeployedStateAgain) {
      void this.readDeployedStateAgain().catch((error: unknown) =>
        this.log.warn(`Reading the deployed state again after the apply of ${saved.rootDir}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const nodes = result.resources.map(nodeStatus);
    if (result.ok) {
      panel?.applyProgress(nodes, result.summaryLine, 'applied');
      this.statusBar.showText(`$(check) ${result.summaryLine}`, `Applied the reviewed plan of ${label}`);
      void vscode.window.showInformationMessage(`${label}: ${result.summaryLine}`);
      return;
    }
    const outcome = result.failure.kind === 'cancelled' || result.failure.kind === 'timed-out' ? 'cancelled' : 'failed';
    panel?.applyProgress(nodes, result.failure.message, outcome);
    this.statusBar.showText(`$(error) Apply of ${label} ${outcome === 'cancelled' ? 'stopped' : 'failed'}`, result.failure.message);
    await this.reportFailure(result.failure, saved.rootDir, result.diagnostics);
  }

  private forgetPlan(saved: SavedPlan): void {
    if (this.savedPlans.get(saved.rootDir) === saved) this.savedPlans.delete(saved.rootDir);
    const panel = PlanGraphPanel.active;
    if (panel?.plan?.graph === saved.graph) panel.plan.canApply = false;
  }

  /** `immutableInfra.openPlanFile`: a plan JSON (`show -json` output) or a binary plan made elsewhere. */
  async openPlanFile(file?: vscode.Uri): Promise<void> {
    const picked =
      file ??
      (
        await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Show Plan Graph',
          title: 'Open a Terraform/OpenTofu plan: `show -json` output, or a binary plan file',
          filters: { 'Plan files': ['json', 'tfplan', 'plan', 'out'], 'All files': ['*'] },
        })
      )?.[0];
    if (!picked) return;
    const planPath = picked.fsPath;
    let head: Buffer;
    try {
      head = readFileSync(planPath).subarray(0, 64);
    } catch (error) {
      void vscode.window.showErrorMessage(`Can't read ${planPath}: ${(error as Error).message}`);
      return;
    }
    const folder = path.dirname(planPath);
    const rootDir = hasConfiguration(folder) ? folder : undefined;
    // A binary plan is a zip ("PK"); anything else is read as JSON and judged by the plan model.
    if (head[0] === 0x50 && head[1] === 0x4b) {
      await this.openBinaryPlan(planPath, rootDir);
      return;
    }
    let graph: PlanGraph;
    let planDocument: unknown;
    try {
      planDocument = parsePlanText(readFileSync(planPath, 'utf8'));
      graph = buildPlanGraph(planDocument);
    } catch (error) {
      const message = `${path.basename(planPath)} is not a plan this extension can read: ${(error as Error).message}`;
      PlanGraphPanel.active?.showError(message);
      void vscode.window.showErrorMessage(message);
      return;
    }
    this.learn(planDocument, planPath, modifiedAt(planPath), rootDir);
    this.present({ planId: planPath, graph, source: path.basename(planPath), rootDir });
  }

  private async openBinaryPlan(planPath: string, rootDirGuess: string | undefined): Promise<void> {
    // `show` loads the providers of the module the plan was made for: it runs code, like a plan.
    if (!this.trusted('show')) return;
    const rootDir = rootDirGuess ?? (await this.pickRootModule(`Which root module was ${path.basename(planPath)} made for? (show needs its providers)`));
    if (!rootDir) return;
    const executable = await this.executable(rootDir);
    if (!executable) return;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading ${path.basename(planPath)}`, cancellable: true },
      (_progress, token) => {
        const cancellation = new TerraformCancellation();
        token.onCancellationRequested(() => cancellation.terminate());
        return showPlanFile({ executable, planFile: planPath, moduleDir: rootDir, cancellation, onOutput: (line) => this.log.info(line) });
      },
    );
    if (!result.ok) {
      await this.reportFailure(result.failure, rootDir, result.diagnostics);
      return;
    }
    const graph = buildPlanGraph(result.planDocument);
    this.learn(result.planDocument, planPath, modifiedAt(planPath), rootDir);
    this.present({ planId: planPath, graph, source: path.basename(planPath), rootDir });
  }

  private async planAndShow(rootDir: string): Promise<void> {
    const executable = await this.executable(rootDir);
    if (!executable) return;
    const label = this.label(rootDir);
    const lock = await this.inspectLock(rootDir, executable);
    if (lock?.status.state === 'locked') {
      this.refuseOnLock(rootDir, executable, lock.status, 'plan');
      return;
    }
    const planFile = this.planFileFor(rootDir);
    const extraArgs = readSettings(vscode.Uri.file(rootDir)).plan.arguments;
    this.statusBar.showRunning(label);
    this.log.info(`Planning ${rootDir} with ${executableSentence(executable)}`);
    const started = Date.now();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Planning ${label}`, cancellable: true },
      (progress, token) => {
        const cancellation = new TerraformCancellation();
        token.onCancellationRequested(() => {
          cancellation.cancel();
          // The notification's button works once; a second, harder stop gets its own button.
          void vscode.window.showInformationMessage(`Stopping the plan of ${label} (Terraform finishes what it is doing)…`, TERMINATE).then((choice) => {
            if (choice === TERMINATE) cancellation.terminate();
          });
        });
        return runPlan({
          executable,
          moduleDir: rootDir,
          planFile,
          extraArgs,
          cancellation,
          onOutput: (line, stream) => (stream === 'stderr' ? this.log.warn(line) : this.log.trace(line)),
          onProgress: (p: PlanProgress) => {
            progress.report({ message: p.message });
            PlanGraphPanel.active?.progress(p.planned, p.message);
          },
        });
      },
    );
    this.log.info(`Plan of ${rootDir} ended after ${Date.now() - started} ms: ${result.ok ? 'ok' : result.failure.kind}`);
    this.publishDiagnostics(rootDir, result.diagnostics);
    if (!result.ok) {
      this.statusBar.hide();
      let failure = result.failure;
      // Locked between our inspection and the plan: who holds it, from the backend (not the error's Lock Info).
      if (failure.kind === 'state-locked') {
        const inspected = await this.inspectLock(rootDir, executable);
        failure = explainStateLocked(failure, inspected?.status, 'plan', Date.now());
      }
      await this.reportFailure(failure, rootDir, result.diagnostics);
      return;
    }
    let graph: PlanGraph;
    try {
      graph = buildPlanGraph(result.planDocument);
    } catch (error) {
      await this.reportFailure({ kind: 'failed', message: `The plan could not be read: ${(error as Error).message}`, exitCode: null, diagnostics: [] }, rootDir, []);
      return;
    }
    // What the reviewed plan was made from: an edit after this point makes it stale.
    const snapshot = await snapshotModule(rootDir, { planStartedAt: started }).catch((error: unknown) => {
      this.log.warn(`No staleness snapshot of ${rootDir}: ${(error as Error).message}`);
      return undefined;
    });
    // For a remote backend, the state the plan starts from: the backend's state must still be it at apply time.
    const remoteBaseline = await remoteBaselineOfPlan(rootDir, result.planFile).catch((error: unknown) => {
      this.log.warn(`No record of the remote state the plan of ${rootDir} was made against: ${(error as Error).message}`);
      return undefined;
    });
    this.savedPlans.set(rootDir, { rootDir, planFile: result.planFile, graph, createdAt: started, snapshot, executable, remoteBaseline });
    this.learn(result.planDocument, result.planFile, new Date(started), rootDir);
    this.present({ planId: rootDir, graph, source: label, rootDir, canApply: !graph.errored, ...(lock ? { lock: stateLockLine(lock.status, Date.now()) } : {}) });
  }

  /** Not awaited: remembering what a plan taught must not hold up showing it. */
  private learn(planDocument: unknown, planFile: string, madeAt: Date, rootDir: string | undefined): void {
    this.learned?.learnFrom(planDocument, planFile, madeAt, rootDir).catch((error: unknown) => {
      this.log.warn(`Could not remember the replace paths of ${path.basename(planFile)}: ${(error as Error).message}`);
    });
  }

  private present(plan: ShownPlan): void {
    const panel = PlanGraphPanel.createOrShow(this.context.extensionUri, this.log);
    panel.onApplyRequested = (shown) => void this.applyPlan(shown);
    panel.show(plan);
    this.statusBar.showSummary(plan.graph.summary, plan.source, plan.graph.errored);
  }

  /** False (after telling the user why) in Restricted Mode: terraform runs providers and modules from the workspace. */
  private trusted(what: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(
        `Immutable Infra does not run Terraform ${what} in Restricted Mode: it would run the providers and modules this workspace names. Trust the workspace to plan; opening a plan JSON file works without it.`,
        MANAGE_TRUST,
      )
      .then((choice) => {
        if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  /**
   * The program for `rootDir`: the setting's, else the one of terraform/tofu on PATH that the
   * module was initialised with (executableChoice.ts). The choice and its reason go to the log.
   */
  private async executable(rootDir: string): Promise<TerraformExecutable | undefined> {
    // Machine-scoped: VS Code ignores a value a workspace's settings might carry.
    const configured = readSettings().terraform.path;
    try {
      const executable = await describeTerraformExecutable(chooseTerraformExecutable(configured || undefined, { moduleDir: rootDir }));
      this.log.info(`Using ${executableSentence(executable)}`);
      return executable;
    } catch (error) {
      if (error instanceof TerraformExecutableNotFoundError) {
        await this.reportFailure(executableMissingFailure(error), undefined, []);
        return undefined;
      }
      void vscode.window.showErrorMessage(`Can't run ${configured || 'terraform'}: ${(error as Error).message}`, SHOW_LOG).then((c) => c && this.log.show());
      return undefined;
    }
  }

  /**
   * The root module to plan: that of the active `.tf` file (its own folder, or the modules calling
   * it — a quick pick when several do), else one of the workspace's root modules.
   */
  private async pickRootModule(title = 'Which root module should be planned?'): Promise<string | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    let roots: string[] = [];
    if (active?.uri.scheme === 'file' && isNativeSyntaxConfigurationFile(active.uri.fsPath)) {
      const folder = vscode.workspace.getWorkspaceFolder(active.uri)?.uri.fsPath;
      roots = (await findRootModules(active.uri.fsPath, folder ? { searchRoot: folder } : {})).roots;
    } else {
      const files = await vscode.workspace.findFiles(NATIVE_SYNTAX_CONFIGURATION_GLOB, '**/{.terraform,node_modules,.git}/**', 2000);
      const found = new Set<string>();
      const seenDirs = new Set<string>();
      for (const file of files) {
        const dir = path.dirname(file.fsPath);
        if (seenDirs.has(dir)) continue;
        seenDirs.add(dir);
        const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath;
        for (const root of (await findRootModules(file.fsPath, folder ? { searchRoot: folder } : {})).roots) found.add(root);
      }
      roots = [...found].sort();
    }
    if (roots.length === 0) {
      void vscode.window.showInformationMessage('Open a Terraform file (or a folder holding one) to plan its root module.');
      return undefined;
    }
    if (roots.length === 1) return roots[0];
    const choice = await vscode.window.showQuickPick(
      roots.map((root) => ({ label: this.label(root), description: root, root })),
      { title, placeHolder: 'Root modules that use this configuration' },
    );
    return choice?.root;
  }

  /** Where this extension saves a root module's plan: its own storage, not the user's folder (a plan can hold secrets). */
  private planFileFor(rootDir: string): string {
    const storage = (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
    const dir = path.join(storage, 'plans');
    mkdirSync(dir, { recursive: true });
    const id = createHash('sha256').update(rootDir).digest('hex').slice(0, 16);
    return path.join(dir, `${path.basename(rootDir).replace(/[^\w.-]/g, '_')}-${id}.tfplan`);
  }

  private label(rootDir: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(rootDir));
    if (!folder) return rootDir;
    const relative = path.relative(folder.uri.fsPath, rootDir);
    return relative ? `${folder.name}/${relative.split(path.sep).join('/')}` : folder.name;
  }

  /** Terraform's diagnostics with a source range go to the Problems panel; the previous run's are replaced. */
  private publishDiagnostics(rootDir: string, diagnostics: TerraformDiagnostic[]): void {
    for (const [uri] of this.diagnosticsByRoot.get(rootDir) ?? []) this.diagnostics.delete(uri);
    const uris: [vscode.Uri][] = [];
    for (const [file, entries] of problemsByFile(rootDir, diagnostics)) {
      const uri = vscode.Uri.file(file);
      this.diagnostics.set(
        uri,
        entries.map((entry) => {
          const { start, end } = entry.range;
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(start.line, start.character, end.line, end.character),
            entry.message,
            entry.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
          );
          diagnostic.source = 'terraform plan';
          return diagnostic;
        }),
      );
      uris.push([uri]);
    }
    this.diagnosticsByRoot.set(rootDir, uris);
  }

  private readonly diagnosticsByRoot = new Map<string, [vscode.Uri][]>();

  private async reportFailure(failure: TerraformFailure, rootDir: string | undefined, diagnostics: TerraformDiagnostic[]): Promise<void> {
    PlanGraphPanel.active?.showError(failure.message);
    this.log.error(`${failure.kind}: ${failure.message}`);
    switch (failure.kind) {
      case 'executable-missing': {
        const choice = await vscode.window.showErrorMessage(failure.message, OPEN_SETTINGS);
        if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', TERRAFORM_PATH_SETTING);
        return;
      }
      case 'other-tool-initialised': {
        const runInit = `Run ${toolCommand(failure.ran)} init`;
        const choice = await vscode.window.showErrorMessage(failure.message, OPEN_SETTINGS, ...(rootDir ? [runInit] : []));
        if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', TERRAFORM_PATH_SETTING);
        else if (choice === runInit && rootDir && (await this.runInit(rootDir))) await this.showPlanGraph();
        return;
      }
      case 'executable-changed': {
        const choice = await vscode.window.showErrorMessage(failure.message, SHOW_PLAN_GRAPH);
        if (choice === SHOW_PLAN_GRAPH) await vscode.commands.executeCommand(SHOW_PLAN_GRAPH_COMMAND);
        return;
      }
      case 'init-required': {
        if (!rootDir) {
          void vscode.window.showErrorMessage(failure.message);
          return;
        }
        const choice = await vscode.window.showErrorMessage(failure.message, RUN_INIT);
        if (choice === RUN_INIT && (await this.runInit(rootDir))) await this.showPlanGraph();
        return;
      }
      case 'configuration-error': {
        const located = diagnostics.some((d) => d.range && d.severity === 'error');
        const choice = await vscode.window.showErrorMessage(failure.message, ...(located ? [SHOW_PROBLEMS] : []), SHOW_LOG);
        if (choice === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
        else if (choice === SHOW_LOG) this.log.show();
        return;
      }
      case 'state-locked': {
        const inspected = failure.inspected;
        if (inspected) this.showLockInPanel(rootDir, stateLockLine(inspected, Date.now()));
        const canRelease = inspected?.state === 'locked' && rootDir !== undefined;
        const choice = await vscode.window.showErrorMessage(failure.message, ...(canRelease ? [FORCE_UNLOCK_CHOICE] : []), SHOW_LOG);
        if (choice === FORCE_UNLOCK_CHOICE && canRelease && inspected?.state === 'locked') {
          const executable = await this.executable(rootDir);
          if (executable) await this.forceUnlock(rootDir, executable, inspected);
        } else if (choice === SHOW_LOG) this.log.show();
        return;
      }
      case 'cancelled':
      case 'timed-out':
        void vscode.window.showInformationMessage(failure.message);
        return;
      default: {
        const choice = await vscode.window.showErrorMessage(failure.message, SHOW_LOG);
        if (choice === SHOW_LOG) this.log.show();
      }
    }
  }

  /** `immutableInfra.forceUnlockState`: the lock of the active file's root module, released only after a modal that shows it. */
  async forceUnlockState(): Promise<void> {
    if (!this.trusted('force-unlock')) return;
    const rootDir = await this.pickRootModule('Whose state lock should be released?');
    if (!rootDir) return;
    const executable = await this.executable(rootDir);
    if (!executable) return;
    const lock = await this.inspectLock(rootDir, executable);
    const label = this.label(rootDir);
    if (!lock) {
      void vscode.window.showInformationMessage(
        `${label} keeps its state in no remote backend (or \`init\` has not run for one): there is no shared state lock to release.`,
      );
      return;
    }
    switch (lock.status.state) {
      case 'unlocked':
        void vscode.window.showInformationMessage(`The state of ${lockWhere(lock.status)} is not locked: nothing to release. ${describeLock(lock.status, Date.now())}.`);
        return;
      case 'unknown':
        void vscode.window.showErrorMessage(
          `Whether the state of ${lockWhere(lock.status)} is locked could not be inspected, so nothing is released: ${lock.status.reason}`,
        );
        return;
      case 'locked':
        await this.forceUnlock(rootDir, executable, lock.status);
    }
  }

  /**
   * The modal (the lock's ID, holder and age, and what releasing it runs), then the release of
   * exactly that lock, and what the backend says after it.
   */
  private async forceUnlock(rootDir: string, executable: TerraformExecutable, status: Extract<StateLockStatus, { state: 'locked' }>): Promise<void> {
    const detail = forceUnlockDetail(status, executable.tool, Date.now());
    if (status.release.kind === 'none') {
      void vscode.window.showErrorMessage(`The state lock of ${lockWhere(status)} cannot be released from here.`, { modal: true, detail });
      return;
    }
    const choice = await vscode.window.showWarningMessage(`Release the state lock of ${lockWhere(status)} by force?`, { modal: true, detail }, FORCE_UNLOCK);
    if (choice !== FORCE_UNLOCK) return;
    this.log.info(`Force-unlocking the state of ${rootDir} (${lockWhere(status)}): ${describeLock(status, Date.now())}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Releasing the state lock of ${lockWhere(status)}…` }, () =>
      releaseStateLock(rootDir, status, lockInspectionOptions(this.stateReadOptions(executable))),
    );
    this.log.info(`Force unlock of ${rootDir}: ${result.released ? 'released' : 'not released'}: ${result.message}`);
    const after = await this.inspectLock(rootDir, executable);
    if (after) this.showLockInPanel(rootDir, stateLockLine(after.status, Date.now()));
    if (result.released) void vscode.window.showInformationMessage(result.message);
    else void vscode.window.showErrorMessage(`The state lock of ${lockWhere(status)} was not released: ${result.message}`);
  }

  /** A plan or apply not started because the state is locked: who holds it, with Force Unlock at hand. */
  private refuseOnLock(rootDir: string, executable: TerraformExecutable, status: StateLockStatus, what: 'plan' | 'apply'): void {
    const message = lockedBeforeRunMessage(status, what, Date.now()) ?? describeLock(status, Date.now());
    this.log.warn(`state-locked: ${message}`);
    this.showLockInPanel(rootDir, stateLockLine(status, Date.now()));
    void vscode.window.showErrorMessage(message, ...(status.state === 'locked' ? [FORCE_UNLOCK_CHOICE] : [])).then((choice) => {
      if (choice === FORCE_UNLOCK_CHOICE && status.state === 'locked') void this.forceUnlock(rootDir, executable, status);
    });
  }

  /** The state lock of a root module with a remote backend (undefined for any other), inspected under a progress notification. */
  private async inspectLock(rootDir: string, executable: TerraformExecutable): Promise<RootModuleLock | undefined> {
    const lock = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Checking the state lock of ${this.label(rootDir)}` }, () =>
      inspectRootModuleLock(rootDir, this.stateReadOptions(executable)),
    );
    if (lock) this.log.info(`State lock of ${rootDir}: ${describeLock(lock.status, Date.now())}`);
    return lock;
  }

  /** The header line of the plan shown for `rootDir`, if that is the panel's. */
  private showLockInPanel(rootDir: string | undefined, line: StateLockLine): void {
    const panel = PlanGraphPanel.active;
    if (rootDir && panel?.plan?.rootDir === rootDir) panel.showStateLock(line);
  }

  private stateReadOptions(executable: TerraformExecutable) {
    return {
      executable: { path: executable.path, tool: executable.tool, version: executable.version },
      runner: systemProcessRunner,
      timeoutMs: this.stateTimeoutMs(),
    };
  }

  /** `immutableInfra.state.timeoutSeconds`, for reads of a backend's state and inspections of its lock. */
  private stateTimeoutMs(): number {
    return readSettings().state.timeoutSeconds * 1000;
  }

  /** `init -input=false` in the root module, its output in the log; true when it succeeded. */
  private async runInit(rootDir: string): Promise<boolean> {
    const executable = await this.executable(rootDir);
    if (!executable) return false;
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Running ${executable.tool === 'opentofu' ? 'tofu' : 'terraform'} init in ${this.label(rootDir)}`,
        cancellable: true,
      },
      (_progress, token) => {
        const cancellation = new TerraformCancellation();
        token.onCancellationRequested(() => cancellation.cancel());
        return runTerraform({
          executable: executable.path,
          args: ['init', '-input=false', '-no-color'],
          cwd: rootDir,
          jsonStream: false,
          cancellation,
          onOutput: (line) => this.log.info(line),
        });
      },
    );
    if (result.exitCode === 0) return true;
    const choice = await vscode.window.showErrorMessage(`init failed in ${this.label(rootDir)} (exit ${result.exitCode ?? result.exitSignal}): see the log.`, SHOW_LOG);
    if (choice === SHOW_LOG) this.log.show();
    return false;
  }
}

/** The page's view of a resource's apply state. */
function nodeStatus(resource: ResourceApplyState): ApplyNodeStatus {
  const detail =
    resource.status === 'errored'
      ? (resource.diagnostic?.summary ?? (resource.outcomeUnknown ? 'stopped while applying: the outcome is unknown' : undefined))
      : resource.status === 'applying' && resource.step
        ? `${resource.step}${resource.elapsedSeconds ? ` (${resource.elapsedSeconds}s)` : ''}`
        : undefined;
  return { address: resource.address, status: resource.status, ...(detail ? { detail } : {}) };
}

/** `OpenTofu 1.12.6, /path/tofu — chosen because …`: the program and why it was the one. */
function executableSentence(executable: TerraformExecutable): string {
  return executable.reason ? `${executableLabel(executable)} — ${executable.reason}` : executableLabel(executable);
}

/** True when the folder holds Terraform configuration files. */
function hasConfiguration(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => isTerraformConfigurationFile(f) && statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile() === true);
  } catch {
    return false;
  }
}

/** When a plan file was written, the best answer to "when was this plan made" for a file made elsewhere. */
function modifiedAt(file: string): Date {
  try {
    return statSync(file).mtime;
  } catch {
    return new Date();
  }
}
