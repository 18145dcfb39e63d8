/**
 * One running provider binary: started with the plugin handshake, spoken to over gRPC on its unix
 * socket, and stopped so that nothing outlives it. It runs through the project's process runner,
 * which makes it the leader of its own process group (killing the group also ends whatever it
 * started) and kills what is left of the group when it exits; every call has a deadline, and a
 * process that exits fails the calls in flight at once, with its exit status and last words.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { ProcessCancellation } from '../exec/processCancellation';
import type { ProcessResult, ProcessRunner } from '../exec/processRunner';
import { parseHandshake } from './pluginHandshake';
import { pluginProtocol, type PluginProtocol, type ProtocolMethod, type ProtocolVersion } from './pluginProtocol';

export interface ProviderProcessOptions {
  runner: ProcessRunner;
  binary: string;
  /** The complete environment of the process (see providerEnvironment.ts): nothing of the caller's is added. */
  env: Record<string, string>;
  cwd: string;
  /** How long the binary may take to print its handshake line. */
  handshakeTimeoutMs: number;
  /** Where the provider's own warnings and errors (stderr) are written. */
  log: (line: string) => void;
}

/** A call to the provider failed: it answered with an error, timed out, or the process is gone. */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'exited' | 'rpc',
  ) {
    super(message);
  }
}

/** Messages as protobufjs decodes them: snake_case fields, enums as names, 64-bit integers as numbers. */
export type DecodedMessage = Record<string, unknown>;

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: Buffer, defaults: true, arrays: true, objects: true, oneofs: true };
/** A large provider's schema (aws) is tens of megabytes: no gRPC limit below what Terraform allows. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** What the process said last on stderr, for the message when it dies. */
const LAST_WORDS = 5;
/** How long a call whose connection dropped waits for the process's exit, to report that instead. */
const EXIT_WAIT_MS = 1000;
/** A provider stopped with an interrupt (which go-plugin ignores) is killed this long after. */
const INTERRUPT_GRACE_MS = 500;

export class ProviderProcess {
  private exitStatus: string | undefined;
  /** True once `stop` or `kill` was called: an exit after that is no crash. */
  stopping = false;
  private readonly exitListeners: Array<(status: string) => void> = [];
  private readonly protocol: PluginProtocol;
  private client: grpc.Client | undefined;

  private constructor(
    readonly pid: number | undefined,
    private readonly cancellation: ProcessCancellation,
    private readonly lastWords: string[],
    readonly protocolVersion: ProtocolVersion,
  ) {
    this.protocol = pluginProtocol(protocolVersion);
  }

