/** `immutable-infra rollout` and `rollout --reconcile`, run as the built CLI (node dist/cli.js). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rollout');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

after(cleanupTempDirs);

describe('immutable-infra rollout MANIFEST', () => {
  test('json: the documented shape (docs/cli.md) for the seed Deployment', async () => {
    const result = await run(['rollout', 'nginx-deployment.yaml', '--format', 'json'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['workloads']);
    const [workload] = json.workloads;
    assert.deepEqual(
      {
        kind: workload.kind,
        name: workload.name,
        durationSeconds: workload.durationSeconds,
        maxPods: workload.maxPods,
        minAvailable: workload.minAvailable,
        timedOut: workload.timedOut,
      },
      { kind: 'Deployment', name: 'nginx-deployment', durationSeconds: 15, maxPods: 4, minAvailable: 3, timedOut: false },
    );
    assert.deepEqual(workload.events, [
      { t: 0, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 0, to: 1 },
      { t: 5, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 3, to: 2 },
      { t: 5, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 1, to: 2 },
      { t: 10, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 2, to: 1 },
      { t: 10, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 2, to: 3 },
      { t: 15, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 1, to: 0 },
    ]);
  });

  test('--ready-after sets the assumed start time; --name picks one workload of several', async () => {
    const result = await run(['rollout', 'workloads.yaml', '--name', 'api', '--ready-after', '20', '--format', 'json'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    const { workloads } = JSON.parse(result.stdout);
    assert.deepEqual(
      workloads.map((w: { name: string }) => w.name),
      ['api'],
    );
    // 10 replicas, maxSurge 3, maxUnavailable 25% → 2: pods available 20 + 5 (minReadySeconds) s after creation.
    assert.equal(workloads[0].events[0].t, 0);
    assert.ok(workloads[0].events.some((e: { t: number }) => e.t === 25));
    assert.equal(workloads[0].maxPods, 13);
    assert.equal(workloads[0].minAvailable, 8);
  });

  test('text: every workload in the file, with its steps and assumptions', async () => {
    const result = await run(['rollout', 'workloads.yaml', '--nodes', '2'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^StatefulSet web: RollingUpdate \(OrderedReady\), 3 replicas/m);
    assert.match(result.stdout, /^DaemonSet agent: RollingUpdate, 2 nodes, maxSurge 1, maxUnavailable 0/m);
    assert.match(result.stdout, /^Deployment api: RollingUpdate, 10 replicas, maxSurge 3, maxUnavailable 2/m);
    assert.match(result.stdout, /complete after \d+ s/);
    assert.match(result.stdout, /assumes: pods start 5 s after creation \(--ready-after\), Ready 10 s later \(readiness probe\)/);
  });

  test('exit 2 with a message: unreadable file, invalid manifest, no such workload, bad flags', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'bad.yaml': 'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}}\n',
      'svc.yaml': 'kind: Service\nmetadata: {name: a}\n',
    });
    const cases: [string[], RegExp][] = [
      [['rollout', 'missing.yaml'], /Cannot read missing\.yaml/],
      [['rollout', 'bad.yaml'], /bad\.yaml:1: Deployment "a": spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0/],
      [['rollout', 'svc.yaml'], /svc\.yaml has no Deployment, StatefulSet or DaemonSet to simulate/],
      [['rollout', path.join(FIXTURES, 'workloads.yaml'), '--name', 'nope'], /has no Deployment, StatefulSet or DaemonSet named "nope"/],
      [['rollout', 'bad.yaml', '--ready-after', 'soon'], /--ready-after must be a non-negative number of seconds/],
      [['rollout', 'bad.yaml', '--format', 'yaml'], /--format must be text, json or html \(got "yaml"\)/],
      [['rollout'], /rollout needs a MANIFEST file/],
      [['rollout', 'a.yaml', '--reconcile', 'state.json'], /--reconcile takes only a STATE\.json file/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });
});

/** The page's parts: its CSP, its scripts, its embedded timeline, and its markup without the script bodies. */
function pageParts(html: string) {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1].replace(/&#39;/g, "'");
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map(([, attributes, body]) => ({ attributes, body }));
  const data = scripts.find((script) => script.attributes === ' type="application/json" id="rollout-timeline"');
  const markup = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>');
  return { csp, scripts, timeline: data ? JSON.parse(data.body) : undefined, dataBody: data?.body ?? '', markup };
}

