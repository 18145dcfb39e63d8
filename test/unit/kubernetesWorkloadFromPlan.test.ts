/**
 * The rollout a Terraform `kubernetes_deployment(_v1)` change starts, read from the plan
 * (core/src/plan/kubernetesWorkloadFromPlan.ts), the plan graph's `rollout` field, the page's
 * reading of it, and the message guards that carry it to the timeline command. The plans are
 * written by hand from the provider's schema (test/support/kubernetesDeploymentPlan.ts says how):
 * there is no cluster or kubernetes provider here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlanNodeRollout } from '../../common/src/planGraph';
import { isGraphToHostMessage } from '../../common/src/planGraphMessages';
import type { DeploymentWorkload } from '../../common/src/rollout';
import { isDeploymentWorkload, isShowRolloutTimelineArguments } from '../../common/src/rolloutMessages';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { deploymentRolloutFromPlan, isKubernetesDeployment, type PlanChangeValues } from '../../core/src/plan/kubernetesWorkloadFromPlan';
import { buildPlanGraph, parsePlanGraph } from '../../core/src/plan/planGraph';
import { readPlanGraph } from '../../webview/src/graph/graphInput';
import { deploymentPlan, deploymentResourceChange, deploymentValue, seedImageUpdate, type DeploymentValues } from '../support/kubernetesDeploymentPlan';

/** The change object of a hand-written resource change. */
function changeOf(resourceChange: Record<string, unknown>): PlanChangeValues {
  return resourceChange.change as PlanChangeValues;
}

function rolloutOf(action: Parameters<typeof deploymentRolloutFromPlan>[0], change: PlanChangeValues): PlanNodeRollout {
  const result = deploymentRolloutFromPlan(action, change);
  assert.ok('rollout' in result, `expected a rollout, got none: ${'none' in result ? result.none : ''}`);
  return result.rollout;
}

function noneOf(action: Parameters<typeof deploymentRolloutFromPlan>[0], change: PlanChangeValues): string {
  const result = deploymentRolloutFromPlan(action, change);
  assert.ok('none' in result, `expected no rollout, got ${JSON.stringify(result)}`);
  return result.none;
}

/** An update from the seed Deployment to one with these values (and the new image, so the template changes). */
function update(after: DeploymentValues, before: DeploymentValues = {}, afterUnknown: unknown = {}): PlanChangeValues {
  return changeOf(
    deploymentResourceChange({ actions: ['update'], before: deploymentValue(before), after: deploymentValue({ image: 'nginx:1.23.3', ...after }), afterUnknown }),
  );
}

/** after_unknown marks at spec[0]…: `{ spec: [inner] }`. */
const specUnknown = (inner: Record<string, unknown>) => ({ spec: [inner] });

const SEED_WORKLOAD: DeploymentWorkload = {
  kind: 'Deployment',
  name: 'nginx-deployment',
  namespace: 'default',
  replicas: 3,
  minReadySeconds: 0,
  strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  progressDeadlineSeconds: 600,
  pod: { terminationGracePeriodSeconds: 30, readinessProbe: { initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1 }, probeContainer: 'nginx' },
};

