/**
 * `terraform show -json` plans with a hashicorp/kubernetes `kubernetes_deployment_v1` change, for
 * the tests of kubernetesWorkloadFromPlan, the plan graph and the graph page.
 *
 * Written by hand from the provider's schema (hashicorp/terraform-provider-kubernetes
 * kubernetes/resource_kubernetes_deployment_v1.go, schema_pod_spec.go, schema_container.go,
 * schema_metadata.go): there is no cluster and no kubernetes provider in this project to produce a
 * real plan. What the schema decides is kept: every block is a list of at most one item,
 * `spec[0].replicas` and `max_surge` / `max_unavailable` are strings, unset optional attributes
 * appear with their schema default (or null, or `[]` for an unset block), Computed attributes
 * unset in the configuration are unknown on create (`after_unknown`). Pod spec attributes that
 * play no part in a rollout are left out to keep the fixture readable.
 */

export interface DeploymentValues {
  name?: string;
  namespace?: string;
  image?: string;
  replicas?: string;
  strategyType?: 'RollingUpdate' | 'Recreate';
  maxSurge?: string;
  maxUnavailable?: string;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
  terminationGracePeriodSeconds?: number;
  /** The nginx container's readiness probe; null for none. */
  readinessProbe?: { initialDelaySeconds?: number; periodSeconds?: number; successThreshold?: number } | null;
  waitForRollout?: boolean;
}

/** The seed scenario's Deployment (examples/kubernetes/deployment-v1.yaml) as the provider writes it in state and plans. */
export function deploymentValue(values: DeploymentValues = {}): Record<string, unknown> {
  const probe =
    values.readinessProbe === null
      ? []
      : [
          {
            exec: [],
            failure_threshold: 3,
            grpc: [],
            http_get: [{ host: '', http_header: [], path: '/', port: '80', scheme: 'HTTP' }],
            initial_delay_seconds: values.readinessProbe?.initialDelaySeconds ?? 5,
            period_seconds: values.readinessProbe?.periodSeconds ?? 10,
            success_threshold: values.readinessProbe?.successThreshold ?? 1,
            tcp_socket: [],
            timeout_seconds: 1,
          },
        ];
  return {
    id: `${values.namespace ?? 'default'}/${values.name ?? 'nginx-deployment'}`,
    metadata: [
      {
        annotations: null,
        generate_name: '',
        generation: 1,
        labels: { app: 'nginx' },
        name: values.name ?? 'nginx-deployment',
        namespace: values.namespace ?? 'default',
        resource_version: '1711',
        uid: '6f3c2b1e-9c1d-4c56-8d8e-0b5a3e0f2a11',
      },
    ],
    spec: [
      {
        min_ready_seconds: values.minReadySeconds ?? 0,
        paused: values.paused ?? false,
        progress_deadline_seconds: values.progressDeadlineSeconds ?? 600,
        replicas: values.replicas ?? '3',
        revision_history_limit: 10,
        selector: [{ match_expressions: [], match_labels: { app: 'nginx' } }],
        strategy: [
          {
            rolling_update: values.strategyType === 'Recreate' ? [] : [{ max_surge: values.maxSurge ?? '25%', max_unavailable: values.maxUnavailable ?? '25%' }],
            type: values.strategyType ?? 'RollingUpdate',
          },
        ],
        template: [
          {
            metadata: [{ annotations: null, generate_name: '', generation: 0, labels: { app: 'nginx' }, name: '', namespace: '', resource_version: '', uid: '' }],
            spec: [
              {
                active_deadline_seconds: 0,
                automount_service_account_token: true,
                container: [
                  {
                    args: null,
                    command: null,
                    env: [],
                    image: values.image ?? 'nginx:1.21.6',
                    image_pull_policy: 'IfNotPresent',
                    liveness_probe: [],
                    name: 'nginx',
                    port: [{ container_port: 80, host_ip: '', host_port: 0, name: '', protocol: 'TCP' }],
                    readiness_probe: probe,
                    resources: [{ limits: {}, requests: {} }],
                    startup_probe: [],
                    termination_message_path: '/dev/termination-log',
                    termination_message_policy: 'File',
                  },
                ],
                dns_policy: 'ClusterFirst',
                init_container: [],
                restart_policy: 'Always',
                service_account_name: '',
                termination_grace_period_seconds: values.terminationGracePeriodSeconds ?? 30,
                volume: [],
              },
            ],
          },
        ],
      },
    ],
    timeouts: null,
    wait_for_rollout: values.waitForRollout ?? true,
  };
}

export const KUBERNETES_PROVIDER = 'registry.terraform.io/hashicorp/kubernetes';

export interface DeploymentChange {
  address?: string;
  type?: string;
  actions: string[];
  before: unknown;
  after: unknown;
  afterUnknown?: unknown;
  replacePaths?: unknown[][];
  actionReason?: string;
}

/** One `resource_changes` entry. */
export function deploymentResourceChange(change: DeploymentChange): Record<string, unknown> {
  const type = change.type ?? 'kubernetes_deployment_v1';
  const address = change.address ?? `${type}.nginx`;
  return {
    address,
    mode: 'managed',
    type,
    name: address.split('.').pop(),
    provider_name: KUBERNETES_PROVIDER,
    change: {
      actions: change.actions,
      before: change.before,
      after: change.after,
      after_unknown: change.afterUnknown ?? {},
      before_sensitive: change.before === null ? false : {},
      after_sensitive: change.after === null ? false : {},
      ...(change.replacePaths ? { replace_paths: change.replacePaths } : {}),
    },
    ...(change.actionReason ? { action_reason: change.actionReason } : {}),
  };
}

/** A whole plan around the given resource changes. */
export function deploymentPlan(resourceChanges: Record<string, unknown>[]): Record<string, unknown> {
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    resource_changes: resourceChanges,
    configuration: { provider_config: { kubernetes: { name: 'kubernetes', full_name: KUBERNETES_PROVIDER } }, root_module: {} },
    timestamp: '2026-01-01T00:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
}

/** The seed scenario: nginx:1.21.6 → nginx:1.23.3, 3 replicas, an in-place update. */
export function seedImageUpdate(): Record<string, unknown> {
  return deploymentResourceChange({
    actions: ['update'],
    before: deploymentValue(),
    after: deploymentValue({ image: 'nginx:1.23.3' }),
  });
}
