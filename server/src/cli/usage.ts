/** Errors that are the caller's to fix: exit code 2 and a message on stderr (DESIGN.md). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
}

export const USAGE = `Usage: immutable-infra <command> [options]

Commands:
  check [PATH…] [--baseline auto|state|git] [--git-ref REF] [--format text|json|sarif]
      Report edits that force replacement, compared with Terraform state or git.
      Exit 0: no error-level finding; 1: at least one; 2: usage error or unreadable input.
  plan-summary PLAN [--format text|json]
      The plan's summary line as Terraform/OpenTofu prints it, or its counts as JSON.
      PLAN is JSON from "terraform show -json PLANFILE". Exit 2: unreadable or unsupported plan.
  graph PLAN [-o FILE] [--format html|json]
      The plan as a dependency graph: one offline HTML page (default), or the graph model as JSON
      ({"nodes":[…],"edges":[{"from","to"}],…}). Writes to FILE, else to stdout.

Options:
  -h, --help     Show this help.
  --version      Print the version.
`;