describe('kubernetesWorkloadFromPlan: an update that changes the pod template', () => {
  test('the seed image change: the Deployment as the API server holds it, and its timeline completes', () => {
    const rollout = rolloutOf('update', changeOf(seedImageUpdate()));
    assert.deepEqual(rollout, { workload: SEED_WORKLOAD });
    const timeline = simulateRollout(rollout.workload);
    assert.equal(timeline.summary.outcome, 'complete');
    assert.equal(timeline.summary.podsReplaced, 3);
    assert.equal(timeline.limits.maxPods, 4);
    assert.equal(timeline.limits.minAvailable, 3);
  });

  test('max_surge / max_unavailable: digits are an int (intstr.Parse), "N%" stays a percentage', () => {
    assert.deepEqual(rolloutOf('update', update({ maxSurge: '1', maxUnavailable: '0' })).workload.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    assert.deepEqual(rolloutOf('update', update({ maxSurge: '50%', maxUnavailable: '2' })).workload.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '50%', maxUnavailable: 2 },
    });
    const timeline = simulateRollout(rolloutOf('update', update({ maxSurge: '1', maxUnavailable: '0' })).workload);
    assert.equal(timeline.summary.maxPods, 4);
    assert.equal(timeline.summary.minAvailable, 3);
  });

  test('replicas is a string in the provider schema; the old count comes from before', () => {
    const rollout = rolloutOf('update', update({ replicas: '5' }));
    assert.equal(rollout.workload.replicas, 5);
    assert.equal(rollout.initialReplicas, 3);
    const timeline = simulateRollout(rollout.workload, { initialReplicas: rollout.initialReplicas });
    assert.equal(timeline.summary.outcome, 'complete');
    // As the controller does: the only active ReplicaSet (the old one) takes the new count first.
    assert.deepEqual(timeline.events[0], { t: 0, action: 'scale-up', replicaSet: 'nginx-deployment-old', from: 3, to: 5, sync: 0 });
    assert.equal(timeline.lanes.filter((lane) => lane.revision === 'new').length, 5);
  });

  test('the other fields: min_ready_seconds, progress_deadline_seconds (MaxInt32: no deadline), grace period, probe', () => {
    const rollout = rolloutOf(
      'update',
      update({
        minReadySeconds: 10,
        progressDeadlineSeconds: 2147483647,
        terminationGracePeriodSeconds: 60,
        readinessProbe: { initialDelaySeconds: 15, periodSeconds: 5, successThreshold: 2 },
      }),
    );
    assert.equal(rollout.workload.minReadySeconds, 10);
    assert.equal(rollout.workload.progressDeadlineSeconds, null);
    assert.deepEqual(rollout.workload.pod, {
      terminationGracePeriodSeconds: 60,
      readinessProbe: { initialDelaySeconds: 15, periodSeconds: 5, successThreshold: 2 },
      probeContainer: 'nginx',
    });
    assert.equal(rolloutOf('update', update({ readinessProbe: null })).workload.pod.readinessProbe, undefined);
  });

  test('a switch to Recreate ignores the rolling_update the plan still shows (Optional + Computed keeps it)', () => {
    const change = update({ strategyType: 'Recreate' });
    const spec = ((change.after as Record<string, unknown[]>).spec[0] as Record<string, unknown[]>).strategy[0] as Record<string, unknown>;
    spec.rolling_update = [{ max_surge: '25%', max_unavailable: '25%' }];
    assert.deepEqual(rolloutOf('update', change).workload.strategy, { type: 'Recreate' });
  });

  test('wait_for_rollout = false is noted: the apply ends before the rollout does', () => {
    assert.match(rolloutOf('update', update({ waitForRollout: false })).notes?.join(' ') ?? '', /wait_for_rollout = false/);
  });
});

