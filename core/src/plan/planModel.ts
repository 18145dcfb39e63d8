/**
 * The model of a `terraform show -json` / `tofu show -json` plan: what each resource change will do.
 * Pure (no LSP or vscode imports) so the CLI, the server and the graph share it.
 */
import type { PlanAction } from '../../../common/src/planGraph';

/** Thrown for input that is not a plan this code understands: broken JSON, an unknown major format version, a state. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

export type PlanTool = 'terraform' | 'opentofu';

/** One action per resource change (the mapping from `change.actions` is documented with the type). */
export type { PlanAction };

export interface PlanResourceChange {
  address: string;
  /** `module.a.module.b`, or undefined in the root module. */
  moduleAddress?: string;
  mode: string;
  type: string;
  name: string;
  action: PlanAction;
  /** `change.importing` is present (the object itself is kept, e.g. `{ "id": … }` or `{ "identity": … }`). */
  importing?: Record<string, unknown>;
  /** The address before a `moved` block. */
  previousAddress?: string;
  /** Paths (lists of keys/indexes) whose change forces replacement. */
  replacePaths?: unknown[][];
  actionReason?: string;
}

export interface PlanModel {
  /** `format_version`, or HCP's `plan_format_version` for a redacted plan. */
  formatVersion: string;
  /** True for HCP Terraform's redacted plan (`plan_format_version`, no `format_version`). */
  redacted: boolean;
  tool: PlanTool;
  /** `terraform_version` as written (OpenTofu writes its own version there too). */
  toolVersion?: string;
  resourceChanges: PlanResourceChange[];
  /** Number of `action_invocations` (Terraform ≥ 1.14). */
  actionInvocations: number;
  /** Outputs whose change is not a no-op (`output_changes`): the renderer shows them. */
  outputChanges: number;
  /** Number of `deferred_changes` (Terraform's partial plans). */
  deferredChanges: number;
  errored: boolean;
}

const ACTIONS: Record<string, PlanAction> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  'delete,create': 'replace-delete-first',
  'create,delete': 'replace-create-first',
  read: 'read',
  'no-op': 'no-op',
  forget: 'forget',
  'create,forget': 'create-forget',
  'forget,create': 'forget-create',
};

/** The action of a `change.actions` list (of a resource or an output change); undefined for a list this code does not know. */
export function planActionOf(actions: unknown): PlanAction | undefined {
  if (!Array.isArray(actions)) return undefined;
  const key = actions.join(',');
  // Own keys only: `["constructor"]` in a hostile plan must not find Object.prototype's members.
  return Object.prototype.hasOwnProperty.call(ACTIONS, key) ? ACTIONS[key] : undefined;
}

const SUPPORTED_MAJORS = new Set([0, 1]);

/** True when parsed JSON looks like a plan (not a state or something else). */
export function looksLikePlan(json: unknown): boolean {
  if (!isObject(json)) return false;
  return 'plan_format_version' in json || 'resource_changes' in json || 'planned_values' in json || 'action_invocations' in json;
}

export function parsePlanJson(text: string): PlanModel {
  return planFromJson(parsePlanText(text));
}

/**
 * The plan's JSON document, or PlanFormatError for broken JSON. For callers that build more than
 * the model from the same document (the graph): a 50 MB plan is parsed once.
 */
export function parsePlanText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanFormatError(`The plan is not valid JSON (${(error as Error).message}).`);
  }
}

