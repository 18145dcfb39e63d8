import { CloseAction, ErrorAction, Message, type CloseHandlerResult, type ErrorHandler, type ErrorHandlerResult } from 'vscode-languageclient/node';
import { RestartBudget } from './restartBudget';

/** Restarts allowed within RESTART_WINDOW_MS before the server is left stopped. */
export const MAX_AUTOMATIC_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;
const WINDOW_MINUTES = RESTART_WINDOW_MS / 60_000;
/** Consecutive transport errors tolerated before the connection is shut down (as vscode-languageclient's default). */
const TOLERATED_CONNECTION_ERRORS = 3;

/**
 * The crash policy (as rust-analyzer and vscode-eslint do it): a server that exits is restarted,
 * up to MAX_AUTOMATIC_RESTARTS times within RESTART_WINDOW_MS; after that it stays stopped and
 * `onGiveUp` tells the user once, with the log and a manual restart at hand. Every result is
 * `handled`: vscode-languageclient logs its message and shows nothing itself.
 * One policy per LanguageClient: a manual restart makes a new client, with a fresh budget.
 */
export class ServerCrashPolicy implements ErrorHandler {
  private readonly budget = new RestartBudget(MAX_AUTOMATIC_RESTARTS, RESTART_WINDOW_MS);
  private gaveUp = false;

  constructor(
    private readonly onGiveUp: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * For a server that cannot work (it refused to initialize) or that is being replaced: when its
   * process goes away, it is not restarted and nothing is shown. The caller tells the user.
   */
  stopRestarting(): void {
    this.gaveUp = true;
  }

  error(error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    const during = message ? ` (${describeMessage(message)})` : '';
    const detail = `Connection to the language server failed${during}: ${error.message}`;
    if (count !== undefined && count <= TOLERATED_CONNECTION_ERRORS) {
      return { action: ErrorAction.Continue, message: detail, handled: true };
    }
    const text = 'The Immutable Infra language server stopped answering and was shut down.';
    this.giveUp(text);
    return { action: ErrorAction.Shutdown, message: `${detail}\n${text}`, handled: true };
  }

  closed(): CloseHandlerResult {
    if (this.gaveUp) {
      return { action: CloseAction.DoNotRestart, message: 'The language server stopped.', handled: true };
    }
    if (this.budget.tryRestart(this.now())) {
      return {
        action: CloseAction.Restart,
        message:
          `The language server stopped unexpectedly; restarting it ` +
          `(restart ${this.budget.used} of ${MAX_AUTOMATIC_RESTARTS} allowed within ${WINDOW_MINUTES} minutes).`,
        handled: true,
      };
    }
    const text = `The Immutable Infra language server crashed ${MAX_AUTOMATIC_RESTARTS + 1} times within ${WINDOW_MINUTES} minutes ` + `and will not be restarted.`;
    this.giveUp(text);
    return { action: CloseAction.DoNotRestart, message: text, handled: true };
  }

  private giveUp(text: string): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    this.onGiveUp(text);
  }
}

function describeMessage(message: Message): string {
  if (Message.isRequest(message) || Message.isNotification(message)) return message.method;
  if (Message.isResponse(message)) return `response to request ${String(message.id)}`;
  return 'unknown message';
}
