/**
 * The plan graph: what the CLI's `graph --format json` prints, what the extension host posts to
 * the plan-graph webview, and what the CLI's HTML embeds. Built from `show -json` output by
 * core/src/plan/planGraph.ts; drawn by webview/src. Types only, so the browser bundle can
 * import it without pulling in any Node code.
 *
 * Every string in here comes from a plan (addresses, values, diagnostics) and may be hostile:
 * the webview renders all of them as text.
 */

import type { DeploymentWorkload } from './rollout';

/** The JSON shape's version: bump on a breaking change (tests outside the project read it). */
export const PLAN_GRAPH_VERSION = 1;

/**
 * The rolling update a change to a Kubernetes Deployment will start (hashicorp/kubernetes
 * `kubernetes_deployment` / `_v1`), read from the plan by core/src/plan/kubernetesWorkloadFromPlan.ts:
 * what the rollout timeline simulates when the details pane's "Show rollout timeline" is pressed.
 */
export interface PlanNodeRollout {
  workload: DeploymentWorkload;
  /** The old revision's pods before the change (the plan's `before` replicas), when not `workload.replicas`. */
  initialReplicas?: number;
  /** What was assumed (values known only after apply) and how a replacement is drawn. */
  notes?: string[];
}

/**
 * One per resource change. Mirrors `change.actions`:
 * create, update, delete, ["delete","create"] → replace-delete-first, ["create","delete"] → replace-create-first,
 * read, no-op, forget, ["create","forget"] → create-forget (Terraform), ["forget","create"] → forget-create (OpenTofu).
 */
export type PlanAction =
  'create' | 'update' | 'delete' | 'replace-delete-first' | 'replace-create-first' | 'read' | 'no-op' | 'forget' | 'create-forget' | 'forget-create';

/**
 * What the picture shows for a node: its action, except that a no-op (or update) that imports
 * shows as `import` and one that only moves shows as `move`. One colour and symbol per kind:
 * create +, update ~, delete -, replace-delete-first -/+, replace-create-first +/-, read <=,
 * import ⇐ (import), move → (moved), forget (forget), no-op (blank).
 */
export type PlanDisplayKind = 'create' | 'update' | 'delete' | 'replace-delete-first' | 'replace-create-first' | 'read' | 'import' | 'move' | 'forget' | 'no-op';

/** A value as the plan shows it, already made safe to print as text. */
export type PlanValue =
  /** Known: `text` is the HCL-like rendering (`"0700"`, `3`, `true`, `["a", "b"]`, `{ a = 1 }`), possibly truncated. */
  | { kind: 'known'; text: string; truncated?: boolean }
  /** `after_unknown`: "(known after apply)". */
  | { kind: 'unknown' }
  /** `before_sensitive` / `after_sensitive`: "(sensitive value)". */
  | { kind: 'sensitive' }
  /** Not set on this side (e.g. before of a create, or after of a delete). */
  | { kind: 'absent' };

/**
 * Why a replacement follows from another one in the same plan: the attribute that forces this
 * node's replacement reads a value of a resource that is itself replaced, and that value is known
 * only after apply (the new object's `id`, say), so the attribute is too. Read from the plan alone:
 * its configuration's references, followed through module arguments (`var.x`) and module outputs,
 * and its `after_unknown` values on both sides.
 */
export interface PlanReplacementCause {
  /**
   * The upstream that is replaced: its instance address when one instance is meant (the reference
   * names it, or the resource has one instance), else the resource's address, with its replaced
   * instances in `instances`.
   */
  address: string;
  /** Node ids of the replaced instances, when `address` names a resource with more than one (the first 100 of them). */
  instances?: string[];
  /** How many instances are replaced, when more than `instances` lists. */
  instanceCount?: number;
  /** This node's attribute that forces the replacement and reads the upstream (`triggers`). */
  dependentAttribute: string;
  /** The upstream's attribute read (`id`); absent when the expression reads the whole object. */
  attribute?: string;
  /** What the reference passes through, from this node outwards: `var.upstream`, `module.mid.b_id`. */
  through?: string[];
}

