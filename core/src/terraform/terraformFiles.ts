/**
 * Which files are Terraform's, by name: configuration in native and JSON syntax, variable
 * definitions files, the dependency lock file and the local state. Every part of the project
 * (analysis, language server, CLI, extension) asks here, so that "which files" has one answer per
 * question; where two callers need different answers, the difference has its own name below.
 *
 * Each predicate takes a file name or a path (only the last segment counts, `/` or `\`). Names are
 * matched case-sensitively, as Terraform and OpenTofu match them. Pure: no file is read.
 */

/**
 * The extensions of native-syntax configuration: `.tf` (Terraform and OpenTofu) and `.tofu`
 * (OpenTofu only).
 */
export const NATIVE_SYNTAX_EXTENSIONS = ['.tf', '.tofu'] as const;

/** The same files as a regular expression over a name, for readers that filter by one (the git tree reader). */
export const NATIVE_SYNTAX_CONFIGURATION_NAME = /\.(tf|tofu)$/;

/** The same files as a glob, for file watchers and workspace searches. */
export const NATIVE_SYNTAX_CONFIGURATION_GLOB = `**/*.{${NATIVE_SYNTAX_EXTENSIONS.map((extension) => extension.slice(1)).join(',')}}`;

/** Any variable definitions file, as a glob: the language server re-analyses when one changes. */
export const TFVARS_GLOB = '**/*.tfvars';

/** The dependency lock file `init` writes beside the root module's configuration. */
export const DEPENDENCY_LOCK_FILE = '.terraform.lock.hcl';

/** The state a module keeps on disk with the default local backend and workspace. */
export const LOCAL_STATE_FILE = 'terraform.tfstate';

/**
 * `.tf` and `.tofu`: configuration in native syntax. The only configuration the analysis reads,
 * since the HCL reader has no JSON syntax; also what the editor's `terraform` language covers and
 * what the plan graph's resource locator scans (a `.tf.json` file has no block headers to find).
 */
export function isNativeSyntaxConfigurationFile(name: string): boolean {
  return NATIVE_SYNTAX_CONFIGURATION_NAME.test(name);
}

/**
 * Every file either tool loads as a module's configuration: `.tf`, `.tofu` and their JSON forms
 * `.tf.json`, `.tofu.json`. Deciding whether a folder is a module, or what calls it, must count
 * the JSON files too: a module may be written only in JSON.
 */
export function isTerraformConfigurationFile(name: string): boolean {
  return /\.(tf|tofu)(\.json)?$/.test(name);
}

/**
 * The variable definitions files Terraform loads by itself, whose values the analysis evaluates:
 * `terraform.tfvars`, `*.auto.tfvars` and their JSON forms; other `.tfvars` files count only when
 * passed with `-var-file`.
 */
export function isAutoLoadedTfvarsFile(name: string): boolean {
  return AUTO_LOADED_TFVARS_NAME.test(name);
}

/** The names `isAutoLoadedTfvarsFile` takes, for listings that filter by a pattern (a git tree). */
export const AUTO_LOADED_TFVARS_NAME = /(^|[\\/])terraform\.tfvars(\.json)?$|\.auto\.tfvars(\.json)?$/;

/** Any variable definitions file, native or JSON syntax, loaded automatically or through `-var-file`. */
export function isTfvarsFile(name: string): boolean {
  return /\.tfvars(\.json)?$/.test(name);
}

/**
 * Files in a module folder whose change can change a plan made from it: configuration in both
 * syntaxes and every variable definitions file (a plan may have been run with `-var-file`).
 */
export function isPlanInputFile(name: string): boolean {
  return isTerraformConfigurationFile(name) || isTfvarsFile(name);
}
