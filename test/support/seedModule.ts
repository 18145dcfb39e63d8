/**
 * The seed scenario as a module, for the tests that need it in memory or on disk: the `local_file`
 * whose `file_permission` the user edits (forcing replacement), and the state that deployed it with
 * 0777 — the same values `examples/terraform` and a real `tofu apply` of it hold.
 */
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The seed module's `main.tf`, with `file_permission` set to `permission`; `extra` goes inside the block. */
export const seedConfiguration = (permission: string, extra = '') => `resource "local_file" "example" {
  content         = "This is a test file."
  filename        = "\${path.module}/test.txt"
  file_permission = "${permission}"
${extra}}
`;

/** The state's resources after an apply of the seed module with `permission`. */
export const seedStateResources = (permission = '0777') => [
  {
    type: 'local_file',
    name: 'example',
    instances: [
      {
        attributes: {
          content: 'This is a test file.',
          filename: './test.txt',
          file_permission: permission,
          directory_permission: '0777',
          id: '0a0a9f2a6772942557ab5355d76af442f8f65e01',
        },
      },
    ],
  },
];

/**
 * Copies the seed example (`examples/terraform`) into `dir` as it stands after its "0777" apply:
 * main.tf as committed (asking for "0700"), the state that apply wrote, and the file it made.
 * The file matters to a real plan: its refresh reads it, and were it missing the local provider
 * would drop it from the state and plan a plain create instead of the replacement.
 */
export function copyDeployedSeedExample(dir: string): void {
  const example = path.resolve(__dirname, '..', '..', '..', 'examples', 'terraform');
  copyFileSync(path.join(example, 'main.tf'), path.join(dir, 'main.tf'));
  copyFileSync(path.join(example, 'baseline', 'terraform.tfstate'), path.join(dir, 'terraform.tfstate'));
  writeFileSync(path.join(dir, 'test.txt'), 'This is a test file.');
  chmodSync(path.join(dir, 'test.txt'), 0o777);
}
