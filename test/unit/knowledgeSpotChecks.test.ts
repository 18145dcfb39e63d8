import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';

// Paths read by hand in the providers' source at the pinned versions (the file and line of the
// key and of its ForceNew / RequiresReplace, or of the schema entry without one), checked against
// the generated data through the loader. aws files are those of the one-declaration-per-file index
// of v6.58.0 (index/internal/service/…); google v7.45.0, azurerm v5.2.0, kubernetes v3.2.1 and
// helm v3.1.2 are paths of their repositories.

interface SpotCheck {
  type: string;
  path: string;
  replace: 'always' | 'never';
  /** Where the source says so. */
  source: string;
}

const forceNew: SpotCheck[] = [
  { type: 'aws_instance', path: 'ami', replace: 'always', source: 'ec2/func.resourceInstanceSchema.goindex:45 ForceNew at :47' },
  { type: 'aws_instance', path: 'availability_zone', replace: 'always', source: 'ec2/func.resourceInstanceSchema.goindex:62 ForceNew at :66' },
  { type: 'aws_instance', path: 'subnet_id', replace: 'always', source: 'ec2/func.resourceInstanceSchema.goindex:851 ForceNew at :855' },
  { type: 'aws_s3_bucket', path: 'bucket', replace: 'always', source: 's3/func.resourceBucket.goindex:88 ForceNew at :92' },
  { type: 'aws_db_instance', path: 'engine', replace: 'always', source: 'rds/func.resourceInstance.goindex:279 ForceNew at :283' },
  { type: 'aws_db_instance', path: 'username', replace: 'always', source: 'rds/func.resourceInstance.goindex:669 ForceNew at :673' },
  { type: 'aws_security_group', path: 'vpc_id', replace: 'always', source: 'ec2/func.resourceSecurityGroup.goindex:98 ForceNew at :101' },
  { type: 'aws_subnet', path: 'cidr_block', replace: 'always', source: 'ec2/func.resourceSubnet.goindex:72 ForceNew at :76' },
  { type: 'aws_iam_role', path: 'name', replace: 'always', source: 'iam/func.resourceRole.goindex:152 ForceNew at :156' },
  { type: 'aws_lambda_function', path: 'function_name', replace: 'always', source: 'lambda/func.resourceFunction.goindex:222 ForceNew at :225' },
  { type: 'aws_ebs_volume', path: 'encrypted', replace: 'always', source: 'ec2/func.resourceEBSVolume.goindex:54 ForceNew at :58' },
  { type: 'aws_dynamodb_table', path: 'name', replace: 'always', source: 'dynamodb/func.resourceTable.goindex:355 ForceNew at :358' },
  { type: 'google_compute_instance', path: 'name', replace: 'always', source: 'google/services/compute/resource_compute_instance.go:642 ForceNew at :645' },
  { type: 'google_compute_instance', path: 'zone', replace: 'always', source: 'google/services/compute/resource_compute_instance.go:1447 ForceNew at :1451' },
  {
    type: 'google_compute_instance',
    path: 'boot_disk.initialize_params.image',
    replace: 'always',
    source: 'google/services/compute/resource_compute_instance.go:395 ForceNew at :400',
  },
  { type: 'google_sql_database_instance', path: 'region', replace: 'always', source: 'google/services/sql/resource_sql_database_instance.go:257 ForceNew at :261' },
  { type: 'google_storage_bucket', path: 'location', replace: 'always', source: 'google/services/storage/resource_storage_bucket.go:193 ForceNew at :196' },
  { type: 'google_container_cluster', path: 'location', replace: 'always', source: 'google/services/container/resource_container_cluster.go:326 ForceNew at :330' },
  { type: 'google_project', path: 'project_id', replace: 'always', source: 'google/services/resourcemanager/resource_google_project.go:95 ForceNew at :98' },
  {
    type: 'google_service_account',
    path: 'account_id',
    replace: 'always',
    source: 'google/services/resourcemanager/resource_google_service_account.go:90 ForceNew at :93',
  },
  {
    type: 'azurerm_resource_group',
    path: 'location',
    replace: 'always',
    source:
      'internal/services/resource/resource_group_resource.go:51 commonschema.Location(); go-azure-helpers v0.81.1 resourcemanager/commonschema/location.go:15 ForceNew',
  },
  { type: 'azurerm_virtual_machine', path: 'name', replace: 'always', source: 'internal/services/legacy/virtual_machine_resource.go:81 ForceNew at :84' },
  {
    type: 'azurerm_linux_virtual_machine',
    path: 'admin_username',
    replace: 'always',
    source: 'internal/services/compute/linux_virtual_machine_resource.go:69 ForceNew at :76',
  },
  { type: 'azurerm_storage_account', path: 'account_tier', replace: 'always', source: 'internal/services/storage/storage_account_resource.go:110 ForceNew at :113' },
  { type: 'azurerm_subnet', path: 'virtual_network_name', replace: 'always', source: 'internal/services/network/subnet_resource.go:153 ForceNew at :156' },
  {
    type: 'azurerm_kubernetes_cluster',
    path: 'dns_prefix',
    replace: 'always',
    source: 'internal/services/containers/kubernetes_cluster_resource.go:483 ForceNew at :486',
  },
  { type: 'kubernetes_deployment', path: 'metadata.name', replace: 'always', source: 'kubernetes/schema_metadata.go:33 ForceNew at :37 (metadataSchema)' },
  { type: 'kubernetes_service', path: 'spec.cluster_ip', replace: 'always', source: 'kubernetes/resource_kubernetes_service_v1.go:66 ForceNew at :70' },
  { type: 'kubernetes_secret', path: 'type', replace: 'always', source: 'kubernetes/resource_kubernetes_secret_v1.go:119 ForceNew at :124' },
  {
    type: 'kubernetes_persistent_volume_claim',
    path: 'spec.storage_class_name',
    replace: 'always',
    source: 'kubernetes/schema_persistent_volume_claim.go:86 ForceNew at :91',
  },
  { type: 'helm_release', path: 'name', replace: 'always', source: 'helm/resource_helm_release.go:414 stringplanmodifier.RequiresReplace() at :417' },
  { type: 'helm_release', path: 'namespace', replace: 'always', source: 'helm/resource_helm_release.go:424 stringplanmodifier.RequiresReplace() at :429' },
];

