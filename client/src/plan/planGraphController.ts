/**
 * "Show Plan Graph" and "Open Plan File": the extension-host side of the plan graph. It picks the
 * root module, runs the plan through the runner (client/src/terraform, no vscode there) under a
 * progress notification with cancel, turns each kind of failure into something the user can act
 * on (a setting, `init`, who holds the lock, the Problems panel), and hands the plan to the panel
 * and the status bar. It also remembers each root module's last saved plan, which is what an
 * apply may use: never a fresh plan.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanGraph } from '../../../common/src/planGraph';
import { parsePlanGraph } from '../../../server/src/plan/planGraph';
import { runPlan, showPlanFile, type PlanProgress } from '../terraform/planRunner';
import { findRootModules } from '../terraform/rootModules';
import { diagnosticRange, executableMissingFailure, type TerraformFailure } from '../terraform/terraformErrors';
import type { TerraformDiagnostic } from '../terraform/terraformEvents';
import { findTerraformExecutable, TerraformExecutableNotFoundError, TERRAFORM_PATH_SETTING, type TerraformExecutable } from '../terraform/terraformExecutable';
import { runTerraform, TerraformCancellation } from '../terraform/terraformProcess';
import { PlanGraphPanel, PLAN_GRAPH_VIEW_TYPE, type ShownPlan } from './planGraphPanel';
import { PlanStatusBar } from './planStatusBar';

export const SHOW_PLAN_GRAPH_COMMAND = 'immutableInfra.showPlanGraph';
const PLAN_ARGUMENTS_SETTING = 'plan.arguments';

/** A plan saved by this extension for a root module (what "apply the reviewed plan" will use). */
export interface SavedPlan {
  rootDir: string;
  planFile: string;
  graph: PlanGraph;
  /** When the plan was made: the module's files changed after it make it stale. */
  createdAt: number;
}

const OPEN_SETTINGS = 'Open Settings';
const RUN_INIT = 'Run init';
const SHOW_LOG = 'Show Log';
const SHOW_PROBLEMS = 'Show Problems';
const MANAGE_TRUST = 'Manage Workspace Trust';
const TERMINATE = 'Terminate';

