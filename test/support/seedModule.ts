/**
 * The seed scenario as a module, for the tests that need it in memory or on disk: the `local_file`
 * whose `file_permission` the user edits (forcing replacement), and the state that deployed it with
 * 0777 — the same values `examples/terraform` and a real `tofu apply` of it hold.
 */

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
