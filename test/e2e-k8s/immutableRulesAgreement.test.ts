/**
 * The immutable-field rules against a real kube-apiserver. Every row of the shared edit table
 * (test/support/immutableFieldCases.ts) is played on a real control plane: in a fresh namespace its
 * prerequisites and the deployed object are created with `kubectl apply -f -` (so the object carries
 * the last-applied annotation, as a user's cluster has it), its status is written where the row
 * gives one (no controller runs here to write it), and the edited object is sent with
 * `kubectl apply --dry-run=server -f -`. The server's verdict (rejected or not) and its exact
 * message are compared with the rules' verdict and the line our finding quotes (`kubectlAnswer`).
 *
 * Two differences are compared apart and named in the table rather than failed:
 * - the diff (go-cmp) the server appends to the Pod, PersistentVolumeClaim and PersistentVolume
 *   messages: go-cmp makes its layout unstable on purpose, so we quote up to it;
 * - a value we elide (`{…}`): the whole stored pod template of a Job, with its defaults and the
 *   Job's generated uid, which no manifest holds.
 * A row whose server answer cannot agree names its reason in `serverException`; the test fails on any
 * other disagreement, on an exception that is no longer needed, and when the committed table
 * test/e2e-k8s/immutable-rules-agreement-table.md differs from the one generated (regenerate:
 * `UPDATE_IMMUTABLE_AGREEMENT_TABLE=1 node --test out/test/e2e-k8s/immutableRulesAgreement.test.js`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { ELIDED_OBJECT, ELIDED_STRING, KUBERNETES_MESSAGES_VERSION, kubectlInvalidText } from '../../core/src/kubernetes/apiErrorText';
import { immutableFieldViolations, type ImmutableViolation } from '../../core/src/kubernetes/immutableFieldRules';
import { startControlPlane, type ControlPlane } from '../support/controlPlane';
import { editedObject, IMMUTABLE_FIELD_CASES, type ImmutableFieldCase, type Obj } from '../support/immutableFieldCases';
import { limiter } from '../support/limiter';
import { disposeServers } from '../support/serverProcesses';
import { repoRoot } from '../support/tofu';

const TABLE_FILE = path.join(repoRoot, 'test', 'e2e-k8s', 'immutable-rules-agreement-table.md');
const UPDATE = process.env.UPDATE_IMMUTABLE_AGREEMENT_TABLE === '1';
const REGENERATE = 'UPDATE_IMMUTABLE_AGREEMENT_TABLE=1 node --test out/test/e2e-k8s/immutableRulesAgreement.test.js';
/** Rows played at once (the machines have 2 cores; each row is a few kubectl calls). */
const CONCURRENCY = 4;

const CLUSTER_SCOPED = new Set(['PersistentVolume', 'StorageClass']);
/** Where each kind's objects live in the API, for the status writes. */
const RESOURCES: Record<string, string> = { PersistentVolumeClaim: 'persistentvolumeclaims', PersistentVolume: 'persistentvolumes' };

type MessageAgreement = 'exact' | 'exact up to the diff' | 'exact up to the elided value' | 'differs' | '—';

interface Outcome {
  row: ImmutableFieldCase;
  kind: string;
  serverRejected: boolean;
  /** The server's answer as kubectl printed it, warnings left out; empty when accepted. */
  serverMessage: string;
  oursRejected: boolean;
  /** Our violations are warnings only. */
  oursWarning: boolean;
  ourMessage: string;
  verdictAgrees: boolean;
  message: MessageAgreement;
  /** Set when the deployed object itself could not be created. */
  setupFailure?: string;
}

let plane: ControlPlane;

