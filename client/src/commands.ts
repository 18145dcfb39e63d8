import * as vscode from 'vscode';
import type { ImmutableInfraClient } from './immutableInfraClient';

/**
 * Command ids (DESIGN.md "Extension" contract). Each one here is contributed in package.json and
 * registered below; the plan-graph, apply and rollout commands join when they do something.
 */
export const CommandIds = {
  restartServer: 'immutableInfra.restartServer',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Commands are factories over the owner object (as rust-analyzer's), so they share its state. */
type CommandFactory = (owner: ImmutableInfraClient) => (...args: unknown[]) => unknown;

const commandFactories: Record<CommandId, CommandFactory> = {
  [CommandIds.restartServer]: (owner) => () => owner.restartServer(),
};

export function registerCommands(owner: ImmutableInfraClient): vscode.Disposable[] {
  return (Object.keys(commandFactories) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, commandFactories[id](owner)),
  );
}