describe('immutable-infra rollout MANIFEST -o FILE (the HTML timeline)', () => {
  test('-o writes one self-contained page: a CSP with a nonce, the bundle inlined under it, the timeline embedded, nothing external', async () => {
    const dir = tempDir();
    const result = await run(['rollout', path.join(FIXTURES, 'nginx-deployment.yaml'), '-o', 'timeline.html'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'the page goes to the file, not stdout');
    const html = readFileSync(path.join(dir, 'timeline.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en" data-state="loading">/);
    const { csp, scripts, timeline, markup } = pageParts(html);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(csp ?? '')?.[1];
    assert.ok(nonce, `a script nonce in the CSP: ${csp}`);
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`);
    assert.deepEqual(
      scripts.map((script) => script.attributes),
      [' type="application/json" id="rollout-timeline"', ` nonce="${nonce}"`],
      'two scripts: the data block and the inlined bundle (no src)',
    );
    assert.ok(scripts[1].body.length > 10_000, 'the timeline bundle is inlined');
    assert.doesNotMatch(markup, /\ssrc=|\shref=|<link|<iframe|url\(|@import|https?:/i, 'the markup loads nothing');
    assert.equal(timeline.kind, 'Deployment');
    assert.equal(timeline.name, 'nginx-deployment');
    assert.deepEqual(
      timeline.lanes.map((lane: { revision: string }) => lane.revision),
      ['old', 'old', 'old', 'new', 'new', 'new'],
    );
    assert.equal(timeline.summary.durationSeconds, 15);
    assert.match(html, /<title>Rollout timeline — Deployment nginx-deployment<\/title>/);

    // A fresh nonce each time; --format html prints the same page to stdout.
    const again = await run(['rollout', 'nginx-deployment.yaml', '--format', 'html', '--ready-after', '20'], FIXTURES);
    assert.equal(again.code, 0, again.stderr);
    const second = pageParts(again.stdout);
    assert.notEqual(second.csp, csp);
    assert.equal(second.timeline.assumptions.podStartSeconds, 20, '--ready-after reaches the page');
    assert.equal(second.scripts[1].body, scripts[1].body);
  });

  test('hostile names are embedded as escaped JSON that nothing can break out of', async () => {
    const dir = tempDir();
    const name = '</script><script>alert(1)</script><!-- & \u2028';
    writeFiles(dir, {
      'hostile.yaml': readFileSync(path.join(FIXTURES, 'nginx-deployment.yaml'), 'utf8').replace(/^  name: nginx-deployment$/m, `  name: ${JSON.stringify(name)}`),
    });
    const result = await run(['rollout', 'hostile.yaml', '-o', 'out.html'], dir);
    assert.equal(result.code, 0, result.stderr);
    const html = readFileSync(path.join(dir, 'out.html'), 'utf8');
    const { timeline, dataBody } = pageParts(html);
    assert.doesNotMatch(dataBody, /[<>&\u2028\u2029]/);
    assert.equal(timeline.name, name, 'the JSON still reads back as the name');
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    assert.match(html, /<title>Rollout timeline — Deployment &#60;\/script&#62;&#60;script&#62;alert\(1\)/);
  });

  test('-o with --format text or json writes that format to the file', async () => {
    const dir = tempDir();
    const json = await run(['rollout', path.join(FIXTURES, 'nginx-deployment.yaml'), '--format', 'json', '-o', 'rollout.json'], dir);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'rollout.json'), 'utf8')).workloads[0].name, 'nginx-deployment');
    const text = await run(['rollout', path.join(FIXTURES, 'nginx-deployment.yaml'), '--output', 'rollout.txt', '--format', 'text'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(readFileSync(path.join(dir, 'rollout.txt'), 'utf8'), /^Deployment nginx-deployment: RollingUpdate, 3 replicas/);
  });

  test('exit 2 with a message, and no file: no workload, an unknown --name, several workloads, an unwritable path, bad flags', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'svc.yaml': 'kind: Service\nmetadata: {name: a}\n',
      'twins.yaml': 'kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n---\nkind: StatefulSet\nmetadata: {name: web}\nspec: {replicas: 2}\n',
      'sub/keep.txt': '',
    });
    const workloads = path.join(FIXTURES, 'workloads.yaml');
    const cases: [string[], RegExp][] = [
      [['rollout', 'svc.yaml', '-o', 'timeline.html'], /^immutable-infra: svc\.yaml has no Deployment, StatefulSet or DaemonSet to simulate\.$/m],
      [['rollout', workloads, '--name', 'nope', '-o', 'timeline.html'], /workloads\.yaml has no Deployment, StatefulSet or DaemonSet named "nope"\./],
      [
        ['rollout', workloads, '-o', 'timeline.html'],
        /workloads\.yaml has 3 workloads \(StatefulSet web, DaemonSet agent, Deployment api\); an HTML timeline shows one: pick it with --name NAME\./,
      ],
      [['rollout', workloads, '--format', 'html'], /has 3 workloads .*pick it with --name NAME/],
      [
        ['rollout', 'twins.yaml', '--name', 'web', '-o', 'timeline.html'],
        /twins\.yaml has 2 workloads named "web" \(Deployment web, StatefulSet web\); an HTML timeline shows one, and --name cannot tell them apart\./,
      ],
      [
        ['rollout', path.join(FIXTURES, 'nginx-deployment.yaml'), '-o', 'no/such/dir/timeline.html'],
        /^immutable-infra: Cannot write no\/such\/dir\/timeline\.html: ENOENT/m,
      ],
      [['rollout', path.join(FIXTURES, 'nginx-deployment.yaml'), '-o', 'sub'], /^immutable-infra: Cannot write sub: EISDIR/m],
      [['rollout', 'svc.yaml', '-o'], /-o needs a value\./],
      [['rollout', 'svc.yaml', '--format', 'svg'], /--format must be text, json or html \(got "svg"\)/],
      [
        ['rollout', '--reconcile', 'state.json', '-o', 'next.json'],
        /--reconcile takes only a STATE\.json file \(no MANIFEST, --name, --ready-after, --nodes, -o or --format html\)/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '');
    }
    assert.ok(!existsSync(path.join(dir, 'timeline.html')), 'nothing written on an error');
  });

  test('--help shows the option', async () => {
    const result = await run(['--help'], ROOT);
    assert.match(result.stdout, /rollout MANIFEST \[--name NAME\] \[--ready-after SECONDS\] \[--nodes N\] \[-o FILE\] \[--format text\|json\|html\]/);
  });
});

describe('immutable-infra rollout --reconcile STATE.json', () => {
  const state = (body: object) => {
    const dir = tempDir();
    writeFiles(dir, { 'state.json': JSON.stringify(body) });
    return dir;
  };

  test('the documented example (docs/cli.md): one sync creates the new ReplicaSet (3) and scales the old one to 8', async () => {
    const input = {
      replicas: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 2 } },
      minReadySeconds: 0,
      newReplicaSet: null,
      oldReplicaSets: [{ replicas: 10, availableReplicas: 10 }],
    };
    const result = await run(['rollout', '--reconcile', 'state.json'], state(input));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      ...input,
      newReplicaSet: { replicas: 3, availableReplicas: 0 },
      oldReplicaSets: [{ replicas: 8, availableReplicas: 8 }],
      action: 'scale-down',
    });
  });

  test('scale-up first, scale-down once the new pods are available, none while they are not', async () => {
    const base = { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 2 } }, minReadySeconds: 0 };
    const reconcile = async (newReplicaSet: object, oldReplicaSets: object[]) => {
      const result = await run(['rollout', '--reconcile', 'state.json'], state({ ...base, newReplicaSet, oldReplicaSets }));
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    // 11 of at most 13 pods: the new set grows by 2; its pods are not available yet.
    assert.deepEqual(await reconcile({ replicas: 3, availableReplicas: 3 }, [{ replicas: 8, availableReplicas: 8 }]), {
      ...base,
      newReplicaSet: { replicas: 5, availableReplicas: 3 },
      oldReplicaSets: [{ replicas: 8, availableReplicas: 8 }],
      action: 'scale-up',
    });
    // At 13 with all available: 13 − 8 available floor → remove 5 old pods.
    assert.deepEqual(await reconcile({ replicas: 5, availableReplicas: 5 }, [{ replicas: 8, availableReplicas: 8 }]), {
      ...base,
      newReplicaSet: { replicas: 5, availableReplicas: 5 },
      oldReplicaSets: [{ replicas: 3, availableReplicas: 3 }],
      action: 'scale-down',
    });
    // 13 − 8 − 5 unavailable new pods = 0: stuck until they become available.
    assert.equal((await reconcile({ replicas: 5, availableReplicas: 0 }, [{ replicas: 8, availableReplicas: 8 }])).action, 'none');
  });

  test('exit 2 on a state that is not the shape', async () => {
    const cases: [unknown, RegExp][] = [
      [{ replicas: -1 }, /replicas must be a non-negative integer/],
      [{ replicas: 3, strategy: { type: 'Rolling' } }, /strategy\.type must be "RollingUpdate" or "Recreate"/],
      [{ replicas: 3, strategy: { rollingUpdate: { maxSurge: '5' } } }, /maxSurge must be a non-negative integer or a percentage/],
      [{ replicas: 3, oldReplicaSets: [{ replicas: 3 }] }, /oldReplicaSets\[0\]\.availableReplicas must be a non-negative integer/],
      [[1, 2], /STATE must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const result = await run(['rollout', '--reconcile', 'state.json'], state(body as object));
      assert.equal(result.code, 2, JSON.stringify(body));
      assert.match(result.stderr, message);
    }
    const dir = tempDir();
    writeFiles(dir, { 'state.json': '{ not json' });
    const result = await run(['rollout', '--reconcile', 'state.json'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /state\.json is not JSON/);
  });
});
