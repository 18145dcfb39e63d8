/**
 * The words of the Kubernetes findings: for each code, what the rule found (its facts) in, the
 * message and the hover's markdown out. The rules decide; this module only says it, so that the
 * editor, the CLI and SARIF read the same sentence, and a change of wording is one edit here.
 */
import * as path from 'node:path';
import { analysisFailedRuleText, type AnalysisFailedFacts } from './analysisFailureText';
import type { KubernetesFindingCode } from '../../../common/src/findings';
import { fieldErrorText, KUBERNETES_MESSAGES_VERSION, kubectlInvalidText, type FieldError } from '../kubernetes/apiErrorText';
import { parseImageReference, type FloatingReason } from '../kubernetes/imageReference';
import { DEFAULT_ROLLING_VALUE, scaledValue, type Fenceposts, type IntOrPercent, type RolloutEstimate } from '../kubernetes/rolloutEstimate';
import type { FindingText, RuleText } from './ruleText';

/** What "delete and re-create" means for each kind: the second half of an immutable-field message. */
const RECREATE_CONSEQUENCE: Record<string, string> = {
  Deployment: 'Applying it means deleting and re-creating the Deployment: all its pods go down at once.',
  ReplicaSet: 'Applying it means deleting and re-creating the ReplicaSet: all its pods go down at once.',
  DaemonSet: 'Applying it means deleting and re-creating the DaemonSet: its pod on every node goes down at once.',
  StatefulSet:
    'Applying it means deleting the StatefulSet (with `--cascade=orphan` to keep its pods and claims) and re-creating it; claim templates never change existing PersistentVolumeClaims, so moving data needs a migration.',
  Job: 'Applying it means deleting and re-creating the Job: its work runs again from the start, and its finished pods and their logs are removed.',
  Pod: 'Applying it means deleting and re-creating the pod: its containers stop, and nothing but you re-creates a bare pod.',
  Service: 'Applying it means deleting and re-creating the Service: it gets new addresses, and traffic to it is interrupted.',
  PersistentVolumeClaim: 'Deleting the claim to re-create it can delete its volume and the data on it (reclaim policy `Delete` is the default for provisioned volumes).',
  PersistentVolume: 'Re-creating the PersistentVolume object keeps the data on its storage only if its reclaim policy is `Retain`.',
  ConfigMap: 'Create a ConfigMap under a new name instead (e.g. with a content hash suffix) and point the workloads at it.',
  Secret: 'Create a Secret under a new name instead (e.g. with a content hash suffix) and point the workloads at it.',
  StorageClass: 'Re-creating the StorageClass leaves existing volumes as they are; only new claims get the new settings.',
};

/** An edit the API server refuses. */
export interface ImmutableFieldFacts {
  kind: string;
  name: string;
  /** The field, as a dotted path. */
  field: string;
  /** The error the API server (of KUBERNETES_MESSAGES_VERSION) answers. */
  error: FieldError;
  /** One sentence: the rule. */
  rule: string;
  note?: string;
  ruleSource: string;
  /** Where the deployed version comes from: `the file at git HEAD (abc1234)`. */
  baseline: string;
  before: string;
  after: string;
}

/** A pod template edit: the first changed field, and how many others changed. */
export interface TemplateChange {
  field: string;
  otherFields: number;
  name: string;
  /** Seconds from a pod's creation until it is available. */
  readyAfter: number;
}

export type RollingUpdateFacts = TemplateChange &
  (
    | {
        workload: 'Deployment';
        replicas: number;
        /** As written; absent: the default. */
        maxSurge?: IntOrPercent;
        maxUnavailable?: IntOrPercent;
        fenceposts: Fenceposts;
        estimate: RolloutEstimate;
      }
    /** maxSurge/maxUnavailable that are neither integers nor percentages. */
    | { workload: 'Deployment'; fenceposts: undefined }
    | { workload: 'StatefulSet'; replicas: number; replaced: number; partition?: number }
    | { workload: 'DaemonSet'; maxUnavailable: unknown; maxSurge: unknown }
  );