  /** Starts the binary and waits for its handshake; an Error (the process killed) when there is none in time or it is not one this client speaks. */
  static start(options: ProviderProcessOptions): Promise<ProviderProcess> {
    const cancellation = new ProcessCancellation();
    const lastWords: string[] = [];
    let pid: number | undefined;
    let started: ProviderProcess | undefined;
    let handshakeLine: string | undefined;
    return new Promise<ProviderProcess>((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        cancellation.terminate();
        const said = lastWords.length > 0 ? ` It wrote: ${lastWords.join(' / ')}` : '';
        reject(new Error(`${message}${said}`));
      };
      const timer = setTimeout(() => fail(`${options.binary} printed no plugin handshake within ${options.handshakeTimeoutMs} ms.`), options.handshakeTimeoutMs);
      const run = options.runner.run({
        executable: options.binary,
        args: [],
        cwd: options.cwd,
        env: options.env,
        keepOutput: false,
        cancellation,
        interruptGraceMs: INTERRUPT_GRACE_MS,
        onSpawn: (spawned) => (pid = spawned.pid),
        onStdoutLine: (line) => {
          if (handshakeLine !== undefined || settled) return;
          handshakeLine = line;
          let address;
          try {
            address = parseHandshake(line);
          } catch (error) {
            fail(`${options.binary}: ${(error as Error).message}.`);
            return;
          }
          settled = true;
          clearTimeout(timer);
          started = new ProviderProcess(pid, cancellation, lastWords, address.protocolVersion);
          started.connect(address.socket);
          resolve(started);
        },
        onStderrLine: (line) => {
          const text = line.trim() === '' ? undefined : providerLogLine(line);
          if (text === undefined) return;
          remember(lastWords, text);
          if (started) options.log(`provider ${pid ?? '?'}: ${text}`);
        },
      });
      run.then(
        (result) => {
          if (started) started.markExited(exitText(result));
          else fail(`${options.binary} exited (${exitText(result)}) before its plugin handshake.`);
        },
        (error: unknown) => fail(`${options.binary} could not be started: ${(error as Error).message}.`),
      );
    });
  }

  /** Why the process is gone (`exit code 3`, `signal SIGKILL`); undefined while it runs. */
  get exitedWith(): string | undefined {
    return this.exitStatus;
  }

  onExit(listener: (status: string) => void): void {
    if (this.exitStatus !== undefined) listener(this.exitStatus);
    else this.exitListeners.push(listener);
  }

  /** The process's resident memory, from /proc; undefined where that can't be read. */
  residentBytes(): number | undefined {
    if (this.pid === undefined || this.exitStatus !== undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
      return kb ? Number(kb[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** One unary call with a deadline; the decoded response, or a ProviderCallError. */
  call(name: Exclude<keyof PluginProtocol, 'version'>, request: DecodedMessage, timeoutMs: number): Promise<DecodedMessage> {
    const method: ProtocolMethod = this.protocol[name];
    const client = this.client;
    if (this.exitStatus !== undefined || !client)
      return Promise.reject(new ProviderCallError(`the provider is not running (${this.exitStatus ?? 'not connected'})`, 'exited'));
    return new Promise<DecodedMessage>((resolve, reject) => {
      let done = false;
      const finish = (error: ProviderCallError | undefined, value?: DecodedMessage) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value!);
      };
      // The deadline is kept here too, not only by gRPC: a call to a process that hangs must end even if the channel does not notice.
      const timer = setTimeout(() => {
        call.cancel();
        finish(new ProviderCallError(`${method.path} did not answer within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.onExit((status) => finish(new ProviderCallError(`the provider exited during ${method.path} (${status})${this.lastWordsText()}`, 'exited')));
      const call = client.makeUnaryRequest(
        method.path,
        (message: DecodedMessage) => Buffer.from(method.request.encode(method.request.fromObject(message)).finish()),
        (bytes: Buffer) => method.response.toObject(method.response.decode(bytes), TO_OBJECT) as DecodedMessage,
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs + 1000 },
        (error, response) => {
          if (!error) {
            finish(undefined, response);
            return;
          }
          // A process that dies drops its connection before its exit is seen: a dropped call waits a
          // moment for the exit, which then says what happened (the exit listener above finishes it).
          const failed = () => finish(new ProviderCallError(`${method.path} failed: ${error.details || error.message}`, 'rpc'));
          if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.INTERNAL) setTimeout(failed, EXIT_WAIT_MS);
          else failed();
        },
      );
    });
  }

  /**
   * Stops the provider as Terraform does: `StopProvider`, then go-plugin's `Shutdown`; the process
   * group is killed if the process is still there after `graceMs`.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    if (this.exitStatus === undefined) {
      await this.call('stopProvider', {}, graceMs).catch(() => undefined);
      await this.call('shutdown', {}, graceMs).catch(() => undefined);
    }
    this.client?.close();
    if (this.exitStatus !== undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.cancellation.terminate();
        resolve();
      }, graceMs);
      this.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Kills the process group at once, synchronously: for when the host itself is exiting. */
  kill(): void {
    this.stopping = true;
    this.client?.close();
    this.cancellation.terminate();
  }

  private connect(socket: string): void {
    this.client = new grpc.Client(`unix://${socket}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.enable_retries': 0,
    });
  }

  private markExited(status: string): void {
    this.exitStatus = status;
    this.client?.close();
    for (const listener of this.exitListeners.splice(0)) listener(status);
  }

  private lastWordsText(): string {
    return this.lastWords.length > 0 ? `; it wrote: ${this.lastWords.join(' / ')}` : '';
  }
}

function exitText(result: ProcessResult): string {
  return result.exitSignal ? `signal ${result.exitSignal}` : `exit code ${result.exitCode ?? 'unknown'}`;
}

/** Levels of a provider's JSON log worth passing on: it logs everything, and leaves the filtering to its client. */
const LOGGED_LEVELS = new Set(['warn', 'error']);

/**
 * A provider logs JSON lines (`@level`, `@message`): warnings and errors are kept, the rest is
 * dropped (undefined). Anything else (a Go panic's trace) is kept as written.
 */
function providerLogLine(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry['@message'] === 'string') {
      const level = typeof entry['@level'] === 'string' ? entry['@level'] : 'info';
      return LOGGED_LEVELS.has(level) ? `[${level}] ${entry['@message']}` : undefined;
    }
  } catch {
    // not JSON
  }
  return line.trim();
}

function remember(lines: string[], line: string): void {
  lines.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
  if (lines.length > LAST_WORDS) lines.shift();
}
