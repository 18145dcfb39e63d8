/**
 * Reads a remote backend's state with the user's own terraform or tofu: `state pull`, which
 * prints the workspace's latest state snapshot as JSON and neither takes the state lock nor
 * writes anything. Its credentials, endpoints and workspace are the ones the user's own runs
 * use, because it is the user's own program, run in the root module with the user's environment.
 * A read that fails says why in the backend's own words, sorted into what the user can act on:
 * not initialised, unreachable, credentials refused, too slow, a state format we cannot read.
 */
import { BaselineError } from '../../io/baselineError';
import { ProcessSpawnError, type ProcessRunner } from '../../exec/processRunner';
import type { InitialisedBackend } from '../backend/initialisedBackend';
import { toolCommand, type TerraformTool } from '../tool/terraformExecutable';
import { parseStateBaseline, type StateBaseline } from './stateBaseline';

export interface BackendStateReadOptions {
  /** The terraform/tofu to read with (the one that plans this module), and which tool it is when known. */
  executable: { path: string; tool?: TerraformTool; version?: string };
  runner: ProcessRunner;
  /** The user's environment (credentials, TF_WORKSPACE, TF_DATA_DIR …); default: this process's. */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For tests: the clock. */
  now?: () => number;
}

/** Why a read failed, for what the user can do about it. */
export type BackendStateProblem = 'not-initialised' | 'untrusted' | 'unreachable' | 'credentials' | 'timeout' | 'unsupported-version' | 'tool-missing' | 'failed';

/** A remote state that could not be read: the message quotes the backend (or the tool) and says what to do. */
export class BackendStateError extends BaselineError {
  constructor(
    message: string,
    readonly problem: BackendStateProblem,
    /** The tool's or backend's own words, as printed (without colours and frames). */
    readonly words: string,
  ) {
    super(message);
    this.name = 'BackendStateError';
  }
}

/** Where a state baseline was read from, when it is a backend's rather than a file of the module's. */
export interface BackendStateOrigin {
  backend: string;
  workspace: string;
  /** When the read finished (ms since the epoch). */
  readAt: number;
  /** `terraform 1.11.4`, `tofu`: who read it. */
  readWith: string;
}

export interface BackendStateSnapshot {
  /** The parsed state; undefined when the backend holds no state for the workspace yet. */
  state: (StateBaseline & { origin: BackendStateOrigin }) | undefined;
  readAt: number;
  /** The raw text's length and serial/lineage: what tells one snapshot from the next. */
  serial?: number;
  lineage?: string;
}

/** A state pull prints a whole state; a generous bound keeps a runaway output from filling memory. */
const MAX_STATE_BYTES = 512 * 1024 * 1024;

