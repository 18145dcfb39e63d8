/**
 * The rollout timeline's pure parts in Node: the page's input check, view model and layout over
 * real simulator output, the workload the command picks from a manifest, and the message guards.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { isHostToTimelineMessage, isShowRolloutTimelineArguments, isTimelineToHostMessage } from '../../common/src/rolloutMessages';
import { pickWorkload, workloadSpans } from '../../client/src/rollout/workloadAtCursor';
import { normalizeRolloutSettings as rolloutSettings } from '../../common/src/settings';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import {
  laneLabels,
  layoutTimeline,
  LABEL_WIDTH,
  MIN_LABEL_WIDTH,
  MIN_PLOT_WIDTH,
  RIGHT_MARGIN,
  stepPoints,
  timeAt,
  timeScale,
  timeTicks,
} from '../../webview/src/timeline/layout';
import { readRolloutTimeline, TimelineInputError } from '../../webview/src/timeline/timelineInput';
import { computeTimelineView, countsAt, formatSeconds, nextSync, phaseAt } from '../../webview/src/timeline/viewModel';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const SEED = readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const seedTimeline = () => simulateRollout(workloadsFromManifest(SEED)[0], { podStartSeconds: 5 });

const deployment = (name: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: c
          image: c:1
`;

describe('timeline view model', () => {
  test('the seed: a lane per simulated pod, its phases in order, the figures against the limits', () => {
    const timeline = seedTimeline();
    const view = computeTimelineView(timeline);
    assert.equal(view.title, 'Deployment nginx-deployment');
    assert.deepEqual(
      view.lanes.map((l) => [l.podName, l.revision, l.segments.map((s) => s.phase)]),
      timeline.lanes.map((l) => [l.podName, l.revision, l.phases.map((p) => p.phase)]),
    );
    assert.equal(view.end, 45, 'the axis runs until the last old pod is gone');
    assert.deepEqual(
      view.facts.map((f) => [f.label, f.value, f.warning ?? false]),
      [
        ['Duration', '15 s', false],
        ['Outcome', 'complete', false],
        ['Peak pods', '4 (limit 4 = 3 + maxSurge 1)', false],
        ['Lowest available', '3 (minimum 3 = 3 − maxUnavailable 0)', false],
        ['Pods replaced', '3', false],
        ['Last old pod gone', '45 s', false],
      ],
    );
    assert.equal(view.countMax, 4);
    assert.equal(view.syncs.length, timeline.syncs.length);
    assert.equal(view.syncs[1].title, `Sync 2 of ${timeline.syncs.length} · 5 s · reconcileOldReplicaSets`);
    assert.deepEqual(
      view.syncs[1].events.map((e) => [e.replicaSet, e.from, e.to]),
      [['nginx-deployment-old', 3, 2]],
    );
    assert.deepEqual(view.outcome, { t: 15, label: 'complete · 15 s', warning: false });
  });

  test('phaseAt takes the state right after a change; countsAt the counts after everything at that moment', () => {
    const view = computeTimelineView(seedTimeline());
    const newPod = view.lanes.find((l) => l.podName === 'nginx-deployment-new-1')!;
    assert.equal(phaseAt(newPod, 0), 'pending');
    assert.equal(phaseAt(newPod, 5), 'available');
    assert.equal(
      phaseAt(
        view.lanes.find((l) => l.podName === 'nginx-deployment-new-3')!,
        0,
      ),
      undefined,
      'not created yet',
    );
    assert.equal(phaseAt(view.lanes[0], 45), undefined, 'gone');
    assert.deepEqual(countsAt(view, 5), { available: 3, pods: 4 });
    assert.deepEqual(countsAt(view, 20), { available: 3, pods: 3 });
  });

  test('a timed-out rollout and Recreate downtime are called out', () => {
    const stuck = computeTimelineView(simulateRollout(workloadsFromManifest(deployment('stuck'))[0], { newPodsNeverReady: true }));
    assert.equal(stuck.facts.find((f) => f.label === 'Outcome')?.warning, true);
    assert.match(stuck.outcome.label, /^timed out · 10 min$/);
    const recreate = computeTimelineView(
      simulateRollout(workloadsFromManifest(deployment('re').replace('spec:\n  replicas', 'spec:\n  strategy: { type: Recreate }\n  replicas'))[0]),
    );
    const downtime = recreate.facts.find((f) => f.label === 'Downtime');
    assert.ok(downtime?.warning);
    assert.ok(recreate.downtime.length > 0);
  });

  test('formatSeconds and the step keys', () => {
    assert.deepEqual([0, 4.25, 59, 60, 90, 600, 3725].map(formatSeconds), ['0 s', '4.3 s', '59 s', '1 min', '1 min 30 s', '10 min', '1 h 2 min']);
    assert.equal(nextSync(0, 5, 'ArrowLeft'), 0);
    assert.equal(nextSync(0, 5, 'ArrowRight'), 1);
    assert.equal(nextSync(4, 5, 'ArrowRight'), 4);
    assert.equal(nextSync(2, 5, 'Home'), 0);
    assert.equal(nextSync(2, 5, 'End'), 4);
    assert.equal(nextSync(2, 5, 'a'), undefined);
    assert.equal(nextSync(0, 0, 'ArrowRight'), undefined);
  });
});

describe('timeline layout', () => {
  test('lanes stack under the axis, bars sit on the time scale, the chart follows with its limits', () => {
    const view = computeTimelineView(seedTimeline());
    const layout = layoutTimeline(view, 1000);
    assert.equal(layout.width, 1000);
    assert.equal(layout.plotLeft, LABEL_WIDTH);
    assert.equal(layout.plotRight, 1000 - RIGHT_MARGIN);
    const x = timeScale(view.end, layout.plotLeft, layout.plotRight);
    for (const [i, lane] of layout.lanes.entries()) {
      if (i > 0) assert.ok(lane.y > layout.lanes[i - 1].y + lane.height - 1, 'lanes do not overlap');
      for (const segment of lane.segments) {
        assert.equal(segment.x, x(segment.start));
        assert.ok(Math.abs(segment.x + segment.width - x(segment.end)) < 1e-9);
      }
    }
    assert.ok(layout.chart.top > layout.lanesBottom);
    // The limit (4 pods) above the minimum (3 available); the available line never below the minimum.
    assert.ok(layout.chart.maxPodsY < layout.chart.minAvailableY);
    assert.ok(layout.chart.available.every(([, y]) => y <= layout.chart.minAvailableY + 1e-9));
    assert.ok(layout.chart.pods.every(([, y]) => y >= layout.chart.maxPodsY - 1e-9));
    assert.equal(layout.chart.yTicks.length, 5);
    assert.equal(layout.ticks[0].label, '0 s');
    assert.equal(layout.outcome.x, x(15));
  });

  test('a narrow viewport keeps a minimum plot width; labels only where the bar is wide enough', () => {
    const view = computeTimelineView(seedTimeline());
    const layout = layoutTimeline(view, 100);
    assert.equal(layout.width, MIN_LABEL_WIDTH + MIN_PLOT_WIDTH + RIGHT_MARGIN);
    assert.equal(layout.plotLeft, MIN_LABEL_WIDTH);
    assert.equal(layout.compact, true);
    const labels = layout.lanes.flatMap((l) => l.segments).map((s) => [s.width, s.label]);
    assert.ok(
      labels.some(([, label]) => label === undefined),
      'a 5 s bar in a 160 px plot is too narrow to label',
    );
    assert.ok(labels.every(([width, label]) => label === undefined || (width as number) >= (label as string).length * 6.5 + 8));
  });

  test('the label column shrinks with the viewport, and narrow labels keep what tells the pods apart', () => {
    const view = computeTimelineView(seedTimeline());
    assert.equal(layoutTimeline(view, 1000).compact, false);
    assert.deepEqual(
      layoutTimeline(view, 1000).lanes.map((lane) => lane.label),
      view.lanes.map((lane) => lane.label),
    );
    const narrow = layoutTimeline(view, 360);
    assert.ok(narrow.plotLeft < LABEL_WIDTH && narrow.plotLeft >= MIN_LABEL_WIDTH);
    assert.ok(narrow.width <= 360);
    assert.deepEqual(laneLabels(['nginx-deployment-7d9f8c6b5-x2x9z', 'nginx-deployment-7d9f8c6b5-q8w1e', 'nginx-deployment-5f6c4d7b8-a1b2c'], 150), [
      '…7d9f8c6b5-x2x9z',
      '…7d9f8c6b5-q8w1e',
      '…5f6c4d7b8-a1b2c',
    ]);
    assert.deepEqual(laneLabels(['web-0', 'web-1'], 150), ['web-0', 'web-1'], 'names that fit stay whole');
    assert.deepEqual(laneLabels(['a-very-long-single-pod-name-that-cannot-fit'], 100), ['a-very-l…'], 'one name: cut at the end');
  });

  test('step points, ticks and the inverse time scale', () => {
    const line = stepPoints(
      [
        { t: 0, value: 3 },
        { t: 0, value: 4 },
        { t: 5, value: 3 },
      ],
      (t) => t * 10,
      (v) => 100 - v,
      100,
    );
    assert.deepEqual(line, [
      [0, 97],
      [0, 97],
      [0, 96],
      [50, 96],
      [50, 97],
      [100, 97],
    ]);
    assert.deepEqual(timeTicks(45, 700), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    assert.deepEqual(timeTicks(3600, 300), [0, 900, 1800, 2700, 3600]);
    assert.equal(timeAt(240 + 380, 45, 240, 1000), 22.5);
    assert.equal(timeAt(0, 45, 240, 1000), 0);
  });
});

describe('timeline input', () => {
  test('accepts the simulator output and rejects what would draw nonsense, readably', () => {
    const timeline = seedTimeline();
    // (Absent optional fields come back as undefined: compare as JSON.)
    const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    assert.deepEqual(json(readRolloutTimeline(json(timeline))), json(timeline));
    const broken = (change: (t: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(timeline)) as Record<string, unknown>;
      change(copy);
      return () => readRolloutTimeline(copy);
    };
    assert.throws(() => readRolloutTimeline('x'), TimelineInputError);
    assert.throws(
      broken((t) => (t.version = 2)),
      /timeline version 1; it was given version 2/,
    );
    assert.throws(
      broken((t) => (t.kind = 'Job')),
      /kind is not/,
    );
    assert.throws(
      broken((t) => ((t.lanes as Array<{ podName: unknown }>)[0].podName = 7)),
      /lanes\[0\]\.podName is not a string/,
    );
    assert.throws(
      broken((t) => ((t.lanes as Array<{ phases: Array<{ end: unknown }> }>)[1].phases[0].end = Number.NaN)),
      /lanes\[1\]\.phases\[0\]\.end is not a finite number/,
    );
    assert.throws(
      broken((t) => ((t.lanes as Array<{ phases: Array<{ phase: unknown }> }>)[1].phases[0].phase = 'exploded')),
      /phase is not one of/,
    );
    assert.throws(
      broken((t) => ((t.events as Array<{ sync: unknown }>)[0].sync = 99)),
      /events\[0\]\.sync names no sync/,
    );
    assert.throws(
      broken((t) => ((t.limits as Record<string, unknown>).maxPods = '4')),
      /limits\.maxPods is not a finite number/,
    );
  });
});

describe('the workload the command picks', () => {
  const MANIFEST = `# two workloads and a Service
${deployment('a')}---
apiVersion: v1
kind: Service
metadata:
  name: svc
---
# b's comment
${deployment('b')}`;
  const lines = MANIFEST.split('\n');
  const lineOf = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text));

  test('spans run from the document start (its comments) to the next document', () => {
    const workloads = workloadsFromManifest(MANIFEST);
    const spans = workloadSpans(MANIFEST, workloads);
    assert.deepEqual(
      spans.map((s) => [s.workload.name, s.startLine, s.endLine]),
      [
        ['a', 0, lineOf('---')],
        ['b', lineOf('---', lineOf('kind: Service')), lines.length],
      ],
    );
  });

  test('the cursor decides; outside any workload, a quick pick of all; the lens names one', () => {
    const workloads = workloadsFromManifest(MANIFEST);
    const name = (pick: ReturnType<typeof pickWorkload>) => [pick.workload?.name, pick.candidates.map((w) => w.name)];
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, { line: lineOf('image: c:1') })), ['a', ['a']]);
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, { line: lineOf("b's comment") })), ['b', ['b']]);
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, { line: lineOf('name: svc') })), [undefined, ['a', 'b']]);
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, {})), [undefined, ['a', 'b']]);
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, { kind: 'Deployment', name: 'b', line: 0 })), ['b', ['b']]);
    assert.deepEqual(name(pickWorkload(MANIFEST, workloads, { kind: 'Deployment', name: 'gone' })), [undefined, ['a', 'b']]);
    // One workload in the file: no question to ask.
    const single = deployment('only');
    assert.deepEqual(name(pickWorkload(single, workloadsFromManifest(single), { line: 999 })), ['only', ['only']]);
  });

  test('the same name in two namespaces: the lens line decides', () => {
    const text = `${deployment('x').replace('name: x\n', 'name: x\n  namespace: one\n')}---\n${deployment('x').replace('name: x\n', 'name: x\n  namespace: two\n')}`;
    const workloads = workloadsFromManifest(text);
    const second = text.split('\n').findIndex((l) => l.includes('namespace: two'));
    assert.equal(pickWorkload(text, workloads, { kind: 'Deployment', name: 'x', line: second }).workload?.namespace, 'two');
    assert.equal(pickWorkload(text, workloads, { kind: 'Deployment', name: 'x' }).workload, undefined);
  });

  test('settings: bad values fall back to the defaults', () => {
    assert.deepEqual(rolloutSettings({ podStartSeconds: 12, nodes: 7 }), { podStartSeconds: 12, nodes: 7 });
    assert.deepEqual(rolloutSettings({ podStartSeconds: -1, nodes: 2.5 }), { podStartSeconds: 5, nodes: 3 });
    assert.deepEqual(rolloutSettings({ podStartSeconds: '5', nodes: null }), { podStartSeconds: 5, nodes: 3 });
  });
});

describe('rollout message guards', () => {
  test('only our messages and arguments pass', () => {
    assert.ok(isTimelineToHostMessage({ type: 'ready' }));
    assert.ok(isTimelineToHostMessage({ type: 'renderError', message: 'x' }));
    assert.ok(!isTimelineToHostMessage({ type: 'reveal', address: 'x' }));
    assert.ok(!isTimelineToHostMessage('ready'));
    assert.ok(isHostToTimelineMessage({ type: 'showTimeline', timelineId: 'a', source: 's', timeline: {} }));
    assert.ok(!isHostToTimelineMessage({ type: 'showTimeline', timelineId: 'a', source: 's', timeline: null }));
    assert.ok(isShowRolloutTimelineArguments({ uri: 'file:///a.yaml', kind: 'Deployment', name: 'n', line: 3 }));
    assert.ok(isShowRolloutTimelineArguments({ uri: 'file:///a.yaml' }));
    assert.ok(!isShowRolloutTimelineArguments({ uri: '' }));
    assert.ok(!isShowRolloutTimelineArguments({ uri: 'file:///a.yaml', line: -1 }));
    assert.ok(!isShowRolloutTimelineArguments({ uri: 'file:///a.yaml', name: 5 }));
  });
});