export class PlanGraphController implements vscode.Disposable {
  private readonly statusBar = new PlanStatusBar(SHOW_PLAN_GRAPH_COMMAND);
  /** Terraform's own diagnostics of the last plan run per root module (errors and warnings). */
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('immutableInfra.plan');
  private readonly disposables: vscode.Disposable[] = [];
  /** One plan per root module at a time. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly savedPlans = new Map<string, SavedPlan>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
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
    const inFlight = this.running.get(rootDir);
    if (inFlight) {
      void vscode.window.showInformationMessage(`A plan of ${this.label(rootDir)} is already running.`);
      return;
    }
    const run = this.planAndShow(rootDir).finally(() => this.running.delete(rootDir));
    this.running.set(rootDir, run);
    await run;
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
    try {
      graph = parsePlanGraph(readFileSync(planPath, 'utf8'));
    } catch (error) {
      const message = `${path.basename(planPath)} is not a plan this extension can read: ${(error as Error).message}`;
      PlanGraphPanel.active?.showError(message);
      void vscode.window.showErrorMessage(message);
      return;
    }
    this.present({ planId: planPath, graph, source: path.basename(planPath), rootDir });
  }

  private async openBinaryPlan(planPath: string, rootDirGuess: string | undefined): Promise<void> {
    // `show` loads the providers of the module the plan was made for: it runs code, like a plan.
    if (!this.trusted('show')) return;
    const rootDir = rootDirGuess ?? (await this.pickRootModule(`Which root module was ${path.basename(planPath)} made for? (show needs its providers)`));
    if (!rootDir) return;
    const executable = await this.executable();
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
    this.present({ planId: planPath, graph: parsePlanGraph(result.planJson), source: path.basename(planPath), rootDir });
  }

  private async planAndShow(rootDir: string): Promise<void> {
    const executable = await this.executable();
    if (!executable) return;
    const label = this.label(rootDir);
    const planFile = this.planFileFor(rootDir);
    const extraArgs = vscode.workspace.getConfiguration('immutableInfra', vscode.Uri.file(rootDir)).get<string[]>(PLAN_ARGUMENTS_SETTING, []);
    this.statusBar.showRunning(label);
    this.log.info(`Planning ${rootDir} with ${executable.path} (${executable.tool} ${executable.version})`);
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
      await this.reportFailure(result.failure, rootDir, result.diagnostics);
      return;
    }
    let graph: PlanGraph;
    try {
      graph = parsePlanGraph(result.planJson);
    } catch (error) {
      await this.reportFailure({ kind: 'failed', message: `The plan could not be read: ${(error as Error).message}`, exitCode: null, diagnostics: [] }, rootDir, []);
      return;
    }
    this.savedPlans.set(rootDir, { rootDir, planFile: result.planFile, graph, createdAt: started });
    this.present({ planId: rootDir, graph, source: label, rootDir });
  }

  private present(plan: ShownPlan): void {
    const panel = PlanGraphPanel.createOrShow(this.context.extensionUri, this.log);
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

  private async executable(): Promise<TerraformExecutable | undefined> {
    // Machine-scoped: VS Code ignores a value a workspace's settings might carry.
    const configured = vscode.workspace.getConfiguration('immutableInfra').get<string>('terraform.path', '');
    try {
      return await findTerraformExecutable(configured || undefined);
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
    if (active?.uri.scheme === 'file' && /\.(tf|tofu)$/.test(active.uri.fsPath)) {
      const folder = vscode.workspace.getWorkspaceFolder(active.uri)?.uri.fsPath;
      roots = (await findRootModules(active.uri.fsPath, folder ? { searchRoot: folder } : {})).roots;
    } else {
      const files = await vscode.workspace.findFiles('**/*.{tf,tofu}', '**/{.terraform,node_modules,.git}/**', 2000);
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
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      if (!d.range) continue;
      const file = path.resolve(rootDir, d.range.filename);
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      const r = diagnosticRange(d, text);
      if (!r) continue;
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const message = d.detail ? `${d.summary}\n\n${d.detail}` : d.summary;
      const diagnostic = new vscode.Diagnostic(range, message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'terraform plan';
      byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
    }
    const uris: [vscode.Uri][] = [];
    for (const [file, list] of byFile) {
      const uri = vscode.Uri.file(file);
      this.diagnostics.set(uri, list);
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

  /** `init -input=false` in the root module, its output in the log; true when it succeeded. */
  private async runInit(rootDir: string): Promise<boolean> {
    const executable = await this.executable();
    if (!executable) return false;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Running ${executable.tool === 'opentofu' ? 'tofu' : 'terraform'} init in ${this.label(rootDir)}`, cancellable: true },
      (_progress, token) => {
        const cancellation = new TerraformCancellation();
        token.onCancellationRequested(() => cancellation.cancel());
        return runTerraform({ executable: executable.path, args: ['init', '-input=false', '-no-color'], cwd: rootDir, jsonStream: false, cancellation, onOutput: (line) => this.log.info(line) });
      },
    );
    if (result.exitCode === 0) return true;
    const choice = await vscode.window.showErrorMessage(`init failed in ${this.label(rootDir)} (exit ${result.exitCode ?? result.exitSignal}): see the log.`, SHOW_LOG);
    if (choice === SHOW_LOG) this.log.show();
    return false;
  }
}

/** True when the folder holds Terraform configuration files. */
function hasConfiguration(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => /\.(tf|tofu)(\.json)?$/.test(f) && existsSync(path.join(dir, f)) && statSync(path.join(dir, f)).isFile());
  } catch {
    return false;
  }
}