describe('kubernetesWorkloadFromPlan: no rollout', () => {
  test('an update of replicas alone only scales', () => {
    const change = changeOf(deploymentResourceChange({ actions: ['update'], before: deploymentValue(), after: deploymentValue({ replicas: '5' }) }));
    assert.match(noneOf('update', change), /pod template does not change/);
  });

  test('server-set template metadata (generation, uid) neither makes nor marks a change', () => {
    const after = deploymentValue({ replicas: '5' });
    const template = ((after.spec as Record<string, unknown[]>[])[0].template[0] as Record<string, Record<string, unknown>[]>).metadata[0];
    template.generation = 2;
    const afterUnknown = specUnknown({ template: [{ metadata: [{ resource_version: true, uid: true }] }] });
    assert.match(
      noneOf('update', changeOf(deploymentResourceChange({ actions: ['update'], before: deploymentValue(), after, afterUnknown }))),
      /pod template does not change/,
    );
  });

  test('create: there are no old pods to replace', () => {
    const change = changeOf(deploymentResourceChange({ actions: ['create'], before: null, after: deploymentValue(), afterUnknown: specUnknown({ strategy: true }) }));
    assert.match(noneOf('create', change), /no pods to replace/);
  });

  test('delete, no-op and read start none', () => {
    for (const action of ['delete', 'no-op', 'read'] as const) assert.match(noneOf(action, changeOf(seedImageUpdate())), new RegExp(`${action} starts no rollout`));
  });

  test('a paused Deployment waits to be resumed', () => {
    assert.match(noneOf('update', update({ paused: true })), /paused/);
  });

  test('values the API server rejects: no rollout, and the reason', () => {
    assert.match(noneOf('update', update({ maxSurge: '0', maxUnavailable: '0%' })), /may not be 0 when maxSurge is 0/);
    // The provider's own check lets "" through; intstr.Parse makes it a string the API server refuses.
    assert.match(noneOf('update', update({ maxSurge: '' })), /max_surge` = "": the API server accepts only/);
    assert.match(noneOf('update', update({ maxUnavailable: '150%' })), /must not be greater than 100%/);
    assert.match(noneOf('update', update({ minReadySeconds: 600, progressDeadlineSeconds: 600 })), /must be greater than min_ready_seconds/);
    assert.match(noneOf('update', update({ replicas: 'three' })), /is not a replica count/);
  });

  test('a spec known only after apply, or none at all', () => {
    assert.match(noneOf('update', { before: deploymentValue(), after: { ...deploymentValue(), spec: null }, after_unknown: { spec: true } }), /known only after apply/);
    assert.match(noneOf('update', { before: deploymentValue(), after: { ...deploymentValue(), spec: [] }, after_unknown: {} }), /no Deployment spec/);
  });
});

describe('kubernetesWorkloadFromPlan: values known only after apply', () => {
  test('an unknown image: the template is assumed to change, with a note', () => {
    const after = deploymentValue();
    const container = (((after.spec as Record<string, unknown[]>[])[0].template[0] as Record<string, unknown[]>).spec[0] as Record<string, unknown[]>)
      .container[0] as Record<string, unknown>;
    delete container.image;
    const rollout = rolloutOf(
      'update',
      changeOf(
        deploymentResourceChange({
          actions: ['update'],
          before: deploymentValue(),
          after,
          afterUnknown: specUnknown({ template: [{ spec: [{ container: [{ image: true }] }] }] }),
        }),
      ),
    );
    assert.deepEqual(rollout.workload, SEED_WORKLOAD);
    assert.deepEqual(rollout.notes, ['The pod template has values known only after apply: assumed to change, which starts a rollout.']);
  });

  test('unknown replicas, surge and probe period: the current count and the defaults, each with a note', () => {
    const change = update({});
    const spec = (change.after as Record<string, Record<string, unknown>[]>).spec[0];
    spec.replicas = null;
    const afterUnknown = specUnknown({
      replicas: true,
      strategy: [{ rolling_update: [{ max_surge: true }] }],
      template: [{ spec: [{ container: [{ readiness_probe: [{ period_seconds: true }] }] }] }],
    });
    const rollout = rolloutOf('update', { ...change, after_unknown: afterUnknown });
    assert.equal(rollout.workload.replicas, 3);
    assert.deepEqual(rollout.workload.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    assert.equal(rollout.workload.pod.readinessProbe?.periodSeconds, 10);
    assert.deepEqual(rollout.notes, [
      'The pod template has values known only after apply: assumed to change, which starts a rollout.',
      '`spec[0].replicas` is known only after apply: assumed 3 (the current count).',
      '`spec[0].strategy[0].rolling_update[0].max_surge` is known only after apply: assumed "25%" (the default).',
      '`spec[0].template[0].spec[0].container[0].readiness_probe[0].period_seconds` is known only after apply: assumed 10 (the default).',
    ]);
  });

  test('an unknown strategy block (Computed, unset on a new object): the API server default', () => {
    const change = changeOf(
      deploymentResourceChange({
        actions: ['delete', 'create'],
        before: deploymentValue(),
        after: { ...deploymentValue({ image: 'nginx:1.23.3' }), spec: [{ ...(deploymentValue().spec as object[])[0], strategy: null, replicas: null }] },
        afterUnknown: specUnknown({ strategy: true, replicas: true }),
      }),
    );
    const rollout = rolloutOf('replace-delete-first', change);
    // Destroy-first draws a Recreate whatever the strategy; the notes still say what was assumed.
    assert.deepEqual(rollout.workload.strategy, { type: 'Recreate' });
    assert.equal(rollout.workload.replicas, 3);
    assert.ok(rollout.notes?.some((note) => note.startsWith('`spec[0].strategy` is known only after apply')));
  });

  test('an unknown name (generate_name on a new object) and a sensitive namespace are not printed', () => {
    const after = deploymentValue({ name: 'ignored', image: 'nginx:1.23.3' });
    const metadata = (after.metadata as Record<string, unknown>[])[0];
    metadata.name = null;
    metadata.generate_name = 'web-';
    const change: PlanChangeValues = {
      before: deploymentValue(),
      after,
      after_unknown: { metadata: [{ name: true }] },
      after_sensitive: { metadata: [{ namespace: true }] },
    };
    const rollout = rolloutOf('replace-create-first', change);
    assert.equal(rollout.workload.name, 'web-…');
    assert.equal(rollout.workload.namespace, '(sensitive value)');
  });
});

describe('kubernetesWorkloadFromPlan: replacements', () => {
  test('destroy first: every old pod goes before the new ones serve (Recreate), from the old count', () => {
    const change = changeOf(
      deploymentResourceChange({
        actions: ['delete', 'create'],
        before: deploymentValue({ replicas: '4' }),
        after: deploymentValue({ image: 'nginx:1.23.3', namespace: 'web' }),
      }),
    );
    const rollout = rolloutOf('replace-delete-first', change);
    assert.deepEqual(rollout.workload.strategy, { type: 'Recreate' });
    assert.equal(rollout.workload.namespace, 'web');
    assert.equal(rollout.initialReplicas, 4);
    assert.match(rollout.notes?.[0] ?? '', /^Replaced, destroy first/);
    const timeline = simulateRollout(rollout.workload, { initialReplicas: rollout.initialReplicas });
    assert.equal(timeline.summary.minAvailable, 0);
    assert.equal(timeline.summary.downtime.length, 1);
  });

  test('create first: all new pods beside the old ones (maxSurge 100%, maxUnavailable 0); the same name fails with AlreadyExists', () => {
    const renamed = changeOf(
      deploymentResourceChange({ actions: ['create', 'delete'], before: deploymentValue(), after: deploymentValue({ name: 'nginx-v2', image: 'nginx:1.23.3' }) }),
    );
    const rollout = rolloutOf('replace-create-first', renamed);
    assert.deepEqual(rollout.workload.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } });
    assert.match(rollout.notes?.[0] ?? '', /^Replaced, create first/);
    const timeline = simulateRollout(rollout.workload);
    assert.equal(timeline.summary.maxPods, 6);
    assert.equal(timeline.summary.minAvailable, 3);

    const noWait = changeOf(
      deploymentResourceChange({ actions: ['create', 'delete'], before: deploymentValue(), after: deploymentValue({ name: 'nginx-v2', waitForRollout: false }) }),
    );
    assert.match(rolloutOf('replace-create-first', noWait).notes?.join(' ') ?? '', /capacity can drop to zero/);

    const sameName = changeOf(deploymentResourceChange({ actions: ['create', 'delete'], before: deploymentValue(), after: deploymentValue({ image: 'nginx:1.23.3' }) }));
    assert.match(noneOf('replace-create-first', sameName), /AlreadyExists/);
  });
});

describe('isKubernetesDeployment', () => {
  test('both type names of the hashicorp/kubernetes provider, managed only', () => {
    assert.ok(isKubernetesDeployment('managed', 'kubernetes_deployment_v1', 'registry.terraform.io/hashicorp/kubernetes'));
    assert.ok(isKubernetesDeployment('managed', 'kubernetes_deployment', 'registry.opentofu.org/hashicorp/kubernetes'));
    assert.ok(isKubernetesDeployment('managed', 'kubernetes_deployment', undefined));
    assert.ok(!isKubernetesDeployment('data', 'kubernetes_deployment_v1', 'registry.terraform.io/hashicorp/kubernetes'));
    assert.ok(!isKubernetesDeployment('managed', 'kubernetes_stateful_set_v1', 'registry.terraform.io/hashicorp/kubernetes'));
    assert.ok(!isKubernetesDeployment('managed', 'kubernetes_deployment', 'registry.terraform.io/someone/kubernetes'));
  });
});

describe('plan graph: the node of a Deployment change carries its rollout', () => {
  const plan = () =>
    deploymentPlan([
      seedImageUpdate(),
      deploymentResourceChange({
        address: 'kubernetes_deployment.fresh',
        type: 'kubernetes_deployment',
        actions: ['create'],
        before: null,
        after: deploymentValue({ name: 'fresh' }),
      }),
      deploymentResourceChange({
        address: 'kubernetes_deployment_v1.scaled',
        actions: ['update'],
        before: deploymentValue({ name: 'scaled' }),
        after: deploymentValue({ name: 'scaled', replicas: '6' }),
      }),
      {
        address: 'local_file.example',
        mode: 'managed',
        type: 'local_file',
        name: 'example',
        provider_name: 'registry.terraform.io/hashicorp/local',
        change: {
          actions: ['delete', 'create'],
          before: { file_permission: '0777' },
          after: { file_permission: '0700' },
          after_unknown: {},
          replace_paths: [['file_permission']],
        },
        action_reason: 'replace_because_cannot_update',
      },
    ]);

  test('only the update that rolls pods out has `rollout`, and it survives the JSON the CLI prints', () => {
    const graph = parsePlanGraph(JSON.stringify(plan()));
    const byAddress = new Map(graph.nodes.map((node) => [node.address, node]));
    assert.deepEqual(byAddress.get('kubernetes_deployment_v1.nginx')?.rollout, { workload: SEED_WORKLOAD });
    assert.equal(byAddress.get('kubernetes_deployment.fresh')?.rollout, undefined);
    assert.equal(byAddress.get('kubernetes_deployment_v1.scaled')?.rollout, undefined);
    assert.equal(byAddress.get('local_file.example')?.rollout, undefined);
    assert.equal(graph.version, 1, 'an optional field: the version stays');
    // The rendered changes are the graph's as before: the image row.
    assert.deepEqual(
      byAddress.get('kubernetes_deployment_v1.nginx')?.changes.map((c) => c.path),
      ['spec[0].template[0].spec[0].container[0].image'],
    );
  });

  test('the page keeps a valid rollout and drops one whose workload is not a Deployment it could simulate', () => {
    const graph = buildPlanGraph(plan());
    assert.deepEqual(readPlanGraph(JSON.parse(JSON.stringify(graph))).nodes[0].rollout, { workload: SEED_WORKLOAD });
    const tampered = JSON.parse(JSON.stringify(graph));
    tampered.nodes[0].rollout.workload.replicas = -1;
    assert.equal(readPlanGraph(tampered).nodes[0].rollout, undefined);
    tampered.nodes[0].rollout = { notes: ['no workload'] };
    assert.equal(readPlanGraph(tampered).nodes[0].rollout, undefined);
  });
});

describe('the messages that carry a rollout', () => {
  test('showRollout from the page names an address only', () => {
    assert.ok(isGraphToHostMessage({ type: 'showRollout', address: 'kubernetes_deployment_v1.nginx' }));
    assert.ok(!isGraphToHostMessage({ type: 'showRollout', address: '' }));
    assert.ok(!isGraphToHostMessage({ type: 'showRollout', address: 'x'.repeat(10_001) }));
    assert.ok(!isGraphToHostMessage({ type: 'showRollout' }));
    assert.ok(!isGraphToHostMessage({ type: 'showRollout', address: 7 }));
  });

  test('the command takes a workload with a title, checked field by field', () => {
    assert.ok(isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD, title: 'kubernetes_deployment_v1.nginx' }));
    assert.ok(isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD, title: 't', source: '/work/infra', initialReplicas: 2, notes: ['a note'] }));
    assert.ok(!isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD }), 'a title is required');
    assert.ok(!isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD, title: 't', initialReplicas: -1 }));
    assert.ok(!isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD, title: 't', notes: [3] }));
    assert.ok(!isShowRolloutTimelineArguments({ workload: SEED_WORKLOAD, title: 't', uri: 'file:///a.yaml' }), 'one kind of argument or the other');
    assert.ok(!isShowRolloutTimelineArguments({ workload: { ...SEED_WORKLOAD, kind: 'StatefulSet' }, title: 't' }));
    // The manifest form is unchanged.
    assert.ok(isShowRolloutTimelineArguments({ uri: 'file:///a.yaml', kind: 'Deployment', name: 'n', line: 3 }));
  });

  test('isDeploymentWorkload: what the API server would refuse is refused', () => {
    assert.ok(isDeploymentWorkload(SEED_WORKLOAD));
    assert.ok(isDeploymentWorkload({ ...SEED_WORKLOAD, strategy: { type: 'Recreate' }, progressDeadlineSeconds: null, pod: { terminationGracePeriodSeconds: 0 } }));
    const bad: unknown[] = [
      { ...SEED_WORKLOAD, replicas: 1.5 },
      { ...SEED_WORKLOAD, replicas: '3' },
      { ...SEED_WORKLOAD, name: 5 },
      { ...SEED_WORKLOAD, minReadySeconds: 700 },
      { ...SEED_WORKLOAD, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      { ...SEED_WORKLOAD, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25', maxUnavailable: 1 } } },
      { ...SEED_WORKLOAD, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '101%' } } },
      { ...SEED_WORKLOAD, strategy: { type: 'RollingUpdate' } },
      { ...SEED_WORKLOAD, strategy: { type: 'OnDelete' } },
      { ...SEED_WORKLOAD, pod: { terminationGracePeriodSeconds: -1 } },
      { ...SEED_WORKLOAD, pod: { terminationGracePeriodSeconds: 30, readinessProbe: { initialDelaySeconds: 0, periodSeconds: 0, successThreshold: 1 } } },
      null,
      [],
    ];
    for (const value of bad) assert.ok(!isDeploymentWorkload(value), JSON.stringify(value));
  });
});
