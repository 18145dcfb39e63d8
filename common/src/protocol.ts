/**
 * Custom messages between the extension host and the language server, declared once here and
 * imported by both sides.
 */

/** Client → server: the user granted workspace trust; git may now be run for baselines. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'immutableInfra/workspaceTrusted';

/** What the client passes in `initializationOptions`. */
export interface InitializationOptions {
  workspaceTrusted: boolean;
  settings?: unknown;
}