/** The backend's state for the module in `rootDir`, on its selected workspace. Throws BackendStateError. */
export async function pullBackendState(rootDir: string, backend: InitialisedBackend, options: BackendStateReadOptions): Promise<BackendStateSnapshot> {
  const now = options.now ?? Date.now;
  const command = options.executable.tool ? toolCommand(options.executable.tool) : 'terraform';
  const readWith = options.executable.version ? `${command} ${options.executable.version}` : command;
  const where = `the ${backend.type} backend (workspace ${backend.workspace})`;
  // No prompt can be answered, and no version check may call home.
  const env = { ...(options.env ?? process.env), TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  let result;
  try {
    result = await options.runner.run({
      executable: options.executable.path,
      args: ['state', 'pull'],
      cwd: rootDir,
      env,
      timeoutMs: options.timeoutMs,
      // A read has nothing to save: stop it at once at the deadline.
      atTimeout: 'terminate',
      maxOutputBytes: MAX_STATE_BYTES,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof ProcessSpawnError) {
      throw new BackendStateError(`Could not read the state of ${where}: ${error.message}.`, 'tool-missing', error.reason);
    }
    throw error;
  }
  const readAt = now();
  if (result.timedOut) {
    const seconds = Math.round(options.timeoutMs / 100) / 10;
    const words = tidyOutput(result.stderr);
    throw new BackendStateError(
      `Could not read the state of ${where}: \`${command} state pull\` took longer than ${seconds} s and was stopped${words ? ` (it said: ${words})` : ''}. Is the backend reachable?`,
      'timeout',
      words,
    );
  }
  if (result.exitCode !== 0) {
    const words = tidyOutput(result.stderr) || tidyOutput(result.stdout) || `exit code ${result.exitCode ?? result.exitSignal}`;
    const problem = classifyPullFailure(words);
    throw new BackendStateError(`Could not read the state of ${where}: ${command} says: ${sentence(words)}${advice(problem, command)}`, problem, words);
  }
  const text = stateText(result.stdout);
  if (text === '') return { state: undefined, readAt };
  let state: StateBaseline;
  try {
    state = parseStateBaseline(text, `the state of ${where}`);
  } catch (error) {
    const message = (error as Error).message;
    throw new BackendStateError(message, /version/.test(message) ? 'unsupported-version' : 'failed', message);
  }
  const display = `${backend.type} (workspace ${backend.workspace})`;
  return {
    state: { ...state, file: display, origin: { backend: backend.type, workspace: backend.workspace, readAt, readWith } },
    readAt,
    serial: state.serial,
    lineage: state.lineage,
  };
}

/**
 * The state in `state pull`'s output. Both tools print warnings about their own configuration
 * (a CLI configuration file that does not exist, say) on stdout before the state: the state is
 * the JSON object from the first line that opens one.
 */
export function stateText(stdout: string): string {
  const start = /^\{/m.exec(stdout);
  return start ? stdout.slice(start.index).trim() : stdout.trim();
}

/** What kind of failure the tool's words describe. Both tools print the backends' errors as the backends give them. */
export function classifyPullFailure(words: string): BackendStateProblem {
  if (/initiali[sz]ation required|Backend configuration changed|run "(?:terraform|tofu) init"|`(?:terraform|tofu) init`/i.test(words)) return 'not-initialised';
  if (
    /password authentication failed|role "[^"]*" does not exist|InvalidAccessKeyId|InvalidClientTokenId|SignatureDoesNotMatch|AccessDenied|ExpiredToken|UnrecognizedClientException|no valid credential|NoCredentialProviders|\b401\b|\b403\b|Unauthori[sz]ed|Forbidden|requires auth|permission denied for/i.test(
      words,
    )
  ) {
    return 'credentials';
  }
  if (
    /connection refused|no such host|dial tcp|could not connect|network is unreachable|i\/o timeout|connection reset|no route to host|server closed the connection|context deadline exceeded/i.test(
      words,
    )
  ) {
    return 'unreachable';
  }
  if (/state snapshot was created by|unsupported state (?:file )?(?:format|version)|newer version of (?:Terraform|OpenTofu)/i.test(words)) return 'unsupported-version';
  return 'failed';
}

/** The words as a sentence: ending in a full stop unless they end in punctuation already. */
function sentence(words: string): string {
  return /[.!?…]$/.test(words) ? words : `${words}.`;
}

function advice(problem: BackendStateProblem, command: string): string {
  switch (problem) {
    case 'not-initialised':
      return ` Run \`${command} init\` in the module.`;
    case 'unreachable':
      return ' Is the backend reachable from here?';
    case 'credentials':
      return ' Check the credentials the backend is given (the environment, profile or backend configuration).';
    default:
      return '';
  }
}

/**
 * The tool's error as one readable sentence or two: colours and the `╷ │ ╵` frame removed, the
 * first error's summary and the first paragraph of its detail (the rest is advice for a terminal
 * user, and the backend's own words are in those two). Output without an `Error:` is kept whole.
 * Bounded, so a finding quotes the backend without drowning in it.
 */
export function tidyOutput(text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const lines = plain.split(/\r?\n/).map((line) => line.replace(/^[╷│╵]\s?/, '').trim());
  // Warnings about the tool's own setup may come first; the error is what the backend said.
  const firstError = lines.findIndex((line) => line.startsWith('Error:'));
  let kept: string[];
  if (firstError < 0) {
    kept = lines;
  } else {
    kept = [lines[firstError]];
    let i = firstError + 1;
    while (i < lines.length && lines[i] === '') i++;
    for (; i < lines.length && lines[i] !== ''; i++) kept.push(lines[i]);
  }
  const joined = kept
    .filter((line) => line !== '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return joined.length > 600 ? `${joined.slice(0, 600)}…` : joined;
}
