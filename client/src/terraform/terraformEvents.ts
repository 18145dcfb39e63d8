/**
 * The machine-readable UI of `terraform|tofu plan|apply -json`: one JSON object per stdout line,
 * each with `@level`, `@message`, `@module`, `@timestamp` and a `type` that says which other field
 * carries the payload (`hook`, `change`, `changes`, `outputs`, `diagnostic`). Terraform and OpenTofu
 * share the format (UI version 1.x) and differ only at the edges: the `version` message names the
 * tool in its own key (`terraform` / `tofu`), and ephemeral resources are reported as
 * `ephemeral_op_*` by Terraform, `ephemeral_action_*` by OpenTofu. Pure: text in, typed events out.
 */

/** The address block every hook and change carries (`jsonentities.ResourceAddr`). */
export interface UiResourceAddress {
  /** Full instance address: `module.a.local_file.x["k"]`. */
  addr: string;
  /** Module path (`module.a`), empty in the root module. */
  module: string;
  /** The address within the module: `local_file.x["k"]`. */
  resource: string;
  impliedProvider: string;
  resourceType: string;
  resourceName: string;
  /** The `count` index or `for_each` key, null for a single instance. */
  resourceKey: string | number | null;
}

/** Action names of the UI stream (not those of `show -json`): replace is one word here, forget is "remove". */
export type UiChangeAction = 'noop' | 'move' | 'create' | 'read' | 'update' | 'replace' | 'delete' | 'import' | 'remove' | (string & {});

export interface UiResourceChange {
  resource: UiResourceAddress;
  previousResource?: UiResourceAddress;
  action: UiChangeAction;
  /** `tainted`, `requested`, `cannot_update`, `replace_triggered_by`, `delete_because_*`, `read_because_*` … */
  reason?: string;
  importing?: { id?: string; identity?: unknown };
}

export interface UiPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in Unicode characters (not UTF-16 units, not bytes). */
  column: number;
  /** 0-based byte offset into the file. */
  byte: number;
}

/** `jsonentities.Diagnostic`, kept with its source range so that it can become a Problems entry. */
export interface TerraformDiagnostic {
  severity: 'error' | 'warning' | (string & {});
  summary: string;
  detail: string;
  address?: string;
  /** `filename` is relative to the directory the tool ran in (the root module) unless absolute. */
  range?: { filename: string; start: UiPosition; end: UiPosition };
  snippet?: { context?: string | null; code: string; startLine: number };
}

export interface UiChangeSummary {
  add: number;
  change: number;
  import: number;
  remove: number;
  forget: number;
  /** `plan`, `apply` or `destroy`. */
  operation: string;
}

export interface UiOutput {
  sensitive: boolean;
  type?: unknown;
  value?: unknown;
  action?: UiChangeAction;
}

interface UiMessageBase {
  level: string;
  /** The human-readable line Terraform would print for this message. */
  message: string;
  timestamp?: string;
  /** The message as parsed, for fields this module does not model. */
  raw: Record<string, unknown>;
}

export type ApplyHookType = 'apply_start' | 'apply_progress' | 'apply_complete' | 'apply_errored';
export type ProvisionHookType = 'provision_start' | 'provision_progress' | 'provision_complete' | 'provision_errored';
export type RefreshHookType = 'refresh_start' | 'refresh_complete';

export type TerraformUiEvent =
  | (UiMessageBase & { type: 'version'; tool: 'terraform' | 'opentofu'; version: string; ui: string })
  | (UiMessageBase & { type: 'log' })
  | (UiMessageBase & { type: 'diagnostic'; diagnostic: TerraformDiagnostic })
  | (UiMessageBase & { type: 'planned_change' | 'resource_drift'; change: UiResourceChange })
  | (UiMessageBase & { type: 'change_summary'; changes: UiChangeSummary })
  | (UiMessageBase & { type: 'outputs'; outputs: Record<string, UiOutput> })
  | (UiMessageBase & {
      type: ApplyHookType;
      hook: { resource: UiResourceAddress; action: UiChangeAction; idKey?: string; idValue?: string; elapsedSeconds?: number };
    })
  | (UiMessageBase & { type: ProvisionHookType; hook: { resource: UiResourceAddress; provisioner: string; output?: string } })
  | (UiMessageBase & { type: RefreshHookType; hook: { resource: UiResourceAddress; idKey?: string; idValue?: string } })
  | (UiMessageBase & {
      /** Ephemeral resources being opened, renewed or closed; both tools' spellings end up here. */
      type: 'ephemeral';
      phase: 'start' | 'progress' | 'complete' | 'errored';
      hook: { resource: UiResourceAddress; action?: string; elapsedSeconds?: number };
    })
  /** Any other message (test_*, Terraform's newer action_* / list_* …): kept whole so nothing is lost. */
  | (UiMessageBase & { type: 'other'; messageType: string });

const APPLY_HOOKS = new Set<string>(['apply_start', 'apply_progress', 'apply_complete', 'apply_errored']);
const PROVISION_HOOKS = new Set<string>(['provision_start', 'provision_progress', 'provision_complete', 'provision_errored']);
const REFRESH_HOOKS = new Set<string>(['refresh_start', 'refresh_complete']);
const EPHEMERAL_PHASES: Record<string, 'start' | 'progress' | 'complete' | 'errored'> = {
  ephemeral_op_start: 'start',
  ephemeral_op_progress: 'progress',
  ephemeral_op_complete: 'complete',
  ephemeral_op_errored: 'errored',
  ephemeral_action_started: 'start',
  ephemeral_action_complete: 'complete',
};

