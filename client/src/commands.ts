import * as vscode from 'vscode';
import { refreshDeployedState } from './baseline/deployedStateRefresh';
import type { ImmutableInfraClient } from './immutableInfraClient';
import type { PlanGraphController } from './plan/planGraphController';
import type { RolloutTimelineController } from './rollout/rolloutTimelineController';

/**
 * Command ids, a contract other extensions and tests rely on (docs/editor.md): all seven, each
 * contributed in package.json and registered below.
 */
export const CommandIds = {
  restartServer: 'immutableInfra.restartServer',
  showPlanGraph: 'immutableInfra.showPlanGraph',
  openPlanFile: 'immutableInfra.openPlanFile',
  showRolloutTimeline: 'immutableInfra.showRolloutTimeline',
  applyPlan: 'immutableInfra.applyPlan',
  refreshDeployedState: 'immutableInfra.refreshDeployedState',
  forceUnlockState: 'immutableInfra.forceUnlockState',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** What the commands act on: the owner of the language client, the plan graph's and the rollout timeline's controllers. */
export interface CommandContext {
  client: ImmutableInfraClient;
  plans: PlanGraphController;
  rollouts: RolloutTimelineController;
}

/** Commands are factories over the extension's objects (as rust-analyzer's), so they share their state. */
type CommandFactory = (context: CommandContext) => (...args: unknown[]) => unknown;

const commandFactories: Record<CommandId, CommandFactory> = {
  [CommandIds.restartServer]:
    ({ client }) =>
    () =>
      client.restartServer(),
  [CommandIds.showPlanGraph]:
    ({ plans }) =>
    () =>
      plans.showPlanGraph(),
  [CommandIds.applyPlan]:
    ({ plans }) =>
    () =>
      plans.applyPlan(),
  // From the explorer's context menu the clicked file comes as the argument.
  [CommandIds.openPlanFile]:
    ({ plans }) =>
    (file?: unknown) =>
      plans.openPlanFile(file instanceof vscode.Uri ? file : undefined),
  // From the code lens: the document and the workload (JSON); from the palette: nothing (the cursor decides).
  [CommandIds.showRolloutTimeline]:
    ({ rollouts }) =>
    (target?: unknown) =>
      rollouts.showRolloutTimeline(target),
  // From the palette and the baseline's status-bar item.
  [CommandIds.refreshDeployedState]:
    ({ client }) =>
    () =>
      refreshDeployedState(client),
  // The active editor's root module; a modal shows the lock before anything is released.
  [CommandIds.forceUnlockState]:
    ({ plans }) =>
    () =>
      plans.forceUnlockState(),
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return (Object.keys(commandFactories) as CommandId[]).map((id) => vscode.commands.registerCommand(id, commandFactories[id](context)));
}
