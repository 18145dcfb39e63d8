/**
 * The `-var-file` arguments among a plan's extra arguments (`-var-file=prod.tfvars`,
 * `-var-file prod.tfvars`, and the `--` spelling Terraform's flag parser also takes), in order:
 * the files whose values the plan uses after the automatically loaded ones, so the analysis
 * evaluates with them too.
 */
export function varFileArguments(args: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const match = /^--?var-file(?:=(.*))?$/.exec(args[i]);
    if (!match) continue;
    const value = match[1] ?? args[++i];
    if (value !== undefined && value !== '') files.push(value);
  }
  return files;
}
