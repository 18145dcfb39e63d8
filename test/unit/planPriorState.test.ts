/**
 * Reading the state a saved plan was made against (client/src/terraform/planPriorState.ts) from
 * real plan files made by the provisioned OpenTofu (`terraform_data`: no provider needed): one
 * made before there was any state, one after an apply; then files that are not plans, each with
 * its message.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { PlanFileError, readPlanPriorState } from '../../client/src/terraform/planPriorState';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { assertTofuProvisioned, runTofu } from '../support/tofu';

after(cleanupTempDirs);

describe('the prior state of a saved plan', () => {
  let dir: string;
  before(async () => {
    assertTofuProvisioned();
    dir = tempDir('ii-plan-prior-');
    writeFiles(dir, { 'main.tf': 'resource "terraform_data" "a" {\n  input = "one"\n}\n' });
    await runTofu(dir, ['init', '-input=false', '-no-color']);
    await runTofu(dir, ['plan', '-input=false', '-no-color', '-out=first.tfplan']);
    await runTofu(dir, ['apply', '-input=false', '-no-color', 'first.tfplan']);
    writeFiles(dir, { 'main.tf': 'resource "terraform_data" "a" {\n  input = "two"\n}\n' });
    await runTofu(dir, ['plan', '-input=false', '-no-color', '-out=second.tfplan']);
  });

  test('a plan made with no state yet records serial 0 and no lineage', async () => {
    const prior = await readPlanPriorState(path.join(dir, 'first.tfplan'));
    assert.equal(prior.serial, 0);
    assert.equal(prior.lineage, '');
    assert.equal(prior.exists, false);
  });

  test("a plan made after an apply records that state's serial and lineage", async () => {
    const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')) as { serial: number; lineage: string };
    const prior = await readPlanPriorState(path.join(dir, 'second.tfplan'));
    assert.equal(prior.serial, state.serial);
    assert.equal(prior.lineage, state.lineage);
    assert.match(prior.lineage, /^[0-9a-f-]{36}$/);
    assert.equal(prior.exists, true);
    assert.match(prior.terraformVersion ?? '', /^\d+\.\d+\.\d+/);
  });

  test('a missing file', async () => {
    const file = path.join(dir, 'missing.tfplan');
    await assert.rejects(readPlanPriorState(file), (error: unknown) => {
      assert.ok(error instanceof PlanFileError);
      assert.match(error.message, new RegExp(`^Can't read the saved plan ${escape(file)}: ENOENT`));
      return true;
    });
  });

  test('a file that is not a zip archive, and a plan file cut short', async () => {
    const cut = path.join(dir, 'cut.tfplan');
    writeFileSync(cut, readFileSync(path.join(dir, 'second.tfplan')).subarray(0, 200));
    await assert.rejects(readPlanPriorState(cut), { message: `${cut} is not a saved plan of Terraform or OpenTofu: it is not a zip archive, or it is truncated.` });
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, '{"format_version":"1.2"}');
    await assert.rejects(readPlanPriorState(file), {
      name: 'PlanFileError',
      message: `${file} is not a saved plan of Terraform or OpenTofu: it is not a zip archive, or it is truncated.`,
    });
  });

  test('a zip archive without a tfstate entry', async () => {
    const file = path.join(dir, 'other.zip');
    writeFileSync(file, zipOf({ 'readme.txt': 'hello' }));
    await assert.rejects(readPlanPriorState(file), {
      message: `${file} is not a saved plan of Terraform or OpenTofu: it has no \`tfstate\` entry (the state the plan was made against).`,
    });
  });

  test('a tfstate entry that is not a state', async () => {
    const notJson = path.join(dir, 'broken.zip');
    writeFileSync(notJson, zipOf({ tfstate: '{"serial": ' }));
    await assert.rejects(readPlanPriorState(notJson), { message: new RegExp(`^The \`tfstate\` entry of ${escape(notJson)} is not a state's JSON: `) });
    const noSerial = path.join(dir, 'noserial.zip');
    writeFileSync(noSerial, zipOf({ tfstate: '{"version": 4, "lineage": "x"}' }));
    await assert.rejects(readPlanPriorState(noSerial), { message: `The \`tfstate\` entry of ${noSerial} is not a state: it has no serial.` });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A minimal zip archive (deflated entries, central directory), for files that are zips but not plans. */
function zipOf(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