export interface RecreateFacts extends TemplateChange {
  replicas: number;
}

export interface LocalStateFacts {
  /** The volume's name (or index). */
  volume: string;
  name: string;
  type: 'emptyDir' | 'hostPath';
}

export type KubernetesFileProblem = { problem: 'too-large'; file: string; bytes: number; limitBytes: number };

export interface KubernetesFacts {
  'kubernetes/immutable-field': ImmutableFieldFacts;
  'kubernetes/rolling-update': RollingUpdateFacts;
  'kubernetes/recreate-downtime': RecreateFacts;
  'kubernetes/mutable-image-tag': { image: string; reason: FloatingReason; container: string };
  'kubernetes/no-readiness-probe': { kind: string; name: string };
  'kubernetes/immutable-config-changed': ImmutableFieldFacts;
  'kubernetes/local-state': LocalStateFacts;
  'kubernetes/templated-file': { fileName: string; helm: boolean; line: number };
  /** The YAML parser's words. */
  'kubernetes/syntax-error': { error: string };
  /** The baseline reader's own words. */
  'kubernetes/baseline-unavailable': { reason: string };
  'kubernetes/file-unreadable': KubernetesFileProblem;
  'kubernetes/analysis-failed': AnalysisFailedFacts;
  'kubernetes/server-rejected': ServerRejectedFacts;
  'kubernetes/server-accepted': ServerAcceptedFacts;
}

/** The cluster refused an edited object in a server-side dry-run. */
export interface ServerRejectedFacts {
  kind: string;
  name: string;
  /** The server's words, as kubectl printed them. */
  answer: string;
  /** The offline finding the server's answer takes the place of (same field): its code and hover. */
  agrees?: { code: 'kubernetes/immutable-field' | 'kubernetes/immutable-config-changed'; detail?: string };
}

/** The cluster accepted an edited object that an offline rule calls immutable. */
export interface ServerAcceptedFacts {
  kind: string;
  name: string;
  field: string;
  /** The offline finding's message. */
  ruleMessage: string;
}