export function planFromJson(json: unknown): PlanModel {
  if (!isObject(json)) throw new PlanFormatError('The plan JSON is not an object.');
  const redacted = json.format_version === undefined && json.plan_format_version !== undefined;
  const version = redacted ? json.plan_format_version : json.format_version;
  if (typeof version !== 'string') throw new PlanFormatError('The plan JSON has no format_version (nor plan_format_version): is it `terraform show -json` output?');
  const major = /^(\d+)\.\d+$/.exec(version);
  if (!major || !SUPPORTED_MAJORS.has(Number(major[1]))) {
    throw new PlanFormatError(`Unsupported plan format version "${version}": supported are 0.x and 1.x.`);
  }
  if (!looksLikePlan(json)) throw new PlanFormatError('The JSON is not a plan (no resource_changes or planned_values): a state? Use `terraform show -json PLANFILE`.');
  const rawChanges = json.resource_changes ?? [];
  if (!Array.isArray(rawChanges)) throw new PlanFormatError('resource_changes is not a list.');
  const resourceChanges = rawChanges.map(parseResourceChange);
  const toolVersion = typeof json.terraform_version === 'string' ? json.terraform_version : undefined;
  return {
    formatVersion: version,
    redacted,
    tool: detectTool(json),
    toolVersion,
    resourceChanges,
    actionInvocations: Array.isArray(json.action_invocations) ? json.action_invocations.length : 0,
    outputChanges: countOutputChanges(json.output_changes),
    deferredChanges: Array.isArray(json.deferred_changes) ? json.deferred_changes.length : 0,
    errored: json.errored === true,
  };
}

function parseResourceChange(raw: unknown, index: number): PlanResourceChange {
  const where = `resource_changes[${index}]`;
  if (!isObject(raw) || !isObject(raw.change)) throw new PlanFormatError(`${where} has no change object.`);
  const actions = raw.change.actions;
  if (!Array.isArray(actions)) throw new PlanFormatError(`${where}.change.actions is not a list.`);
  const action = planActionOf(actions);
  if (!action) throw new PlanFormatError(`${where} (${String(raw.address)}) has unknown actions ${JSON.stringify(actions)}.`);
  const change: PlanResourceChange = {
    address: String(raw.address ?? ''),
    mode: String(raw.mode ?? 'managed'),
    type: String(raw.type ?? ''),
    name: String(raw.name ?? ''),
    action,
  };
  if (typeof raw.module_address === 'string') change.moduleAddress = raw.module_address;
  if (isObject(raw.change.importing)) change.importing = raw.change.importing;
  if (typeof raw.previous_address === 'string') change.previousAddress = raw.previous_address;
  if (Array.isArray(raw.change.replace_paths)) change.replacePaths = raw.change.replace_paths as unknown[][];
  if (typeof raw.action_reason === 'string') change.actionReason = raw.action_reason;
  return change;
}

function countOutputChanges(raw: unknown): number {
  if (!isObject(raw)) return 0;
  let count = 0;
  for (const change of Object.values(raw)) {
    const actions = isObject(change) ? change.actions : undefined;
    if (Array.isArray(actions) && !(actions.length === 1 && actions[0] === 'no-op')) count++;
  }
  return count;
}

/**
 * Terraform or OpenTofu. Both write `terraform_version` (OpenTofu writes its own version there), so
 * the version alone can't tell them apart. The heuristic: OpenTofu's default registry is
 * `registry.opentofu.org`, so any provider address in the plan (`provider_name`, provider config
 * `full_name`) under it means OpenTofu; so does the OpenTofu-only action `["forget","create"]`.
 * Everything else — including plans whose providers all come from
 * other registries or the pre-0.13 short names — is read as Terraform.
 */
export function detectTool(json: Record<string, unknown>): PlanTool {
  const changes = Array.isArray(json.resource_changes) ? json.resource_changes : [];
  for (const c of changes) {
    if (isObject(c) && typeof c.provider_name === 'string' && c.provider_name.startsWith('registry.opentofu.org/')) return 'opentofu';
    if (isObject(c) && isObject(c.change) && Array.isArray(c.change.actions) && c.change.actions.join(',') === 'forget,create') return 'opentofu';
  }
  const config = json.configuration;
  if (isObject(config) && isObject(config.provider_config)) {
    for (const p of Object.values(config.provider_config)) {
      if (isObject(p) && typeof p.full_name === 'string' && p.full_name.startsWith('registry.opentofu.org/')) return 'opentofu';
    }
  }
  return 'terraform';
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
