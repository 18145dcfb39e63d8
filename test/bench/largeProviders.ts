/**
 * What the Terraform benchmark needs to measure the large providers (aws, google, azurerm): a
 * knowledge directory that holds them, packed as the build ships them, and modules of their most
 * used resources with the attribute names of their schemas.
 *
 * The provider files come from the repository's `data/terraform-providers`, or, for data not
 * committed yet, from the directory named by IMMUTABLE_INFRA_BENCH_PROVIDERS (its files win).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultKnowledgeBaseDir, INDEX_FILE, STATEFUL_FILE, type KnowledgeIndex } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { writeIndex, writePack } from '../support/knowledgeFiles';
import { tempDir, type StateResourceSpec } from '../support/tempModule';

export const BENCH_PROVIDERS_ENV = 'IMMUTABLE_INFRA_BENCH_PROVIDERS';
export const LARGE_PROVIDER_FILES = ['hashicorp-aws.json', 'hashicorp-google.json', 'hashicorp-azurerm.json'];

export interface BenchKnowledge {
  /** Committed providers plus the large ones. */
  withLarge: string;
  /** The same without the large providers: their types are unknown. */
  withoutLarge: string;
  /** Where each large provider file came from, for the report. */
  sources: Record<string, string>;
  /** Large provider files not found anywhere. */
  missing: string[];
}

/** Two knowledge directories (with and without the large providers), each file packed. */
export function benchKnowledge(): BenchKnowledge {
  const committed = defaultKnowledgeBaseDir();
  const extra = process.env[BENCH_PROVIDERS_ENV];
  const sources: Record<string, string> = {};
  const missing: string[] = [];
  for (const file of LARGE_PROVIDER_FILES) {
    const fromExtra = extra ? path.join(extra, file) : undefined;
    if (fromExtra && fs.existsSync(fromExtra)) sources[file] = fromExtra;
    else if (fs.existsSync(path.join(committed, file))) sources[file] = path.join(committed, file);
    else missing.push(file);
  }
  const committedFiles = fs.readdirSync(committed).filter((file) => file.endsWith('.json') && file !== INDEX_FILE && !LARGE_PROVIDER_FILES.includes(file));
  const build = (large: boolean): string => {
    const root = tempDir('ii-bench-kb-');
    const dir = path.join(root, 'terraform-providers');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(committed, '..', STATEFUL_FILE), path.join(root, STATEFUL_FILE));
    const files = [...committedFiles];
    for (const file of committedFiles) fs.copyFileSync(path.join(committed, file), path.join(dir, file));
    if (large) {
      for (const [file, source] of Object.entries(sources)) {
        fs.copyFileSync(source, path.join(dir, file));
        files.push(file);
      }
    }
    writeIndex(dir, files);
    // The committed index's prefixes (a provider's types it does not list one by one) still hold.
    const index = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as KnowledgeIndex;
    const committedIndex = JSON.parse(fs.readFileSync(path.join(committed, INDEX_FILE), 'utf8')) as KnowledgeIndex;
    index.prefixes = { ...committedIndex.prefixes, ...index.prefixes };
    fs.writeFileSync(path.join(dir, INDEX_FILE), JSON.stringify(index));
    for (const file of files) {
      writePack(path.join(dir, file));
      // Only the pack stays, as in dist/: the loader must not fall back on the JSON.
      fs.rmSync(path.join(dir, file));
    }
    return dir;
  };
  return { withLarge: build(true), withoutLarge: build(false), sources, missing };
}

/**
 * A module of `count` resources of aws's most used types, with a state for each. Every
 * `aws_instance` has an `ami`, the attribute the edit benchmark changes (it forces replacement).
 */
