# The seed scenario: this file was applied with file_permission = "0777" (see
# baseline/terraform.tfstate). The permission has since been edited to "0700" — and that is not a
# chmod: the local provider marks file_permission RequiresReplace, so Terraform will destroy the
# file and create it again.
resource "local_file" "example" {
  content         = "This is a test file."
  filename        = "${path.module}/test.txt"
  file_permission = "0700"
}
