/**
 * The status-bar item that says what the active editor's edits are compared with: the baseline of
 * its root module, as the language server last reported it (BaselineStatusNotification). A
 * backend's state shows its age, kept current while the item is shown; a click reads the state
 * again (Refresh Deployed State). Hidden for files outside every root module the server reported.
 */
import * as vscode from 'vscode';
import type { BaselineStatusParams } from '../../../common/src/protocol';
import { baselineStatusText, statusForFile } from './baselineStatusText';

/** How often the age ("40 s ago") is redrawn while a backend's state is shown. */
const AGE_REDRAW_MS = 1000;

export class BaselineStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly statuses = new Map<string, BaselineStatusParams>();
  private readonly disposables: vscode.Disposable[] = [];
  private ageTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly refreshCommand: string) {
    this.item = vscode.window.createStatusBarItem('immutableInfra.baseline', vscode.StatusBarAlignment.Left, 11);
    this.item.name = 'Immutable Infra: Deployed Baseline';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
  }

  /** A root module's baseline changed (or was first reported). */
  update(status: BaselineStatusParams): void {
    this.statuses.set(status.rootDir, status);
    this.render();
  }

  /** The status of the active editor's root module, if the server reported one. */
  activeStatus(): BaselineStatusParams | undefined {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.uri.scheme !== 'file') return undefined;
    return statusForFile(document.uri.fsPath, this.statuses.values());
  }

  dispose(): void {
    this.stopAgeTimer();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private render(): void {
    const status = this.activeStatus();
    if (!status) {
      this.stopAgeTimer();
      this.item.hide();
      return;
    }
    const shown = baselineStatusText(status, Date.now());
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
    this.item.backgroundColor = shown.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = shown.refreshable ? this.refreshCommand : undefined;
    this.item.show();
    if (status.kind === 'state' && status.readAt !== undefined && status.unavailable === undefined) this.startAgeTimer();
    else this.stopAgeTimer();
  }

  private startAgeTimer(): void {
    this.ageTimer ??= setInterval(() => this.render(), AGE_REDRAW_MS);
  }

  private stopAgeTimer(): void {
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = undefined;
  }
}
