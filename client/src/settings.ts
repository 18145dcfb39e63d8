/**
 * The one place the extension host reads its `immutableInfra.*` settings: the whole section, for a
 * scope, through the shared normaliser, so every caller gets the same typed values and the same
 * fallbacks as the language server. The names, defaults and bounds are in common/src/settings.ts.
 */
import * as vscode from 'vscode';
import { SETTINGS_SECTION, normalizeSettings, type ImmutableInfraSettings } from '../../common/src/settings';

/**
 * The settings that apply at `scope` (a resource's folder settings over the workspace's over the
 * user's); without one, the window's. VS Code drops the workspace's and folders' values of a
 * machine-scoped setting (the executable paths) whatever the scope, and in Restricted Mode those
 * of the restricted settings, before they reach here.
 */
export function readSettings(scope?: vscode.Uri): ImmutableInfraSettings {
  return normalizeSettings(vscode.workspace.getConfiguration(undefined, scope).get<unknown>(SETTINGS_SECTION));
}
