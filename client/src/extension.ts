// Entry point of the extension host bundle (dist/extension.js): wiring only.
import type * as vscode from 'vscode';
import { BaselineStatusBar } from './baseline/baselineStatusBar';
import { CommandIds, registerCommands } from './commands';
import { ImmutableInfraClient } from './immutableInfraClient';
import { LearnedReplacementStore } from './plan/learnedReplacementStore';
import { PlanGraphController } from './plan/planGraphController';
import { RolloutTimelineController } from './rollout/rolloutTimelineController';

let owner: ImmutableInfraClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  owner = new ImmutableInfraClient(context);
  const client = owner;
  // Per workspace, in the extension's storage: what real plans showed replaces.
  const learned = new LearnedReplacementStore(context.workspaceState, owner.log, () => client.sendLearnedReplacements());
  owner.useLearnedReplacements(() => learned.all());
  const plans = new PlanGraphController(context, owner.log, learned, () => client.refreshDeployedState());
  const rollouts = new RolloutTimelineController(context, owner.log);
  const baseline = new BaselineStatusBar(CommandIds.refreshDeployedState);
  owner.onBaselineStatus((status) => baseline.update(status));
  context.subscriptions.push(baseline);
  context.subscriptions.push(plans, rollouts, ...registerCommands({ client: owner, plans, rollouts }));
  // Not awaited: a server that hangs in `initialize` must not hold activation (and with it the
  // restart command) hostage. Start failures are reported by the owner, never thrown.
  void owner.startServer();
}

export async function deactivate(): Promise<void> {
  await owner?.dispose();
  owner = undefined;
}
