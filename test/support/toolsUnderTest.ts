/**
 * The tools the end-to-end suite runs its core scenarios with: the provisioned OpenTofu, always
 * (when it is missing, its tests fail with the setup hint), and HashiCorp Terraform wherever the
 * machine has it — `/usr/local/bin/terraform`, else `terraform` on PATH — with the version its
 * `version -json` reports. A test file loops over `TOOLS_UNDER_TEST` and puts `toolLabel(tool)` in
 * each test's name, so the log says which program ran; where Terraform is absent, `reportToolsUnderTest`
 * says plainly that its runs did not happen, and why (no test is skipped for it).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { OPENTOFU, repoRoot, toolEnv, toolLabel, type IacTool } from './tofu';

/** Where these machines have HashiCorp Terraform. */
export const TERRAFORM_DEFAULT_PATH = '/usr/local/bin/terraform';

/** The first executable file among `/usr/local/bin/terraform` and `terraform` on PATH; undefined when there is none. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env, defaultPath = TERRAFORM_DEFAULT_PATH): string | undefined {
  const candidates = [
    defaultPath,
    ...(env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => path.isAbsolute(dir))
      .map((dir) => path.join(dir, 'terraform')),
  ];
  return candidates.find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Terraform at `bin`, with its version. A binary that is there but cannot report its version
 * is not quietly dropped: it comes back `unusable`, and every test that runs it fails saying why.
 */
export function describeTerraform(bin: string): IacTool {
  const tool: IacTool = { kind: 'terraform', name: 'Terraform', cli: 'terraform', bin, registryHost: 'registry.terraform.io' };
  let output: string;
  try {
    output = execFileSync(bin, ['version', '-json'], { env: toolEnv(), encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { ...tool, unusable: `${bin} version -json failed: ${(error as Error).message.split('\n')[0]}` };
  }
  let version: unknown;
  try {
    version = (JSON.parse(output) as { terraform_version?: unknown }).terraform_version;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || version === '')
    return { ...tool, unusable: `${bin} version -json did not report a terraform_version (it printed: ${JSON.stringify(output.trim().slice(0, 200))})` };
  return { ...tool, version };
}

const terraformBin = findTerraform();

/** Terraform, when the machine has it. */
export const TERRAFORM: IacTool | undefined = terraformBin === undefined ? undefined : describeTerraform(terraformBin);

/** OpenTofu first, then Terraform where it was found. */
export const TOOLS_UNDER_TEST: readonly IacTool[] = TERRAFORM ? [OPENTOFU, TERRAFORM] : [OPENTOFU];

/** The line a run prints about Terraform: that its runs happen (where, which version), or that they did not and why. */
export function terraformRunsLine(terraform: IacTool | undefined): string {
  if (!terraform) return `Terraform runs did not happen: no terraform at ${TERRAFORM_DEFAULT_PATH} or on PATH.`;
  if (terraform.unusable) return `Terraform runs fail: ${terraform.unusable}`;
  return `Terraform runs: the core scenarios run with ${toolLabel(terraform)} at ${terraform.bin} as well as with ${toolLabel(OPENTOFU)} at ${path.relative(repoRoot, OPENTOFU.bin)}.`;
}

/** Prints that line once for the test file `file` (it shows in the suite's output with any reporter). */
export function reportToolsUnderTest(file: string): void {
  console.log(`${path.basename(file).replace(/\.js$/, '')}: ${terraformRunsLine(TERRAFORM)}`);
}
