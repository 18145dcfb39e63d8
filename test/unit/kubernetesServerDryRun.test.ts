/**
 * The server-side dry-run of the cluster baseline, in its pure parts and over the ProcessRunner
 * interface: kubectl's answers (real outputs of Debian's kubectl 1.32 against kube-apiserver
 * 1.37.2, saved in test/fixtures/kubectl-dry-run) read into verdicts; the argument lists, every
 * one of which must carry `--dry-run=server`; the pacing while typing; and the verdicts joined with
 * the offline findings. The real kubectl against the real API server: test/e2e-k8s/clusterDryRun.test.ts.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { dryRunVerdicts, parseFieldPath, serverFieldPaths, type DryRunSubject, type DryRunVerdict } from '../../core/src/kubernetes/dryRunAnswer';
import { DRY_RUN_INTERVAL_MS, ServerDryRuns } from '../../core/src/kubernetes/dryRunSchedule';
import { analyzeManifest } from '../../core/src/kubernetes/manifestAnalysis';
import { parseManifest } from '../../core/src/kubernetes/manifestParser';
import { identityKey } from '../../core/src/kubernetes/objectIdentity';
import { assertDryRun, dryRunInput, serverDryRun, serverDryRunArguments, type DryRunObject } from '../../core/src/kubernetes/serverDryRun';
import { notStarted, ScriptedProcessRunner } from '../support/scriptedProcessRunner';
import { repoRoot } from '../support/tofu';
import { parseCheckArguments } from '../../cli/src/checkCommand';
import { clone, seedDeployment, toYaml } from './kubernetesTestSupport';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'kubectl-dry-run');

interface Fixture {
  kubectl: string;
  server: string;
  args: string[];
  objects: DryRunSubject[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

function verdictsOf(name: string): Record<string, DryRunVerdict> {
  const f = fixture(name);
  return Object.fromEntries(dryRunVerdicts(f.objects, f));
}

const SELECTOR_IMMUTABLE = 'spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable';
const REPLICA_POLICY = "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be no greater than 5";

describe("kubectl's dry-run answers (recorded from kubectl 1.32 against kube-apiserver 1.37.2)", () => {
  test('the fixtures are what they say: every one ran the dry-run argument list', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    assert.ok(names.length >= 10, names.join(', '));
    for (const name of names) {
      const f = fixture(name.replace(/\.json$/, ''));
      assert.match(f.kubectl, /^v1\.32\./);
      assert.deepEqual(assertDryRun(f.args), f.args);
    }
  });

  test('accepted: the name on stdout', () => {
    assert.deepEqual(verdictsOf('accepted-image'), { 'Deployment/web': { outcome: 'accepted' } });
    assert.deepEqual(verdictsOf('statefulset'), { 'StatefulSet/db': { outcome: 'accepted' } });
  });

  test('one Invalid rejection: kubectl\'s `The Kind "name" is invalid` line, its field parsed', () => {
    assert.deepEqual(verdictsOf('invalid-selector'), {
      'Deployment/web': { outcome: 'rejected', message: `The Deployment "web" is invalid: ${SELECTOR_IMMUTABLE}`, fields: [['spec', 'selector']] },
    });
    assert.deepEqual(verdictsOf('statefulset-service-name'), {
      'StatefulSet/db': {
        outcome: 'rejected',
        message: 'The StatefulSet "db" is invalid: spec.serviceName: Invalid value: "db2": field is immutable',
        fields: [['spec', 'serviceName']],
      },
    });
  });

  test('an admission policy: the server names no field, kubectl names the resource', () => {
    assert.deepEqual(verdictsOf('policy-denied'), {
      'Deployment/web': { outcome: 'rejected', message: `The deployments "web" is invalid: : ${REPLICA_POLICY}`, fields: [] },
    });
    const image = verdictsOf('policy-denied-image')['Deployment/web'];
    assert.equal(image.outcome, 'rejected');
    assert.match((image as { message: string }).message, /denied request: images must come from registry\.example\.com, not nginx:1\.25\.0$/);
  });

  test('one accepted and one rejected in one kubectl: each its own verdict', () => {
    assert.deepEqual(verdictsOf('accepted-and-invalid'), {
      'Deployment/web': { outcome: 'accepted' },
      'Deployment/api': {
        outcome: 'rejected',
        message: 'The Deployment "api" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"api2"}}: field is immutable',
        fields: [['spec', 'selector']],
      },
    });
  });

  test("two rejected: kubectl's per-object blocks, each object its server message", () => {
    assert.deepEqual(verdictsOf('two-rejected'), {
      'Deployment/web': { outcome: 'rejected', message: `Deployment.apps "web" is invalid: ${SELECTOR_IMMUTABLE}`, fields: [['spec', 'selector']] },
      'Deployment/api': { outcome: 'rejected', message: `deployments.apps "api" is forbidden: ${REPLICA_POLICY}`, fields: [] },
    });
  });

  test('RBAC refusing the patch: no verdict, in the server’s words', () => {
    assert.deepEqual(verdictsOf('rbac-forbidden'), {
      'Deployment/web': {
        outcome: 'unavailable',
        reason:
          'deployments.apps "web" is forbidden: User "system:serviceaccount:cap:reader" cannot patch resource "deployments" in API group "apps" in the namespace "cap"',
      },
    });
  });

  test("no credentials, no context, no server: no verdict, in kubectl's words", () => {
    assert.deepEqual(verdictsOf('bad-token'), {
      'Deployment/web': {
        outcome: 'unavailable',
        reason:
          'error: error validating "STDIN": error validating data: the server has asked for the client to provide credentials; if you choose to ignore these errors, turn validation off with --validate=false',
      },
    });
    assert.deepEqual(verdictsOf('no-context'), {
      'Deployment/web': { outcome: 'unavailable', reason: 'Error in configuration: context was not found for specified context: missing' },
    });
    const refused = verdictsOf('refused')['Deployment/web'];
    assert.equal(refused.outcome, 'unavailable');
    assert.match((refused as { reason: string }).reason, /dial tcp 127\.0\.0\.1:1: connect: connection refused/);
  });

  test('warnings are no errors; a failure naming no object goes to the lone open one; nothing said: the exit code', () => {
    const web: DryRunSubject = { key: 'w', kind: 'Deployment', group: 'apps', name: 'web' };
    assert.deepEqual(Object.fromEntries(dryRunVerdicts([web], { exitCode: 0, stdout: 'deployment.apps/web\n', stderr: 'Warning: spec.template: deprecated\n' })), {
      w: { outcome: 'accepted' },
    });
    assert.deepEqual(Object.fromEntries(dryRunVerdicts([web], { exitCode: 1, stdout: '', stderr: '' })), { w: { outcome: 'unavailable', reason: 'exit code 1' } });
    const unmapped = dryRunVerdicts([{ ...web, group: 'extensions' }], {
      exitCode: 1,
      stdout: '',
      stderr:
        'error: resource mapping not found for name: "web" namespace: "cap" from "STDIN": no matches for kind "Deployment" in version "extensions/v1beta1"\nensure CRDs are installed first\n',
    });
    assert.equal(unmapped.get('w')?.outcome, 'rejected');
  });

  test('field paths in server errors', () => {
    assert.deepEqual(
      serverFieldPaths('The Pod "p" is invalid: spec.containers[0].image: Required value, metadata.labels[app.kubernetes.io/name]: Invalid value: "-": x'),
      [
        ['spec', 'containers', 0, 'image'],
        ['metadata', 'labels', 'app.kubernetes.io/name'],
      ],
    );
    assert.deepEqual(serverFieldPaths(`The deployments "web" is invalid: : ${REPLICA_POLICY}`), []);
    assert.deepEqual(serverFieldPaths('no such shape'), []);
    assert.deepEqual(parseFieldPath('spec.template.spec.containers[1].ports[0].containerPort'), [
      'spec',
      'template',
      'spec',
      'containers',
      1,
      'ports',
      0,
      'containerPort',
    ]);
  });
});

const WEB: DryRunObject = { key: 'web', kind: 'Deployment', group: 'apps', name: 'web', namespace: 'shop', value: { kind: 'Deployment', metadata: { name: 'web' } } };
const API: DryRunObject = { ...WEB, key: 'api', name: 'api', value: { kind: 'Deployment', metadata: { name: 'api' } } };
const FAST: DryRunObject = { key: 'fast', kind: 'StorageClass', group: 'storage.k8s.io', name: 'fast', value: { kind: 'StorageClass', metadata: { name: 'fast' } } };

describe('the dry-run over the process runner: never a write', () => {
  test('every argument list carries --dry-run=server; anything else is refused before a process starts', () => {
    for (const args of [serverDryRunArguments('shop', 9), serverDryRunArguments(undefined, 1)]) {
      assert.equal(args.filter((a) => a.startsWith('--dry-run')).join(), '--dry-run=server');
      assert.deepEqual(assertDryRun(args), args);
    }
    assert.deepEqual(serverDryRunArguments('shop', 9), [
      'apply',
      '--dry-run=server',
      '--filename',
      '-',
      '--output',
      'name',
      '--namespace',
      'shop',
      '--request-timeout=9s',
    ]);
    for (const bad of [
      ['apply', '--filename', '-'],
      ['apply', '--dry-run=client', '--filename', '-'],
      ['apply', '--dry-run=none', '--filename', '-'],
      ['apply', '--dry-run', 'server'],
      ['apply', '--dry-run=server', '--dry-run=none'],
      ['delete', '--dry-run=server', 'deployment', 'web'],
    ]) {
      assert.throws(() => assertDryRun(bad), /Refusing to run kubectl .*: only `kubectl apply --dry-run=server` may run/);
    }
  });

  test('one kubectl per namespace, the objects as one List on stdin, with its deadline', async () => {
    const runner = new ScriptedProcessRunner((r) => ({
      stdout: r.args.includes('shop') ? 'deployment.apps/web\ndeployment.apps/api\n' : 'storageclass.storage.k8s.io/fast\n',
    }));
    const verdicts = await serverDryRun([WEB, FAST, API], { path: '/opt/kubectl', timeoutMs: 2_500, env: { KUBECONFIG: '/k' } }, runner);
    assert.deepEqual(Object.fromEntries(verdicts), { web: { outcome: 'accepted' }, api: { outcome: 'accepted' }, fast: { outcome: 'accepted' } });
    assert.equal(runner.requests.length, 2);
    for (const request of runner.requests) {
      assert.equal(request.executable, '/opt/kubectl');
      assert.ok(request.args.includes('--dry-run=server'), request.args.join(' '));
      assert.equal(request.timeoutMs, 2_500);
      assert.equal(request.atTimeout, 'terminate');
      assert.ok(request.args.includes('--request-timeout=1s'));
      assert.deepEqual(request.env, { KUBECONFIG: '/k' });
    }
    const shop = runner.requests.find((r) => r.args.includes('shop'))!;
    assert.equal(shop.stdin, dryRunInput([WEB, API]));
    assert.deepEqual(JSON.parse(String(shop.stdin)), { apiVersion: 'v1', kind: 'List', items: [WEB.value, API.value] });
    assert.ok(!runner.requests.find((r) => r !== shop)!.args.includes('--namespace'));
  });

  test('a deadline, a missing binary: no verdict, and why', async () => {
    const slow = new ScriptedProcessRunner(() => ({ exitCode: null, exitSignal: 'SIGKILL', timedOut: true, terminated: true }));
    assert.deepEqual(Object.fromEntries(await serverDryRun([WEB], { path: '', timeoutMs: 2_500 }, slow)), {
      web: { outcome: 'unavailable', reason: '`kubectl apply --dry-run=server` did not answer within 2.5 s' },
    });
    const missing = new ScriptedProcessRunner(() => notStarted('/x/kubectl', 'ENOENT'));
    assert.deepEqual(Object.fromEntries(await serverDryRun([WEB], { path: '/x/kubectl' }, missing)), {
      web: { outcome: 'unavailable', reason: 'kubectl could not be started (/x/kubectl: not found)' },
    });
  });
});

describe('pacing the dry-run while typing', () => {
  /** A fake clock and a recorded run that answers at once. */
  function paced() {
    let now = 1_000_000;
    const runs: string[][] = [];
    const schedule = new ServerDryRuns(
      async (objects) => {
        runs.push(objects.map((o) => JSON.stringify(o.value)));
        return new Map(objects.map((o) => [o.key, { outcome: 'accepted' as const }]));
      },
      () => now,
      // A short real interval for the timers; the fake clock decides what is due.
      50,
    );
    return { schedule, runs, advance: (ms: number) => (now += ms) };
  }
  const edit = (image: string): DryRunObject => ({ ...WEB, value: { ...WEB.value, image } });

  test(`the interval is ${DRY_RUN_INTERVAL_MS} ms by default`, () => {
    assert.equal(DRY_RUN_INTERVAL_MS, 3_000);
  });

  test('an unchanged object reuses its answer: no second kubectl', async () => {
    const { schedule, runs, advance } = paced();
    assert.deepEqual(Object.fromEntries(await schedule.verdicts([edit('a')], { path: '' })), { web: { outcome: 'accepted' } });
    advance(10_000);
    assert.deepEqual(Object.fromEntries(await schedule.verdicts([edit('a')], { path: '' })), { web: { outcome: 'accepted' } });
    assert.equal(runs.length, 1);
  });

  test('a burst of edits within the interval: only the last runs, the others are superseded', async () => {
    const { schedule, runs } = paced();
    await schedule.verdicts([edit('a')], { path: '' });
    const b = schedule.verdicts([edit('b')], { path: '' });
    const c = schedule.verdicts([edit('c')], { path: '' });
    const d = schedule.verdicts([edit('d')], { path: '' });
    assert.deepEqual(Object.fromEntries(await b), { web: { outcome: 'superseded' } });
    assert.deepEqual(Object.fromEntries(await c), { web: { outcome: 'superseded' } });
    assert.deepEqual(Object.fromEntries(await d), { web: { outcome: 'accepted' } });
    assert.deepEqual(
      runs.map((r) => r.map((v) => (JSON.parse(v) as { image: string }).image)),
      [['a'], ['d']],
    );
  });

  test('after the interval an edit runs at once; another kubeconfig is another cluster', async () => {
    const { schedule, runs, advance } = paced();
    await schedule.verdicts([edit('a')], { path: '' });
    advance(DRY_RUN_INTERVAL_MS);
    await schedule.verdicts([edit('b')], { path: '' });
    await schedule.verdicts([edit('b')], { path: '', env: { KUBECONFIG: '/other' } });
    assert.equal(runs.length, 3);
  });
});