describe('immutable-field rules vs. a real kube-apiserver', () => {
  before(async () => {
    plane = await startControlPlane();
  });
  after(async () => {
    await plane?.dispose();
    await disposeServers();
  });

  test('the quoted messages are pinned to the version of the server under test', async () => {
    assert.equal(KUBERNETES_MESSAGES_VERSION, plane.version);
    const served = (await plane.api('GET', '/version')).body as { gitVersion?: string };
    assert.equal(served.gitVersion, `v${KUBERNETES_MESSAGES_VERSION}`);
  });

  test('every row: the same verdict and the same message as the server', async () => {
    const run = limiter(CONCURRENCY);
    const outcomes = await Promise.all(IMMUTABLE_FIELD_CASES.map((row, index) => run(() => play(row, index))));
    const table = renderTable(outcomes);
    console.log(`\n${table}`);
    const problems: string[] = [];
    for (const o of outcomes) {
      const agrees = o.verdictAgrees && o.message !== 'differs';
      if (!agrees && !o.row.serverException) {
        problems.push(
          `${o.row.name}: server ${verdict(o.serverRejected)} (${o.serverMessage || o.setupFailure || 'no message'}), ours ${verdict(o.oursRejected)} (${o.ourMessage || 'no message'})`,
        );
      }
      if (agrees && o.row.serverException) problems.push(`${o.row.name}: agrees with the server, so its exception ("${o.row.serverException}") is no longer true`);
    }
    if (UPDATE) writeFileSync(TABLE_FILE, table);
    else if (!existsSync(TABLE_FILE) || readFileSync(TABLE_FILE, 'utf8') !== table) {
      problems.push(`${path.relative(repoRoot, TABLE_FILE)} is out of date: regenerate it with ${REGENERATE}`);
    }
    assert.equal(problems.length, 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
  });
});

async function play(row: ImmutableFieldCase, index: number): Promise<Outcome> {
  const namespace = await plane.namespace(`imm${index}`);
  // Stable, so that the names in the messages (and the table) are the same on every run.
  const place = placer(row, namespace, `r${index}`);
  const deployed = place(row.before);
  const edited = place(editedObject(row));
  const kind = String(row.before.kind);
  const ours = immutableFieldViolations({
    kind,
    group: groupOf(edited),
    version: versionOf(edited),
    name: String(edited.metadata.name),
    before: deployed,
    after: edited,
  });
  // A warning says the server will likely refuse it (e.g. an address only the server knows): counted as rejected.
  const oursRejected = ours.length > 0;
  const ourMessage =
    ours.length > 0
      ? kubectlInvalidText(
          kind,
          String(edited.metadata.name),
          ours.map((v) => v.error),
        )
      : '';
  const oursWarning = ours.length > 0 && ours.every((v) => v.severity === 'warning');
  const base = { row, kind, oursRejected, oursWarning, ourMessage };

  for (const prerequisite of row.prerequisites ?? []) await plane.kubectlOk(['apply', '-f', '-'], stringify(place(prerequisite)));
  const created = await plane.kubectl(['apply', '-f', '-'], stringify(deployed));
  if (created.exitCode !== 0) {
    const failure = withoutWarnings(created.stderr);
    return { ...base, serverRejected: true, serverMessage: '', setupFailure: `the deployed object could not be created: ${failure}`, verdictAgrees: false, message: '—' };
  }
  if (row.status) {
    const resource = RESOURCES[kind];
    const where = CLUSTER_SCOPED.has(kind) ? '' : `/namespaces/${namespace}`;
    const response = await plane.api('PATCH', `/api/v1${where}/${resource}/${deployed.metadata.name}/status`, { status: row.status });
    if (response.status !== 200) throw new Error(`${row.name}: writing the status failed: HTTP ${response.status} ${response.text}`);
  }
  const answer = await plane.kubectl(['apply', '--dry-run=server', '-f', '-'], stringify(edited));
  const serverRejected = answer.exitCode !== 0;
  const serverMessage = serverRejected ? withoutWarnings(answer.stderr) : '';
  const verdictAgrees = serverRejected === oursRejected;
  return { ...base, serverRejected, serverMessage, verdictAgrees, message: compareMessages(serverMessage, ourMessage, ours, verdictAgrees && serverRejected) };
}

/**
 * The row's objects as the test cluster holds them: namespaced ones in the row's namespace,
 * cluster-scoped ones (and the claims' references to them) renamed with the row's suffix, so that rows
 * never share an object.
 */
function placer(row: ImmutableFieldCase, namespace: string, suffix: string): (object: Obj) => Obj {
  const own = new Set([row.before, ...(row.prerequisites ?? [])].filter((o) => CLUSTER_SCOPED.has(String(o.kind))).map((o) => String(o.metadata.name)));
  const rename = (name: unknown) => (typeof name === 'string' && own.has(name) ? `${name}-${suffix}` : name);
  return (object) => {
    const copy = structuredClone(object);
    copy.metadata = { ...copy.metadata };
    if (CLUSTER_SCOPED.has(String(copy.kind))) copy.metadata.name = rename(copy.metadata.name);
    else copy.metadata.namespace = namespace;
    if (copy.spec && typeof copy.spec.storageClassName === 'string') copy.spec.storageClassName = rename(copy.spec.storageClassName);
    return copy;
  };
}

function groupOf(object: Obj): string {
  const apiVersion = String(object.apiVersion);
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function versionOf(object: Obj): string {
  return String(object.apiVersion).split('/').pop()!;
}

/** kubectl's stderr without the server's warnings (`Warning: …`) and the trailing newline. */
function withoutWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('Warning: '))
    .join('\n')
    .trim();
}