export const KUBERNETES_RULE_TEXT: { [C in KubernetesFindingCode]: RuleText<KubernetesFacts[C]> } = {
  'kubernetes/immutable-field': {
    description: 'A changed field is immutable for its kind: the API server rejects the update, and applying it means deleting and re-creating the object.',
    render: (facts) => immutableFieldText(facts, `\`${facts.field}\` of ${facts.kind} \`${facts.name}\` cannot change after creation`),
  },
  'kubernetes/rolling-update': {
    description: 'A pod template change starts a rolling update that replaces the pods.',
    render: rollingUpdateText,
  },
  'kubernetes/recreate-downtime': {
    description: 'A pod template change with strategy Recreate stops every pod before new ones start.',
    render: (facts) => ({
      message:
        `Changing ${changedField(facts)} replaces the pods of Deployment \`${facts.name}\` with strategy Recreate: all ${facts.replicas} pod${facts.replicas === 1 ? '' : 's'} ` +
        `stop before any new one starts, so it is down for ${formatDuration(facts.readyAfter)} or longer. Use RollingUpdate unless two versions must never run together.`,
      detail: `The Recreate strategy scales the old ReplicaSet to 0 and waits for its pods to terminate before it creates the new ones. ${assumption(facts)}`,
    }),
  },
  'kubernetes/mutable-image-tag': {
    description:
      'An image referenced by a tag its publisher moves (none, latest, a channel, a snapshot) or may move (a version line without a patch number, such as 1.23) can change under the same name.',
    render: ({ image, reason, container }) => ({
      message: floatingImageMessage(image, reason, container),
      detail:
        'An image, once built and tagged, should never change. `latest` (which no tag means), channel names such as `stable` and `-SNAPSHOT` tags ' +
        'are re-pointed by their publisher; a version line without a patch number, such as `1.23` or `16`, is re-pointed by some publishers and never by others. ' +
        'Where a tag is re-pointed, a rollback, a restart or a new node can pull different code. A digest pins the exact image.',
    }),
  },
  'kubernetes/no-readiness-probe': {
    description: 'A rolling workload has no readiness probe, so the rollout cannot protect availability.',
    render: ({ kind, name }) => ({
      message:
        `No container of ${kind} \`${name}\` has a readinessProbe: a new pod counts as available as soon as it starts, ` +
        'so the rolling update removes old pods before the new ones can serve, and cannot protect availability. Add a readinessProbe.',
      detail:
        'A pod is Ready when all its containers are; a container without a readiness probe is ready once started. The rollout only waits for ' +
        '*available* pods (Ready for minReadySeconds), so without a probe it proceeds at full speed even when the new version is broken.',
    }),
  },
  'kubernetes/immutable-config-changed': {
    description: 'The contents of an immutable ConfigMap or Secret changed: the API server rejects the update.',
    render: (facts) => immutableFieldText(facts, `${facts.kind} \`${facts.name}\` is immutable (\`immutable: true\`), so \`${facts.field}\` cannot change`),
  },
  'kubernetes/local-state': {
    description: 'A Deployment keeps data in emptyDir or hostPath, which does not survive the pod being replaced.',
    render: ({ volume, name, type }) => {
      const what = type === 'emptyDir' ? 'an emptyDir' : 'a hostPath';
      const where = type === 'emptyDir' ? 'is deleted with its pod' : 'stays on its node, and the replacement pod may land on another';
      return {
        message:
          `Volume \`${volume}\` of Deployment \`${name}\` is ${what}, which ${where}: every rollout replaces the pods, ` +
          'so keep state that must survive outside them (a PersistentVolumeClaim, or a managed database or object store).',
        detail: 'Immutable infrastructure replaces rather than patches: whatever lives inside a replaced pod is gone after the next rollout, restart or eviction.',
      };
    },
  },
  'kubernetes/templated-file': {
    description: 'A templated manifest (e.g. a Helm chart) was not checked.',
    render: ({ fileName, helm, line }) => ({
      message:
        `${fileName} is ${helm ? 'a Helm template' : 'a template'} (\`{{ … }}\` at line ${line}): its Kubernetes objects exist only once it is rendered, ` +
        'so it was not checked for immutable fields or rollouts. Render it (e.g. `helm template`) into a file and check that.',
    }),
  },
  'kubernetes/syntax-error': {
    description: 'The manifest has a YAML syntax error.',
    render: ({ error }) => ({ message: `${error} (YAML). kubectl cannot read this document, and its objects were not checked.` }),
  },
  'kubernetes/baseline-unavailable': {
    description: 'No git baseline to compare the manifest with.',
    render: ({ reason }) => ({ message: reason }),
    // The message says it all, on every manifest: a hover would only repeat it.
    hover: false,
  },
  'kubernetes/file-unreadable': {
    description: 'The manifest could not be analysed.',
    render: ({ file, bytes, limitBytes }) => ({
      message:
        `${path.basename(file)} is ${(bytes / 1024 / 1024).toFixed(1)} MB, over the ${limitBytes / 1024 / 1024} MB limit for analysis: ` +
        'it was not checked. A manifest this large is usually generated; check its generator or split it.',
    }),
  },
  'kubernetes/analysis-failed': analysisFailedRuleText('this file'),
  'kubernetes/server-rejected': {
    description:
      'The cluster rejects the edited object in a server-side dry-run (validation of its version, admission policies, webhooks, custom resource rules, quota): kubectl apply will fail.',
    render: ({ kind, name, answer, agrees }) => ({
      message:
        `The cluster rejects this edit of ${kind} \`${name}\` (server-side dry-run): \`${answer}\`.` +
        (agrees?.code === 'kubernetes/immutable-field' ? ` ${RECREATE_CONSEQUENCE[kind] ?? 'Applying it means deleting and re-creating the object.'}` : ''),
      detail: [
        `**The cluster answered** (\`kubectl apply --dry-run=server\`, which writes nothing): \`${answer}\``,
        'This answer includes what only the cluster knows: the validation of the version it runs, its admission policies and webhooks, custom resource rules and quota.',
        agrees?.detail ? `**The offline rule agrees:**\n\n${agrees.detail}` : undefined,
      ]
        .filter(Boolean)
        .join('\n\n'),
    }),
  },
  'kubernetes/server-accepted': {
    description: 'The cluster accepts, in a server-side dry-run, an edit that an offline rule calls immutable: the version it runs allows it.',
    render: ({ kind, name, field, ruleMessage }) => ({
      message:
        `The cluster accepts this edit of \`${field}\` of ${kind} \`${name}\` (server-side dry-run), although the offline rule calls the field immutable: ` +
        'the API server this cluster runs allows the change, so kubectl apply will not fail on it.',
      detail: `**The cluster answered** (\`kubectl apply --dry-run=server\`, which writes nothing): accepted.\n\n**The offline rule said:** ${ruleMessage}`,
    }),
  },
};

