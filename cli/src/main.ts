// Entry point of the `immutable-infra` CLI: a thin layer over the same analysis as the editor.
import { runCheck, parseCheckArguments } from './checkCommand';
import { parseGraphArguments, runGraph } from './graphCommand';
import { parsePlanSummaryArguments, runPlanSummary } from './planSummaryCommand';
import { parseRolloutArguments, runRollout } from './rolloutCommand';
import { PRODUCT_VERSION } from '../../common/src/productVersion';
import { USAGE, UsageError, type CommandResult } from './usage';

export async function runCli(argv: string[], cwd: string): Promise<CommandResult> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { exitCode: command ? 0 : 2, stdout: USAGE };
  if (command === '--version') return { exitCode: 0, stdout: `${PRODUCT_VERSION}\n` };
  if (command === 'check') return runCheck(parseCheckArguments(rest, cwd), PRODUCT_VERSION);
  if (command === 'plan-summary') return runPlanSummary(parsePlanSummaryArguments(rest, cwd));
  if (command === 'graph') return runGraph(parseGraphArguments(rest, cwd));
  if (command === 'rollout') return runRollout(parseRolloutArguments(rest, cwd));
  throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.cwd()).then(
    (result) => {
      process.stdout.write(result.stdout);
      if (result.stderr) process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`immutable-infra: ${error.message}\n`);
      } else {
        process.stderr.write(`immutable-infra: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      }
      process.exitCode = 2;
    },
  );
}