/**
 * A forcing attribute known only after apply that reads a local: the plan's configuration does not
 * describe locals, so what the local refers to (and so the upstream replacement) cannot be named.
 */
export interface PlanUnfollowedLocal {
  dependentAttribute: string;
  /** `local.a_id`. */
  local: string;
}

/** One changed attribute (or nested path), before → after. */
export interface AttributeChange {
  /** Terraform-style path: `file_permission`, `tags["Name"]`, `ingress[0].cidr_blocks`. */
  path: string;
  before: PlanValue;
  after: PlanValue;
  /**
   * This path (or one of its parents) is in `replace_paths`; also true when a `replace_paths` entry
   * lies inside this path, because a row that reports a whole attribute (a list whose length
   * changed) contains the part that forced the replacement.
   */
  forcesReplacement: boolean;
}

export interface PlanGraphNode {
  /** Unique in the graph; the resource address (with `deposed` key appended for a deposed object). */
  id: string;
  /** The full resource instance address, e.g. `module.app.aws_instance.web[0]`. */
  address: string;
  action: PlanAction;
  display: PlanDisplayKind;
  /** `module.a.module.b`, or '' in the root module. */
  module: string;
  /** `managed` or `data`. */
  mode: string;
  type: string;
  name: string;
  /** The instance key (`0`, `"blue"`) when the resource has count / for_each. */
  index?: string | number;
  providerName?: string;
  /** The address before a `moved` block. */
  previousAddress?: string;
  /** The import ID (or a rendering of the identity) when the change imports. */
  importId?: string;
  /** The deposed object key, for changes to a deposed object. */
  deposed?: string;
  /** Rendered `replace_paths` (same path syntax as AttributeChange.path). */
  replacePaths: string[];
  /** `action_reason` as written, e.g. `replace_because_cannot_update`. */
  actionReason?: string;
  /** One sentence a user can read: why this node is replaced / deleted / read. */
  reason?: string;
  /** Changed attributes only (unchanged ones are left out, as the CLI does). */
  changes: AttributeChange[];
  /** Changed attributes left out of `changes` to keep one node small (a change with hundreds of rows). */
  changesOmitted?: number;
  /** Changes made outside Terraform since the last apply (`resource_drift`). */
  drift?: AttributeChange[];
  /** A Kubernetes Deployment change that starts a rollout (an optional field: version 1 still). */
  rollout?: PlanNodeRollout;
  /** For a replacement: the upstream replacements that force it, through references (an optional field: version 1 still). */
  replacedBecause?: PlanReplacementCause[];
  /** For a replacement: forcing attributes known only after apply that read a local, whose cause the plan does not tell. */
  localsNotFollowed?: PlanUnfollowedLocal[];
}

/** `from` must exist before `to`: `to` refers to `from` (references, depends_on, module calls, prior state). */
export interface PlanGraphEdge {
  from: string;
  to: string;
}

export interface PlanGraphModule {
  /** `module.a.module.b`; the root module is ''. */
  address: string;
  /** The parent module's address ('' for a child of the root); absent for the root. */
  parent?: string;
  /** Node ids directly in this module. */
  nodeCount: number;
}

export interface PlanGraphOutput {
  name: string;
  action: PlanAction;
  before: PlanValue;
  after: PlanValue;
}

/** The counts behind the summary line (also `plan-summary --format json`). */
export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
  /** Replacements (each is also one add and one destroy). */
  replace: number;
  import: number;
  forget: number;
  /** Changes with a previous_address (moved). */
  move: number;
  /** Data sources read during apply. */
  read: number;
  noop: number;
}

export interface PlanGraphSummary extends PlanCounts {
  /** The summary line as the tool that wrote the plan prints it. */
  line: string;
}

export interface PlanGraph {
  version: typeof PLAN_GRAPH_VERSION;
  tool: 'terraform' | 'opentofu';
  toolVersion?: string;
  formatVersion: string;
  /** The plan errored: what it holds is partial. */
  errored: boolean;
  summary: PlanGraphSummary;
  nodes: PlanGraphNode[];
  edges: PlanGraphEdge[];
  modules: PlanGraphModule[];
  outputs: PlanGraphOutput[];
}
