/**
 * Refresh Deployed State: has the language server read every remote backend's state again now,
 * under a progress notification; the baselines it then reports update the status bar. The reads
 * are the server's (`state pull`, read-only, never locking), bounded by
 * `immutableInfra.state.timeoutSeconds`; nothing runs in Restricted Mode.
 */
import * as vscode from 'vscode';
import type { ImmutableInfraClient } from '../immutableInfraClient';

const MANAGE_TRUST = 'Manage Workspace Trust';

export async function refreshDeployedState(client: ImmutableInfraClient): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      "Immutable Infra does not read deployed state in Restricted Mode: it would run terraform or tofu with this workspace's backend configuration. Trust the workspace to read it.",
      MANAGE_TRUST,
    );
    if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Reading the deployed state of the remote backends…', cancellable: false },
      () => client.refreshDeployedState(),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    client.log.error(`Refresh Deployed State: ${message}`);
    void vscode.window.showErrorMessage(`Could not read the deployed state again: ${message}`);
  }
}
