/**
 * A test double of the ProcessRunner interface, for unit tests of the code that runs programs:
 * it records each request and answers with what the test scripted (a result, or a spawn error),
 * so that a test can give the caller a program that times out, fails or prints too much without
 * waiting for one. The real runner is tested against real programs (test/unit/processRunner.test.ts)
 * and the real git, kubectl and tofu run in the other suites.
 */
import { ProcessSpawnError, type ProcessRequest, type ProcessResult, type ProcessRunner } from '../../core/src/exec/processRunner';

/** What the scripted program does: the parts of a result that differ from a clean exit 0, or a spawn failure. */
export type ScriptedAnswer = Partial<Omit<ProcessResult, 'executable' | 'args' | 'cwd'>> | ProcessSpawnError;

export class ScriptedProcessRunner implements ProcessRunner {
  readonly requests: ProcessRequest[] = [];

  constructor(private readonly answer: (request: ProcessRequest) => ScriptedAnswer) {}

  async run(request: ProcessRequest): Promise<ProcessResult> {
    this.requests.push(request);
    const answer = this.answer(request);
    if (answer instanceof ProcessSpawnError) throw answer;
    return {
      executable: request.executable,
      args: [...request.args],
      cwd: request.cwd,
      exitCode: 0,
      exitSignal: null,
      stdout: '',
      stderr: '',
      cancelled: false,
      timedOut: false,
      terminated: false,
      durationMs: 0,
      ...answer,
    };
  }
}

/** A spawn failure as the real runner reports it, e.g. `notStarted('git', 'ENOENT')`. */
export function notStarted(executable: string, code: string): ProcessSpawnError {
  return new ProcessSpawnError(executable, code, `spawn ${executable} ${code}`);
}