function immutableFieldText(facts: ImmutableFieldFacts, lead: string): FindingText {
  const answer = kubectlInvalidText(facts.kind, facts.name, [facts.error]);
  const consequence = RECREATE_CONSEQUENCE[facts.kind] ?? 'Applying it means deleting and re-creating the object.';
  const detail = [
    `**Rule:** ${facts.rule}`,
    facts.note ? `**Note:** ${facts.note}` : undefined,
    `**Kubernetes ${KUBERNETES_MESSAGES_VERSION} answers:** \`${fieldErrorText(facts.error)}\`${answerRemark(facts.error)}`,
    `**Baseline:** ${facts.baseline}: \`${facts.before}\` → \`${facts.after}\``,
    `**Source:** ${facts.ruleSource}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return { message: `${lead}: kubectl apply will fail with \`${answer}\`. ${consequence}`, detail };
}

/** What the quote leaves out, said after it. */
function answerRemark(error: FieldError): string {
  const remarks = [
    error.diffFollows ? 'followed by a diff of the old and new values' : undefined,
    error.valueElided ? 'where `…` stands for the value the server prints in full' : undefined,
  ].filter(Boolean);
  return remarks.length > 0 ? `, ${remarks.join(', and ')}.` : '';
}

function rollingUpdateText(facts: RollingUpdateFacts): FindingText {
  const field = changedField(facts);
  if (facts.workload === 'StatefulSet') {
    const { replicas, replaced, partition } = facts;
    return {
      message:
        `Changing ${field} starts a rolling update of StatefulSet \`${facts.name}\`: ${replaced} pod${replaced === 1 ? '' : 's'} replaced one at a time, ` +
        `highest ordinal first, at most ${replicas} running and at least ${Math.max(0, replicas - 1)} available at once, ${formatDuration(replaced * facts.readyAfter)}.`,
      detail: `A StatefulSet deletes each pod and waits for its replacement to be Running and Ready before the next one${partition !== undefined ? `; pods with an ordinal below the partition (${partition}) keep the old template` : ''}. ${assumption(facts)}`,
    };
  }
  if (facts.workload === 'DaemonSet') {
    const { maxUnavailable, maxSurge } = facts;
    return {
      message:
        `Changing ${field} starts a rolling update of DaemonSet \`${facts.name}\`: the pod on every node is replaced, ` +
        `at most ${String(maxUnavailable)} node${maxUnavailable === 1 ? '' : 's'} without a ready pod at a time (maxSurge ${String(maxSurge)}), about ${facts.readyAfter} s per step.`,
      detail: `How long it takes depends on the number of nodes, which the manifest doesn't say. ${assumption(facts)}`,
    };
  }
  if (facts.fenceposts === undefined) {
    return {
      message: `Changing ${field} starts a rolling update of Deployment \`${facts.name}\`, but maxSurge/maxUnavailable are not integers or percentages, so the API server will reject the Deployment.`,
    };
  }
  const { replicas, fenceposts, estimate } = facts;
  const show = (raw: IntOrPercent | undefined, resolved: number, roundUp: boolean) => {
    const value = raw ?? DEFAULT_ROLLING_VALUE;
    return typeof value === 'string' && scaledValue(value, replicas, roundUp) !== undefined ? `${value} → ${resolved}` : String(resolved);
  };
  const surgeText = show(facts.maxSurge, fenceposts.maxSurge, true);
  // The 0/0 → 1 adjustment is the controller's, not rounding: say so.
  const unavailableRounded = scaledValue(facts.maxUnavailable ?? DEFAULT_ROLLING_VALUE, replicas, false);
  const unavailableText =
    unavailableRounded === 0 && fenceposts.maxUnavailable === 1
      ? `${facts.maxUnavailable ?? DEFAULT_ROLLING_VALUE} → 0, raised to 1 because maxSurge is also 0`
      : show(facts.maxUnavailable, fenceposts.maxUnavailable, false);
  return {
    message:
      `Changing ${field} starts a rolling update of Deployment \`${facts.name}\`: ${replicas} pod${replicas === 1 ? '' : 's'} replaced, ` +
      `at most ${estimate.peakPods} running and at least ${estimate.minAvailable} available at once ` +
      `(maxSurge ${surgeText}, maxUnavailable ${unavailableText}), ${formatDuration(estimate.durationSeconds)}.`,
    detail:
      `maxSurge rounds up and maxUnavailable rounds down against ${replicas} replicas; when both come to 0 the controller allows 1 unavailable. ` +
      `The controller creates new pods up to ${replicas + fenceposts.maxSurge} in total, and removes old ones only while at least ${replicas - fenceposts.maxUnavailable} stay available. ` +
      `${estimate.waves} wait${estimate.waves === 1 ? '' : 's'} for new pods to become available. ${assumption(facts)}`,
  };
}