export function awsModule(count: number, variant = ''): { text: string; state: StateResourceSpec[] } {
  const blocks: string[] = [];
  const state: StateResourceSpec[] = [];
  const add = (type: string, name: string, attributes: Record<string, unknown>, hcl: string) => {
    blocks.push(`resource "${type}" "${variant}${name}" {\n${hcl}}\n`);
    state.push({ type, name: `${variant}${name}`, instances: [{ attributes }] });
  };
  for (let i = 0; i < count; i++) {
    const tags = { Name: `res-${i}`, Team: 'platform' };
    const tagsHcl = `  tags = {\n    Name = "res-${i}"\n    Team = "platform"\n  }\n`;
    switch (i % 8) {
      case 0:
        add(
          'aws_instance',
          `web_${i}`,
          { ami: 'ami-0a1b2c3d4e5f60718', instance_type: 't3.micro', subnet_id: `subnet-${i}`, tags },
          `  ami           = "ami-0a1b2c3d4e5f60718"\n  instance_type = "t3.micro"\n  subnet_id     = "subnet-${i}"\n${tagsHcl}`,
        );
        break;
      case 1:
        add(
          'aws_s3_bucket',
          `logs_${i}`,
          { bucket: `logs-bucket-${i}`, force_destroy: false, tags },
          `  bucket        = "logs-bucket-${i}"\n  force_destroy = false\n${tagsHcl}`,
        );
        break;
      case 2:
        add(
          'aws_security_group',
          `sg_${i}`,
          { name: `sg-${i}`, description: 'web traffic', vpc_id: 'vpc-0123', tags },
          `  name        = "sg-${i}"\n  description = "web traffic"\n  vpc_id      = "vpc-0123"\n${tagsHcl}`,
        );
        break;
      case 3:
        add(
          'aws_iam_role',
          `role_${i}`,
          { name: `role-${i}`, path: '/service/', assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' },
          `  name               = "role-${i}"\n  path               = "/service/"\n  assume_role_policy = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}"\n`,
        );
        break;
      case 4:
        add(
          'aws_db_instance',
          `db_${i}`,
          { identifier: `db-${i}`, engine: 'postgres', instance_class: 'db.t3.micro', allocated_storage: 20, username: 'admin' },
          `  identifier        = "db-${i}"\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  allocated_storage = 20\n  username          = "admin"\n`,
        );
        break;
      case 5:
        add(
          'aws_subnet',
          `subnet_${i}`,
          { vpc_id: 'vpc-0123', cidr_block: `10.${i % 250}.0.0/24`, availability_zone: 'eu-west-1a', tags },
          `  vpc_id            = "vpc-0123"\n  cidr_block        = "10.${i % 250}.0.0/24"\n  availability_zone = "eu-west-1a"\n${tagsHcl}`,
        );
        break;
      case 6:
        add(
          'aws_vpc',
          `vpc_${i}`,
          { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, tags },
          `  cidr_block           = "10.0.0.0/16"\n  enable_dns_hostnames = true\n${tagsHcl}`,
        );
        break;
      default:
        add(
          'aws_lb',
          `lb_${i}`,
          { name: `lb-${i}`, internal: false, load_balancer_type: 'application', tags },
          `  name               = "lb-${i}"\n  internal           = false\n  load_balancer_type = "application"\n${tagsHcl}`,
        );
    }
  }
  return { text: blocks.join('\n'), state };
}

/** `count` google and `count` azurerm resources, so that all three large providers are in use. */
export function googleAndAzurermModule(count: number): { text: string; state: StateResourceSpec[] } {
  const blocks: string[] = [];
  const state: StateResourceSpec[] = [];
  for (let i = 0; i < count; i++) {
    blocks.push(`resource "google_storage_bucket" "bucket_${i}" {\n  name     = "gcs-bucket-${i}"\n  location = "EU"\n}\n`);
    state.push({ type: 'google_storage_bucket', name: `bucket_${i}`, instances: [{ attributes: { name: `gcs-bucket-${i}`, location: 'EU' } }] });
    blocks.push(`resource "google_compute_instance" "vm_${i}" {\n  name         = "vm-${i}"\n  machine_type = "e2-small"\n  zone         = "europe-west1-b"\n}\n`);
    state.push({ type: 'google_compute_instance', name: `vm_${i}`, instances: [{ attributes: { name: `vm-${i}`, machine_type: 'e2-small', zone: 'europe-west1-b' } }] });
    blocks.push(`resource "azurerm_resource_group" "rg_${i}" {\n  name     = "rg-${i}"\n  location = "westeurope"\n}\n`);
    state.push({ type: 'azurerm_resource_group', name: `rg_${i}`, instances: [{ attributes: { name: `rg-${i}`, location: 'westeurope' } }] });
    blocks.push(
      `resource "azurerm_storage_account" "sa_${i}" {\n  name                     = "sa${i}"\n  resource_group_name      = "rg-${i}"\n  location                 = "westeurope"\n  account_tier             = "Standard"\n  account_replication_type = "LRS"\n}\n`,
    );
    state.push({
      type: 'azurerm_storage_account',
      name: `sa_${i}`,
      instances: [{ attributes: { name: `sa${i}`, resource_group_name: `rg-${i}`, location: 'westeurope', account_tier: 'Standard', account_replication_type: 'LRS' } }],
    });
  }
  return { text: blocks.join('\n'), state };
}
