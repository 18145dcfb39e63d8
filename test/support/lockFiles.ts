/**
 * Dependency lock files exactly as each tool's `init` writes them for the seed example
 * (`examples/terraform`, hashicorp/local 2.9.0 from the project's provider mirror): copied from
 * real runs of OpenTofu 1.12.6 and Terraform 1.11.4. test/e2e-tofu/otherToolInitialised.test.ts
 * checks that the real tools still write these.
 */

/** `tofu init` (OpenTofu 1.12.6) on the seed example. */
export const TOFU_LOCK_FILE = `# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/local" {
  version = "2.9.0"
  hashes = [
    "h1:zc7iI7sRXpqJGWb+45cGl53ZBEec8AqxpHX3l0JCUe4=",
  ]
}
`;

/** `terraform init` (Terraform 1.11.4) on the seed example. */
export const TERRAFORM_LOCK_FILE = `# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/local" {
  version = "2.9.0"
  hashes = [
    "h1:zc7iI7sRXpqJGWb+45cGl53ZBEec8AqxpHX3l0JCUe4=",
  ]
}
`;