/** `` `spec.template.spec.containers[0].image` (and 2 more fields) ``. */
function changedField({ field, otherFields }: TemplateChange): string {
  return `\`${field}\`${otherFields > 0 ? ` (and ${otherFields} more field${otherFields === 1 ? '' : 's'})` : ''}`;
}

function assumption({ readyAfter }: TemplateChange): string {
  return `Assumes every pod becomes available about ${readyAfter} s after it is created (the readiness probe's delay and period plus minReadySeconds, or 15 s without a probe).`;
}

/** `about 45 s`, `about 2 min 30 s`. */
function formatDuration(seconds: number): string {
  if (seconds < 60) return `about ${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `about ${minutes} min` : `about ${minutes} min ${rest} s`;
}

function floatingImageMessage(image: string, reason: FloatingReason, container: string): string {
  const { repository, tag } = parseImageReference(image);
  if (reason === 'version-line') {
    const line = /^v?\d+\./.test(tag ?? '')
      ? 'a tag without a patch number, which some images move to each new patch release'
      : 'a tag with only a major version number, which some images move to each new release of that major version';
    return (
      `Image \`${image}\` of container \`${container}\` uses \`${tag}\`, ${line}: it may change under the same name, ` +
      `and where it does, pods created later run different code. A digest (\`${repository}@sha256:…\`) pins it, as does a full version where the image publishes one.`
    );
  }
  const why: Record<Exclude<FloatingReason, 'version-line'>, string> = {
    'no-tag': `has no tag, so it means \`${repository}:latest\``,
    latest: 'uses the tag `latest`',
    channel: `uses the channel tag \`${tag}\``,
    snapshot: `uses the snapshot tag \`${tag}\``,
  };
  return (
    `Image \`${image}\` of container \`${container}\` ${why[reason]}: the image it names changes when a new one is pushed, ` +
    `so pods created later can run different code. Pin a full version (\`${repository}:1.2.3\`) or a digest (\`${repository}@sha256:…\`).`
  );
}
