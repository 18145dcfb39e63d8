#!/usr/bin/env node
// Prepares the seed example's baseline: the state OpenTofu wrote when the "0777" version of
// examples/terraform/main.tf was applied, and the file that state describes. Never overwrites an
// existing terraform.tfstate (it may be a real one from your own `tofu apply`).
import { copyFileSync, existsSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'examples', 'terraform');
const state = join(dir, 'terraform.tfstate');
if (existsSync(state)) {
  console.log(`examples/terraform/terraform.tfstate exists: keeping it.`);
} else {
  copyFileSync(join(dir, 'baseline', 'terraform.tfstate'), state);
  const file = join(dir, 'test.txt');
  writeFileSync(file, 'This is a test file.');
  chmodSync(file, 0o777);
  console.log('Prepared the baseline: examples/terraform/terraform.tfstate (applied with file_permission = "0777").');
}