const inPlace: SpotCheck[] = [
  { type: 'aws_db_instance', path: 'instance_class', replace: 'never', source: 'rds/func.resourceInstance.goindex:336-339, no ForceNew' },
  { type: 'aws_db_instance', path: 'identifier', replace: 'never', source: 'rds/func.resourceInstance.goindex:322-328, no ForceNew' },
  { type: 'aws_iam_role', path: 'assume_role_policy', replace: 'never', source: 'iam/func.resourceRole.goindex:63-72, no ForceNew' },
  { type: 'aws_ebs_volume', path: 'size', replace: 'never', source: 'ec2/func.resourceEBSVolume.goindex:88-93, no ForceNew' },
  { type: 'aws_eks_cluster', path: 'version', replace: 'never', source: 'eks/func.resourceCluster.goindex:477-481, no ForceNew' },
  { type: 'google_compute_instance', path: 'machine_type', replace: 'never', source: 'google/services/compute/resource_compute_instance.go:635-640, no ForceNew' },
  { type: 'google_storage_bucket', path: 'storage_class', replace: 'never', source: 'google/services/storage/resource_storage_bucket.go:229-234, no ForceNew' },
  {
    type: 'google_service_account',
    path: 'display_name',
    replace: 'never',
    source: 'google/services/resourcemanager/resource_google_service_account.go:97-101, no ForceNew',
  },
  { type: 'azurerm_virtual_machine', path: 'vm_size', replace: 'never', source: 'internal/services/legacy/virtual_machine_resource.go:162-166, no ForceNew' },
  { type: 'azurerm_linux_virtual_machine', path: 'size', replace: 'never', source: 'internal/services/compute/linux_virtual_machine_resource.go:109-113, no ForceNew' },
  { type: 'azurerm_virtual_network', path: 'address_space', replace: 'never', source: 'internal/services/network/virtual_network_resource.go:82-90, no ForceNew' },
  { type: 'kubernetes_deployment', path: 'spec.replicas', replace: 'never', source: 'kubernetes/resource_kubernetes_deployment_v1.go:88-93, no ForceNew' },
  { type: 'kubernetes_service', path: 'spec.type', replace: 'never', source: 'kubernetes/resource_kubernetes_service_v1.go:272-276, no ForceNew' },
  { type: 'helm_release', path: 'chart', replace: 'never', source: 'helm/resource_helm_release.go:281, no plan modifier' },
  { type: 'helm_release', path: 'version', replace: 'never', source: 'helm/resource_helm_release.go:539, no plan modifier' },
];

describe('knowledge data agrees with paths read by hand in the provider source', () => {
  const kb = new ReplacementKnowledgeBase();
  for (const check of [...forceNew, ...inPlace]) {
    test(`${check.type}.${check.path} is ${check.replace} (${check.source})`, () => {
      const found = kb.rule(check.type, check.path.split('.'));
      assert.ok(found, `${check.type}.${check.path} is in the data`);
      assert.equal(found.rule.replace, check.replace);
    });
  }
});
