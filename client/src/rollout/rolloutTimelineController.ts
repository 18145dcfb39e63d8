/**
 * "Show Rollout Timeline": the extension-host side of the timeline. It finds the workload (the
 * code lens's arguments, else the cursor in the active YAML editor, else a quick pick), reads the
 * document's current text (unsaved edits included), simulates the rollout with the pure simulator
 * (core/src/rollout) and hands the timeline to the panel. A workload given whole (the
 * plan graph's Deployment change) is simulated as given. It runs no program, so it
 * works in Restricted Mode too.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RolloutTimeline, RolloutWorkload } from '../../../common/src/rollout';
import { isShowRolloutTimelineArguments, type ShowRolloutFromManifestArguments, type ShowRolloutOfWorkloadArguments } from '../../../common/src/rolloutMessages';
import { simulateRollout } from '../../../core/src/rollout/simulateRollout';
import { ManifestError, workloadsFromManifest } from '../../../core/src/rollout/workloadFromManifest';
import { RolloutTimelinePanel } from './rolloutTimelinePanel';
import { readSettings } from '../settings';
import { pickWorkload, type WorkloadTarget } from './workloadAtCursor';

const GO_TO_LINE = 'Go to Line';

export class RolloutTimelineController implements vscode.Disposable {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    RolloutTimelinePanel.active?.dispose();
  }

  /** `immutableInfra.showRolloutTimeline` [args: ShowRolloutTimelineArguments from the code lens or the plan graph, or a Uri from a menu]. */
  async showRolloutTimeline(arg?: unknown): Promise<void> {
    if (isShowRolloutTimelineArguments(arg) && 'workload' in arg) {
      this.showWorkload(arg);
      return;
    }
    const where = this.target(arg);
    if (!where) {
      void vscode.window.showInformationMessage(
        'Show Rollout Timeline: open a Kubernetes manifest (YAML) with a Deployment, StatefulSet or DaemonSet and put the cursor in it.',
      );
      return;
    }
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(where.uri);
    } catch (error) {
      void vscode.window.showErrorMessage(`Show Rollout Timeline: cannot open ${where.uri.fsPath}: ${(error as Error).message}`);
      return;
    }
    const text = document.getText();
    const name = path.basename(document.uri.fsPath);
    let workloads: RolloutWorkload[];
    try {
      workloads = workloadsFromManifest(text);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      const answer = await vscode.window.showErrorMessage(`No rollout to simulate in ${name}: ${error.message}`, ...(error.line !== undefined ? [GO_TO_LINE] : []));
      if (answer === GO_TO_LINE && error.line !== undefined) await this.reveal(document, error.line);
      return;
    }
    if (workloads.length === 0) {
      void vscode.window.showInformationMessage(`${name} has no Deployment, StatefulSet or DaemonSet: there is no rollout to simulate.`);
      return;
    }
    const pick = pickWorkload(text, workloads, where.target);
    const workload = pick.workload ?? (await this.quickPick(pick.candidates, name));
    if (!workload) return;

    const settings = readSettings(document.uri).rollout;
    let timeline;
    try {
      timeline = simulateRollout(workload, settings);
    } catch (error) {
      // The simulator rejects what the API server would (e.g. maxSurge and maxUnavailable both 0).
      void vscode.window.showErrorMessage(`The rollout of ${workload.kind} ${workload.name} cannot be simulated: ${(error as Error).message}`);
      return;
    }
    const timelineId = createHash('sha256')
      .update(
        JSON.stringify([
          document.uri.toString(),
          workload.kind,
          workload.namespace ?? '',
          workload.name,
          workload.source?.documentIndex,
          workload.source?.itemIndex,
          settings,
          text,
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    this.log.info(`Rollout timeline: ${workload.kind} ${workload.name} in ${name} (${timeline.lanes.length} pod lanes, ${timeline.syncs.length} syncs).`);
    RolloutTimelinePanel.createOrShow(this.context.extensionUri, this.log).show({ timelineId, timeline, source: name });
  }

  /** A workload given whole: simulated as given (its old replica count too), its notes before the simulator's. */
  private showWorkload(args: ShowRolloutOfWorkloadArguments): void {
    const settings = readSettings().rollout;
    const { workload } = args;
    let timeline: RolloutTimeline;
    try {
      timeline = simulateRollout(workload, { ...settings, ...(args.initialReplicas !== undefined ? { initialReplicas: args.initialReplicas } : {}) });
    } catch (error) {
      void vscode.window.showErrorMessage(`The rollout of ${args.title} cannot be simulated: ${(error as Error).message}`);
      return;
    }
    timeline.notes = [...(args.notes ?? []), ...timeline.notes];
    const timelineId = createHash('sha256')
      .update(JSON.stringify([args.source ?? '', args.title, workload, args.initialReplicas, settings]))
      .digest('hex')
      .slice(0, 32);
    this.log.info(`Rollout timeline: ${args.title} (${timeline.lanes.length} pod lanes, ${timeline.syncs.length} syncs).`);
    RolloutTimelinePanel.createOrShow(this.context.extensionUri, this.log).show({ timelineId, timeline, source: args.source ?? args.title, title: args.title });
  }

  /** The document and what to look for in it: the lens's identity, else the cursor's line. */
  private target(arg: unknown): { uri: vscode.Uri; target: WorkloadTarget } | undefined {
    if (isShowRolloutTimelineArguments(arg) && !('workload' in arg)) {
      const args: ShowRolloutFromManifestArguments = arg;
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(args.uri, true);
      } catch {
        return undefined;
      }
      return { uri, target: { line: args.line, kind: args.kind, name: args.name, namespace: args.namespace } };
    }
    const editor = vscode.window.activeTextEditor;
    if (arg instanceof vscode.Uri) {
      // From a menu: the cursor counts only when that file is the one in the editor.
      const line = editor && editor.document.uri.toString() === arg.toString() ? editor.selection.active.line : undefined;
      return { uri: arg, target: { line } };
    }
    if (!editor) return undefined;
    return { uri: editor.document.uri, target: { line: editor.selection.active.line } };
  }

  private async quickPick(candidates: RolloutWorkload[], file: string): Promise<RolloutWorkload | undefined> {
    const items = candidates.map((workload) => ({
      label: `${workload.kind} ${workload.namespace ? `${workload.namespace}/` : ''}${workload.name}`,
      description: workload.source ? `line ${workload.source.line + 1}` : undefined,
      workload,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      title: `Show Rollout Timeline: which workload of ${file}?`,
      placeHolder: 'The cursor is not inside one workload',
    });
    return chosen?.workload;
  }

  private async reveal(document: vscode.TextDocument, line: number): Promise<void> {
    const position = new vscode.Position(Math.min(line, Math.max(0, document.lineCount - 1)), 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  }
}