/**
 * One line of the stream → an event, or undefined for a line that is not a UI message (blank,
 * or plain text some wrapper or older version printed). Never throws: a broken line must not end
 * a run that is otherwise fine; the caller keeps every line for the log anyway.
 */
export function parseUiLine(line: string): TerraformUiEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json) || typeof json.type !== 'string') return undefined;
  return uiEventFromJson(json);
}

export function uiEventFromJson(json: Record<string, unknown>): TerraformUiEvent {
  const base: UiMessageBase = {
    level: str(json['@level']) ?? 'info',
    message: str(json['@message']) ?? '',
    timestamp: str(json['@timestamp']),
    raw: json,
  };
  const type = String(json.type);
  const hook = isObject(json.hook) ? json.hook : {};
  switch (type) {
    case 'version': {
      const tofu = str(json.tofu);
      return { ...base, type, tool: tofu !== undefined ? 'opentofu' : 'terraform', version: tofu ?? str(json.terraform) ?? '', ui: str(json.ui) ?? '' };
    }
    case 'log':
      return { ...base, type };
    case 'diagnostic':
      return { ...base, type, diagnostic: diagnosticFromJson(json.diagnostic) };
    case 'planned_change':
    case 'resource_drift':
      return { ...base, type, change: changeFromJson(json.change) };
    case 'change_summary': {
      const c = isObject(json.changes) ? json.changes : {};
      return {
        ...base,
        type,
        changes: { add: num(c.add), change: num(c.change), import: num(c.import), remove: num(c.remove), forget: num(c.forget), operation: str(c.operation) ?? '' },
      };
    }
    case 'outputs': {
      const outputs: Record<string, UiOutput> = {};
      if (isObject(json.outputs)) {
        for (const [name, o] of Object.entries(json.outputs)) {
          if (!isObject(o)) continue;
          outputs[name] = { sensitive: o.sensitive === true, type: o.type, value: o.value, action: str(o.action) };
        }
      }
      return { ...base, type, outputs };
    }
  }
  if (APPLY_HOOKS.has(type)) {
    return {
      ...base,
      type: type as ApplyHookType,
      hook: {
        resource: addressFromJson(hook.resource),
        action: str(hook.action) ?? '',
        idKey: str(hook.id_key),
        idValue: str(hook.id_value),
        elapsedSeconds: optNum(hook.elapsed_seconds),
      },
    };
  }
  if (PROVISION_HOOKS.has(type)) {
    return {
      ...base,
      type: type as ProvisionHookType,
      hook: { resource: addressFromJson(hook.resource), provisioner: str(hook.provisioner) ?? '', output: str(hook.output) },
    };
  }
  if (REFRESH_HOOKS.has(type)) {
    return { ...base, type: type as RefreshHookType, hook: { resource: addressFromJson(hook.resource), idKey: str(hook.id_key), idValue: str(hook.id_value) } };
  }
  const phase = EPHEMERAL_PHASES[type];
  if (phase) {
    return {
      ...base,
      type: 'ephemeral',
      phase,
      hook: { resource: addressFromJson(hook.resource), action: str(hook.action), elapsedSeconds: optNum(hook.elapsed_seconds) },
    };
  }
  return { ...base, type: 'other', messageType: type };
}

export function diagnosticFromJson(raw: unknown): TerraformDiagnostic {
  const d = isObject(raw) ? raw : {};
  const diagnostic: TerraformDiagnostic = { severity: str(d.severity) ?? 'error', summary: str(d.summary) ?? '', detail: str(d.detail) ?? '' };
  const address = str(d.address);
  if (address) diagnostic.address = address;
  if (isObject(d.range) && typeof d.range.filename === 'string') {
    diagnostic.range = { filename: d.range.filename, start: positionFromJson(d.range.start), end: positionFromJson(d.range.end) };
  }
  if (isObject(d.snippet) && typeof d.snippet.code === 'string') {
    diagnostic.snippet = { context: typeof d.snippet.context === 'string' ? d.snippet.context : null, code: d.snippet.code, startLine: num(d.snippet.start_line) };
  }
  return diagnostic;
}

function positionFromJson(raw: unknown): UiPosition {
  const p = isObject(raw) ? raw : {};
  // Terraform's positions are 1-based; a missing one reads as the start of the file, not line 0.
  return { line: Math.max(1, num(p.line)), column: Math.max(1, num(p.column)), byte: num(p.byte) };
}

function changeFromJson(raw: unknown): UiResourceChange {
  const c = isObject(raw) ? raw : {};
  const change: UiResourceChange = { resource: addressFromJson(c.resource), action: str(c.action) ?? '' };
  if (isObject(c.previous_resource)) change.previousResource = addressFromJson(c.previous_resource);
  const reason = str(c.reason);
  if (reason) change.reason = reason;
  if (isObject(c.importing)) change.importing = { id: str(c.importing.id), identity: c.importing.identity };
  return change;
}

function addressFromJson(raw: unknown): UiResourceAddress {
  const r = isObject(raw) ? raw : {};
  const key = r.resource_key;
  return {
    addr: str(r.addr) ?? '',
    module: str(r.module) ?? '',
    resource: str(r.resource) ?? '',
    impliedProvider: str(r.implied_provider) ?? '',
    resourceType: str(r.resource_type) ?? '',
    resourceName: str(r.resource_name) ?? '',
    resourceKey: typeof key === 'string' || typeof key === 'number' ? key : null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function optNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