describe('the verdicts joined with the offline findings', () => {
  const live = seedDeployment();
  live.metadata.namespace = 'shop';
  const selectorEdit = clone(live);
  selectorEdit.spec.selector.matchLabels = { app: 'nginx', tier: 'web' };
  selectorEdit.spec.template.metadata.labels = { app: 'nginx', tier: 'web' };
  const KEY = identityKey({ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'nginx-deployment' });

  /** The findings about the edited fields (the template's labels also start a rolling update, which is not the point here). */
  function analyse(edited: object, verdict?: DryRunVerdict): Finding[] {
    const baseline = parseManifest(toYaml(live)).objects[0];
    const findings = analyzeManifest({
      file: '/work/app.yaml',
      manifest: parseManifest(toYaml(edited)),
      baseline: { objects: new Map([[KEY, baseline]]), description: 'the live object in the cluster (`kubectl get`)' },
      ...(verdict ? { serverVerdicts: new Map([[KEY, verdict]]) } : {}),
    });
    return findings.filter((f) => f.code !== 'kubernetes/rolling-update');
  }

  test("a rejection on the field an offline rule reports: one finding, the server's words, the rule in the hover", () => {
    const offline = analyse(selectorEdit).find((f) => f.code === 'kubernetes/immutable-field')!;
    const answer = 'The Deployment "nginx-deployment" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"web"}}: field is immutable';
    const findings = analyse(selectorEdit, { outcome: 'rejected', message: answer, fields: [['spec', 'selector']] });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['kubernetes/server-rejected'],
    );
    const [finding] = findings;
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.range, offline.range);
    assert.equal(finding.path, offline.path);
    assert.equal(
      finding.message,
      `The cluster rejects this edit of Deployment \`nginx-deployment\` (server-side dry-run): \`${answer}\`. Applying it means deleting and re-creating the Deployment: all its pods go down at once.`,
    );
    assert.match(finding.detail!, /^\*\*The cluster answered\*\* \(`kubectl apply --dry-run=server`, which writes nothing\)/);
    assert.ok(finding.detail!.includes(offline.detail!), finding.detail);
  });

  test('a rejected edit starts no rollout: the rolling update goes with it, and comes back once the cluster accepts', () => {
    const imageAndSelector = clone(selectorEdit);
    imageAndSelector.spec.template.spec.containers[0].image = 'nginx:1.23.3';
    const findingsOf = (verdict: DryRunVerdict) =>
      analyzeManifest({
        file: '/work/app.yaml',
        manifest: parseManifest(toYaml(imageAndSelector)),
        baseline: { objects: new Map([[KEY, parseManifest(toYaml(live)).objects[0]]]), description: 'the live object in the cluster (`kubectl get`)' },
        serverVerdicts: new Map([[KEY, verdict]]),
      }).map((f) => f.code);
    const answer = 'The Deployment "nginx-deployment" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"web"}}: field is immutable';
    const rejected = findingsOf({ outcome: 'rejected', message: answer, fields: [['spec', 'selector']] });
    assert.ok(rejected.includes('kubernetes/server-rejected'), rejected.join(', '));
    assert.ok(!rejected.includes('kubernetes/rolling-update'), `the refused edit announces no rollout: ${rejected.join(', ')}`);
    const accepted = findingsOf({ outcome: 'accepted' });
    assert.ok(accepted.includes('kubernetes/rolling-update'), accepted.join(', '));
  });

  test("a rejection no offline rule knows (an admission policy): on the object's name, or the field it names", () => {
    const scaled = clone(live);
    scaled.spec.replicas = 7;
    const policy = `The deployments "nginx-deployment" is invalid: : ${REPLICA_POLICY}`;
    const [onName] = analyse(scaled, { outcome: 'rejected', message: policy, fields: [] }).filter((f) => f.code === 'kubernetes/server-rejected');
    const text = toYaml(scaled).split('\n');
    assert.match(text[onName.range.start.line], /^ {2}name: nginx-deployment$/);
    assert.equal(onName.path, undefined);
    const [onField] = analyse(scaled, {
      outcome: 'rejected',
      message: 'The Deployment "nginx-deployment" is invalid: spec.replicas: Invalid value: 7: x',
      fields: [['spec', 'replicas']],
    });
    assert.match(text[onField.range.start.line], /^ {2}replicas: 7$/);
    assert.equal(onField.path, 'spec.replicas');
  });

  test('an acceptance turns the offline immutable-field error into a hint that says so', () => {
    const findings = analyse(selectorEdit, { outcome: 'accepted' });
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.severity}`),
      ['kubernetes/server-accepted hint'],
    );
    assert.match(
      findings[0].message,
      /^The cluster accepts this edit of `spec\.selector` of Deployment `nginx-deployment` \(server-side dry-run\), although the offline rule calls the field immutable/,
    );
    assert.match(findings[0].detail!, /\*\*The offline rule said:\*\* `spec\.selector` of Deployment `nginx-deployment` cannot change after creation/);
  });

  test("no verdict: the offline findings stay, plus one note in kubectl's words", () => {
    const reason = 'Error in configuration: context was not found for specified context: missing';
    const findings = analyse(selectorEdit, { outcome: 'unavailable', reason });
    assert.deepEqual(findings.map((f) => f.code).sort(), ['kubernetes/baseline-unavailable', 'kubernetes/immutable-field']);
    const note = findings.find((f) => f.code === 'kubernetes/baseline-unavailable')!;
    assert.equal(note.severity, 'information');
    assert.equal(
      note.message,
      `No server-side dry-run, so the cluster's own checks (admission policies, webhooks, quota) were not asked and only the offline rules were applied: ${reason}`,
    );
  });
});

describe('check --kubernetes-baseline', () => {
  test('cluster or git; anything else is a usage error that says so', () => {
    assert.equal(parseCheckArguments(['--kubernetes-baseline', 'cluster', '--kubectl', '/opt/kubectl'], '/work').kubernetesBaseline, 'cluster');
    assert.equal(parseCheckArguments(['--kubernetes-baseline', 'cluster', '--kubectl', '/opt/kubectl'], '/work').kubectl, '/opt/kubectl');
    assert.equal(parseCheckArguments([], '/work').kubernetesBaseline, undefined);
    assert.throws(() => parseCheckArguments(['--kubernetes-baseline', 'live'], '/work'), {
      name: 'UsageError',
      message: '--kubernetes-baseline must be git or cluster (got "live").',
    });
    assert.throws(() => parseCheckArguments(['--kubernetes-baseline'], '/work'), { message: '--kubernetes-baseline needs a value.' });
  });
});
