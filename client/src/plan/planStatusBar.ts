/**
 * The status-bar item with the last plan's summary. Hidden until a plan has been shown; a click
 * brings the plan graph back. Replacements get their own count and the warning colour: they are
 * what this extension exists to point out (users ask Terraform for that count: terraform#38068).
 */
import * as vscode from 'vscode';
import type { PlanGraphSummary } from '../../../common/src/planGraph';

export class PlanStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('immutableInfra.lastPlan', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Immutable Infra: Last Plan';
    this.item.command = command;
  }

  /** `source`: the root module or plan file the summary belongs to. */
  showSummary(summary: PlanGraphSummary, source: string, errored: boolean): void {
    const replace = summary.replace > 0 ? ` · ${summary.replace} to replace` : '';
    this.item.text = `${errored ? '$(error)' : '$(type-hierarchy)'} ${summary.line}${replace}`;
    this.item.tooltip = new vscode.MarkdownString(undefined, true);
    this.item.tooltip.appendText(`Last plan of ${source}${errored ? ' (errored: partial)' : ''}\n\n${summary.line}\n\n`);
    this.item.tooltip.appendMarkdown('Click to show the plan graph.');
    this.item.backgroundColor = summary.replace > 0 || summary.destroy > 0 || errored ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  showRunning(source: string, what = 'Planning'): void {
    this.item.text = `$(sync~spin) ${what} ${source}…`;
    this.item.tooltip = undefined;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** A one-off line (an apply's outcome), with its tooltip. */
  showText(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
