/**
 * Workload findings: the rollout a template edit starts (with the Deployment controller's
 * rounding), Recreate downtime, floating image tags, missing readiness probes, local state.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toSarif } from '../../cli/src/sarif';
import { floatingReason, parseImageReference } from '../../core/src/kubernetes/imageReference';
import { parseQuantity } from '../../core/src/kubernetes/quantity';
import { estimateRollingUpdate, readyAfterSeconds, resolveFenceposts } from '../../core/src/kubernetes/rolloutEstimate';
import { analyse, clone, codes, seedDeployment, toYaml } from './kubernetesTestSupport';

describe('rollout estimate', () => {
  test('fenceposts: the rows of the Deployment controller tests', () => {
    assert.deepEqual(resolveFenceposts(10, '39%', '39%'), { maxSurge: 4, maxUnavailable: 3 });
    assert.deepEqual(resolveFenceposts(0, '0%', '0%'), { maxSurge: 0, maxUnavailable: 0 }, 'MaxUnavailable is 0 for 0 replicas');
    assert.deepEqual(resolveFenceposts(10, 0, 0), { maxSurge: 0, maxUnavailable: 1 }, 'both 0 → 1 unavailable');
    assert.deepEqual(resolveFenceposts(10, 0, 10), { maxSurge: 0, maxUnavailable: 10 });
    assert.deepEqual(resolveFenceposts(5, 0, 10), { maxSurge: 0, maxUnavailable: 5 }, 'clamped to replicas');
    assert.deepEqual(resolveFenceposts(5, 0, '100%'), { maxSurge: 0, maxUnavailable: 5 });
    assert.deepEqual(resolveFenceposts(3, undefined, undefined), { maxSurge: 1, maxUnavailable: 0 }, 'apps/v1 defaults: 25% each, surge up, unavailable down');
    assert.equal(resolveFenceposts(3, '5', 1), undefined, 'a string without % is invalid');
  });

  test('R=10, 25%/25%: at most 13 pods, never fewer than 8 available', () => {
    const estimate = estimateRollingUpdate(10, resolveFenceposts(10, '25%', '25%')!, 10);
    assert.equal(estimate.peakPods, 13);
    assert.equal(estimate.minAvailable, 8);
    assert.ok(estimate.waves >= 2);
  });

  test('R=4, maxSurge 0, maxUnavailable 1: one pod at a time, never more than 4', () => {
    const estimate = estimateRollingUpdate(4, resolveFenceposts(4, 0, 1)!, 10);
    assert.deepEqual([estimate.peakPods, estimate.minAvailable, estimate.waves, estimate.durationSeconds], [4, 3, 4, 40]);
  });

  test('time to available: probe delay and period plus minReadySeconds, or 15 s without a probe', () => {
    assert.equal(readyAfterSeconds({ containers: [{ name: 'a' }] }, undefined), 15);
    assert.equal(readyAfterSeconds({ containers: [{ readinessProbe: { initialDelaySeconds: 20, periodSeconds: 5 } }] }, 10), 10 + 5 + 20 + 5);
  });
});

describe('kubernetes/rolling-update and kubernetes/recreate-downtime', () => {
  test('the seed scenario: nginx:1.21.6 → nginx:1.23.3 replaces 3 pods, one surge pod at a time', () => {
    const findings = analyse(toYaml(seedDeployment('nginx:1.21.6')), toYaml(seedDeployment('nginx:1.23.3')));
    assert.deepEqual(codes(findings), ['kubernetes/rolling-update']);
    const [f] = findings;
    assert.equal(f.severity, 'information');
    assert.equal(f.path, 'spec.template.spec.containers[0].image');
    assert.equal(f.before, '"nginx:1.21.6"');
    assert.equal(f.after, '"nginx:1.23.3"');
    assert.match(
      f.message,
      /starts a rolling update of Deployment `nginx-deployment`: 3 pods replaced, at most 4 running and at least 3 available at once \(maxSurge 25% → 1, maxUnavailable 25% → 0\), about \d+ s\./,
    );
    const text = toYaml(seedDeployment('nginx:1.23.3'));
    assert.equal(text.split('\n')[f.range.start.line].trim(), 'image: nginx:1.23.3');
    assert.equal(text.split('\n')[f.blockRange!.start.line], 'kind: Deployment');
  });

  test('rounding is shown, including the 0/0 → 1 adjustment', () => {
    const before = seedDeployment();
    before.spec.replicas = 10;
    before.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '39%', maxUnavailable: '39%' } };
    const after = clone(before);
    after.spec.template.spec.containers[0].image = 'nginx:1.23.3';
    const [f] = analyse(toYaml(before), toYaml(after));
    assert.match(f.message, /10 pods replaced, at most 14 running and at least 7 available at once \(maxSurge 39% → 4, maxUnavailable 39% → 3\)/);
    before.spec.strategy.rollingUpdate = { maxSurge: '0%', maxUnavailable: '5%' };
    after.spec.strategy.rollingUpdate = { maxSurge: '0%', maxUnavailable: '5%' };
    const [g] = analyse(toYaml(before), toYaml(after));
    assert.match(g.message, /at most 10 running and at least 9 available at once \(maxSurge 0% → 0, maxUnavailable 5% → 0, raised to 1 because maxSurge is also 0\)/);
  });

  test('replicas or strategy alone: no rollout; StatefulSet and DaemonSet template edits roll too', () => {
    const scaled = seedDeployment();
    scaled.spec.replicas = 5;
    assert.deepEqual(analyse(toYaml(seedDeployment()), toYaml(scaled)), []);
    const sts = (image: string) => ({ ...seedDeployment(image), kind: 'StatefulSet', spec: { ...seedDeployment(image).spec, serviceName: 'nginx' } });
    const [s] = analyse(toYaml(sts('nginx:1.21.6')), toYaml(sts('nginx:1.23.3')));
    assert.equal(s.code, 'kubernetes/rolling-update');
    assert.match(s.message, /StatefulSet `nginx-deployment`: 3 pods replaced one at a time, highest ordinal first/);
    const ds = (image: string) => {
      const d = seedDeployment(image);
      delete d.spec.replicas;
      return { ...d, kind: 'DaemonSet' };
    };
    const [d] = analyse(toYaml(ds('nginx:1.21.6')), toYaml(ds('nginx:1.23.3')));
    assert.match(d.message, /DaemonSet `nginx-deployment`: the pod on every node is replaced, at most 1 node without a ready pod at a time/);
  });

  test('Recreate: a warning that every pod goes down together', () => {
    const recreate = (image: string) => ({ ...seedDeployment(image), spec: { ...seedDeployment(image).spec, strategy: { type: 'Recreate' } } });
    const findings = analyse(toYaml(recreate('nginx:1.21.6')), toYaml(recreate('nginx:1.23.3')));
    assert.deepEqual(codes(findings), ['kubernetes/recreate-downtime']);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /strategy Recreate: all 3 pods stop before any new one starts/);
  });

  test('no baseline (a new object): no rollout finding', () => {
    assert.deepEqual(analyse(toYaml(), toYaml(seedDeployment('nginx:1.23.3'))), []);
  });
});

describe('kubernetes/mutable-image-tag', () => {
  const table: Array<[string, string | undefined]> = [
    ['nginx', 'no-tag'],
    ['nginx:latest', 'latest'],
    ['registry.example.com:5000/team/app', 'no-tag'],
    ['registry.example.com:5000/team/app:1.4.2', undefined],
    ['nginx:stable-alpine', 'channel'],
    ['nginx:mainline', 'channel'],
    ['postgres:16', 'version-line'],
    ['python:3.12-slim', 'version-line'],
    ['app:v2', 'version-line'],
    ['nginx:1.23.3', undefined],
    ['nginx:1.23.3-alpine', undefined],
    ['app:2024-06-01-abc1234', undefined],
    ['app:1.0-SNAPSHOT', 'snapshot'],
    ['nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', undefined],
    ['nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', undefined],
  ];
  for (const [image, reason] of table) {
    test(`${image} → ${reason ?? 'pinned'}`, () => assert.equal(floatingReason(image), reason));
  }

  test('a two-part version line may move: the message says "may", in words true for images that never move it', () => {
    const d = seedDeployment('registry.k8s.io/pause:3.10');
    d.spec.template.spec.containers[0].name = 'pause';
    const [finding] = analyse(undefined, toYaml(d));
    assert.equal(finding.code, 'kubernetes/mutable-image-tag');
    assert.equal(
      finding.message,
      'Image `registry.k8s.io/pause:3.10` of container `pause` uses `3.10`, a tag without a patch number, which some images move to each new patch release: ' +
        'it may change under the same name, and where it does, pods created later run different code. ' +
        'A digest (`registry.k8s.io/pause@sha256:…`) pins it, as does a full version where the image publishes one.',
    );
    assert.equal(
      finding.detail,
      'An image, once built and tagged, should never change. `latest` (which no tag means), channel names such as `stable` and `-SNAPSHOT` tags ' +
        'are re-pointed by their publisher; a version line without a patch number, such as `1.23` or `16`, is re-pointed by some publishers and never by others. ' +
        'Where a tag is re-pointed, a rollback, a restart or a new node can pull different code. A digest pins the exact image.',
    );
    const [slim] = analyse(undefined, toYaml(seedDeployment('python:3.12-slim')));
    assert.equal(
      slim.message,
      'Image `python:3.12-slim` of container `nginx` uses `3.12-slim`, a tag without a patch number, which some images move to each new patch release: ' +
        'it may change under the same name, and where it does, pods created later run different code. ' +
        'A digest (`python@sha256:…`) pins it, as does a full version where the image publishes one.',
    );
  });

  test('a single-number version line may move to each release of that major version', () => {
    for (const [image, tag, repository] of [
      ['postgres:16', '16', 'postgres'],
      ['app:v2', 'v2', 'app'],
      ['postgres:16-alpine', '16-alpine', 'postgres'],
    ]) {
      const [finding] = analyse(undefined, toYaml(seedDeployment(image)));
      assert.equal(
        finding.message,
        `Image \`${image}\` of container \`nginx\` uses \`${tag}\`, a tag with only a major version number, which some images move to each new release of that major version: ` +
          'it may change under the same name, and where it does, pods created later run different code. ' +
          `A digest (\`${repository}@sha256:…\`) pins it, as does a full version where the image publishes one.`,
      );
    }
  });

  test('SARIF: the rule text says which tags move and which may', () => {
    const [finding] = analyse(undefined, toYaml(seedDeployment('nginx:1.23')));
    const sarif = toSarif([finding], '0.0.0') as { runs: Array<{ tool: { driver: { rules: Array<{ shortDescription: { text: string } }> } } }> };
    assert.equal(
      sarif.runs[0].tool.driver.rules[0].shortDescription.text,
      'An image referenced by a tag its publisher moves (none, latest, a channel, a snapshot) or may move (a version line without a patch number, such as 1.23) can change under the same name.',
    );
  });

  test('a registry port is not a tag', () => {
    assert.deepEqual(parseImageReference('host:5000/app'), { repository: 'host:5000/app', digest: undefined });
  });

  test('warning on the image value, for init containers and CronJob job templates too; placeholders are skipped', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 2 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                initContainers: [{ name: 'init', image: 'busybox' }],
                containers: [
                  { name: 'run', image: 'app:latest' },
                  { name: 'placeholder', image: '${IMAGE}' },
                ],
              },
            },
          },
        },
      },
    };
    const text = toYaml(cron);
    const findings = analyse(undefined, text);
    assert.deepEqual(codes(findings), ['kubernetes/mutable-image-tag', 'kubernetes/mutable-image-tag']);
    assert.match(
      findings[0].message,
      /Image `busybox` of container `init` has no tag, so it means `busybox:latest`.*Pin a full version \(`busybox:1\.2\.3`\) or a digest/,
    );
    assert.equal(text.split('\n')[findings[1].range.start.line].trim(), 'image: app:latest');
    assert.equal(findings[1].path, 'spec.jobTemplate.spec.template.spec.containers[0].image');
  });
});

describe('kubernetes/no-readiness-probe and kubernetes/local-state', () => {
  const withoutProbe = () => {
    const d = seedDeployment('nginx:1.23.3');
    delete d.spec.template.spec.containers[0].readinessProbe;
    return d;
  };

  test('a rolling Deployment without any readiness probe: a warning on the first container', () => {
    const findings = analyse(undefined, toYaml(withoutProbe()));
    assert.deepEqual(codes(findings), ['kubernetes/no-readiness-probe']);
    assert.match(findings[0].message, /No container of Deployment `nginx-deployment` has a readinessProbe/);
    const recreate = withoutProbe();
    recreate.spec.strategy = { type: 'Recreate' };
    assert.deepEqual(analyse(undefined, toYaml(recreate)), [], 'Recreate does not roll');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: withoutProbe().spec.template } };
    assert.deepEqual(analyse(undefined, toYaml(job)), [], 'a Job does not roll');
    const onDelete = { ...withoutProbe(), kind: 'StatefulSet', spec: { ...withoutProbe().spec, updateStrategy: { type: 'OnDelete' } } };
    assert.deepEqual(analyse(undefined, toYaml(onDelete)), []);
  });

  test('a Deployment with emptyDir or hostPath volumes: information on each; a PVC is fine', () => {
    const d = seedDeployment('nginx:1.23.3');
    d.spec.template.spec.volumes = [
      { name: 'cache', emptyDir: {} },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'logs', hostPath: { path: '/var/log/app' } },
    ];
    const text = toYaml(d);
    const findings = analyse(undefined, text);
    assert.deepEqual(codes(findings), ['kubernetes/local-state', 'kubernetes/local-state']);
    assert.equal(findings[0].severity, 'information');
    assert.equal(
      findings[0].message,
      'Volume `cache` of Deployment `nginx-deployment` is an emptyDir, which is deleted with its pod: every rollout replaces the pods, ' +
        'so keep state that must survive outside them (a PersistentVolumeClaim, or a managed database or object store).',
    );
    assert.equal(
      findings[1].message,
      'Volume `logs` of Deployment `nginx-deployment` is a hostPath, which stays on its node, and the replacement pod may land on another: every rollout replaces the pods, ' +
        'so keep state that must survive outside them (a PersistentVolumeClaim, or a managed database or object store).',
    );
    assert.equal(text.split('\n')[findings[0].range.start.line].trim(), 'emptyDir: {}');
  });
});

describe('quantities', () => {
  test('binary and decimal suffixes, exponents', () => {
    assert.equal(parseQuantity('1Gi'), 1024 ** 3);
    assert.equal(parseQuantity('1024Mi'), 1024 ** 3);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('1.5e3'), 1500);
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('ten'), undefined);
  });
});