/** kubectl's answer without the diffs: its first line and the `* <error>` lines of several errors; a diff's lines are the others. */
function withoutDiffs(message: string): { text: string; cut: boolean } {
  const lines = message.split('\n');
  const kept = lines.filter((line, i) => i === 0 || line.startsWith('* '));
  return { text: kept.join('\n'), cut: kept.length !== lines.length };
}

function compareMessages(server: string, ours: string, violations: ImmutableViolation[], bothRejected: boolean): MessageAgreement {
  if (!bothRejected) return '—';
  if (server === ours) return 'exact';
  const { text, cut } = withoutDiffs(server);
  const diffed = cut && violations.some((v) => v.error.diffFollows);
  if (diffed && text === ours) return 'exact up to the diff';
  if (violations.some((v) => v.error.valueElided)) {
    // Our `{…}` stands for one JSON object of the server's, our `"…"` for one string.
    const source = ours
      .split(ELIDED_OBJECT)
      .map((part) => part.split(ELIDED_STRING).map(escapeRegExp).join('"[^"]*"'))
      .join('\\{.*\\}');
    const pattern = new RegExp(`^${source}$`, 's');
    if (pattern.test(diffed ? text : server)) return 'exact up to the elided value';
  }
  return 'differs';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server's message as the table shows it, the same on every run: without the diff, an elided value
 * elided (it holds a generated uid or an allocated address), and the row's namespace and any uid named
 * by placeholders.
 */
function shownMessage(o: Outcome): string {
  const text =
    o.message === 'exact up to the elided value'
      ? `${o.ourMessage} (the server prints the value)`
      : (o.setupFailure ?? withoutDiffs(o.serverMessage).text) + (o.message === 'exact up to the diff' ? ' (+ diff)' : '');
  return text.replace(/\bimm\d+-[0-9a-f]{8}\b/g, '<namespace>').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>');
}

function verdict(rejected: boolean): string {
  return rejected ? 'rejected' : 'accepted';
}

function renderTable(outcomes: Outcome[]): string {
  const count = (p: (o: Outcome) => boolean) => outcomes.filter(p).length;
  const rejectedBoth = outcomes.filter((o) => o.serverRejected && o.oursRejected && o.verdictAgrees);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
  const lines = [
    `# Immutable-field rules vs. kube-apiserver ${KUBERNETES_MESSAGES_VERSION}`,
    '',
    `Generated by \`test/e2e-k8s/immutableRulesAgreement.test.ts\` (regenerate: \`${REGENERATE}\`).`,
    'Each row of test/support/immutableFieldCases.ts: the deployed object created with `kubectl apply -f -` in a fresh namespace',
    '(its status written where a controller would have), the edit sent with `kubectl apply --dry-run=server -f -`.',
    '"ours" is `immutableFieldViolations` and the line the finding quotes (`kubectlAnswer`); the server message is',
    'kubectl\'s stderr without warnings and without the diff the server appends to Pod, PVC and PV spec errors ("+ diff");',
    'a value we elide (`{…}`, `"…"`: a Job\'s whole stored pod template, an allocated address) is shown as we quote it, and a',
    "row's namespace and a generated uid as `<namespace>` and `<uid>`.",
    'Only etcd and the API server run: no controller, scheduler or kubelet. Update validation needs none of them (a Pod stays',
    'Pending, a Job never starts); what a controller would have written, a claim bound with the capacity it asked for, is',
    'written through the status subresource.',
    '',
    `- rows: ${outcomes.length}`,
    `- verdicts agree: ${count((o) => o.verdictAgrees)} (rejected by both: ${rejectedBoth.length}, accepted by both: ${count((o) => o.verdictAgrees && !o.serverRejected)})`,
    `- messages of rows both reject: ${count((o) => o.message === 'exact')} exact, ${count((o) => o.message === 'exact up to the diff')} exact up to the diff, ` +
      `${count((o) => o.message === 'exact up to the elided value')} exact up to the elided value, ${count((o) => o.message === 'differs')} differ`,
    `- named exceptions: ${count((o) => o.row.serverException !== undefined)}`,
    '',
    '| case | kind | field | server | ours | server message | agree | reason |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...outcomes.map((o) => {
      const server = o.setupFailure ? 'cannot hold it' : verdict(o.serverRejected);
      const agree = o.verdictAgrees ? (o.message === '—' ? 'yes' : o.message === 'differs' ? 'verdict only' : `yes (${o.message})`) : 'no';
      const ours = verdict(o.oursRejected) + (o.oursWarning ? ' (warning)' : '');
      return `| ${cell(o.row.name)} | ${o.kind} | \`${o.row.field}\` | ${server} | ${ours} | ${cell(shownMessage(o))} | ${agree} | ${cell(o.row.serverException ?? '')} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
