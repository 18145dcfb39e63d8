/**
 * Per-resource progress of an apply, folded from the `-json` UI stream: each resource address goes
 * pending → applying → done | errored, so the graph can animate its nodes and a notification can
 * say how far the apply is. Pure: events in, states out (the runner feeds it; tests feed it lines).
 *
 * What the stream says, and how it is read (OpenTofu 1.12 and Terraform share it):
 * - `planned_change` (printed at the start of an apply of a saved plan): the resource and its
 *   planned action. It seeds the pending list.
 * - `apply_start` / `apply_progress` / `apply_complete` / `apply_errored`: one step of a resource.
 *   A replacement is two steps reported against the same address (`delete` then `create`, or the
 *   reverse with create_before_destroy: the deposed object's delete carries the instance's
 *   address), so it is done only after both.
 * - `provision_*`: a provisioner of a resource being created; it belongs to that resource's step.
 * - `apply_errored` carries no error text: the `diagnostic` that follows names the address.
 */
import type { TerraformDiagnostic, TerraformUiEvent, UiChangeAction, UiChangeSummary } from './terraformEvents';

export type ResourceApplyStatus = 'pending' | 'applying' | 'done' | 'errored';

export interface ResourceApplyState {
  /** Full instance address (`module.a.local_file.x["k"]`). */
  address: string;
  /** The planned action, in the stream's words (`create`, `update`, `replace`, `delete`, `read` …). */
  action: UiChangeAction;
  status: ResourceApplyStatus;
  /** The step under way, or the last one: for a replacement `delete` then `create` (or the reverse). */
  step?: UiChangeAction;
  /** Steps finished so far: a replacement has two, anything else one. */
  stepsDone: number;
  /** Seconds the current step has run, as Terraform reports them (every ~10 s, and at the end). */
  elapsedSeconds?: number;
  /** The provisioner running for this resource, while one runs. */
  provisioner?: string;
  /** The object's id once Terraform printed it (`id_value`). */
  id?: string;
  /** The error diagnostic that names this address, when Terraform gave one. */
  diagnostic?: TerraformDiagnostic;
  /**
   * Set when the run ended while this resource was still applying (the process was terminated):
   * Terraform never reported the outcome, so the object may or may not exist.
   */
  outcomeUnknown?: boolean;
}

export interface ApplyCounts {
  total: number;
  pending: number;
  applying: number;
  done: number;
  errored: number;
}

export interface ResourceProgressUpdate {
  /** The resource that changed (a copy: safe to keep). */
  resource: ResourceApplyState;
  counts: ApplyCounts;
  /** One line for a progress notification: `2 of 5 resources: creating local_file.a…`. */
  message: string;
}

/** Steps a planned action takes in the apply hooks. */
function stepsFor(action: UiChangeAction): number {
  return action === 'replace' ? 2 : 1;
}

const VERBS: Record<string, string> = {
  create: 'creating',
  update: 'updating',
  delete: 'destroying',
  replace: 'replacing',
  read: 'reading',
  import: 'importing',
  move: 'moving',
  remove: 'forgetting',
  forget: 'forgetting',
};

export class ApplyProgress {
  private readonly states = new Map<string, ResourceApplyState>();
  /** Resources applying, in the order they started: the message names the one that started first. */
  private readonly underWay = new Set<string>();
  /** Kept as statuses change, not recounted: an update per event over 10,000 resources must stay cheap. */
  private readonly tally: ApplyCounts = { total: 0, pending: 0, applying: 0, done: 0, errored: 0 };
  private summaryEvent?: { changes: UiChangeSummary; message: string };

  /** `planned`: the reviewed plan's resource changes, when the caller has them (the stream adds any it lacks). */
  constructor(planned: ReadonlyArray<{ address: string; action?: UiChangeAction }> = []) {
    for (const p of planned) this.plan(p.address, p.action ?? 'update');
  }

  /** Folds one event in; returns the update for the resource it concerned, or undefined. */
  handle(event: TerraformUiEvent): ResourceProgressUpdate | undefined {
    switch (event.type) {
      case 'planned_change':
        return this.update(this.plan(event.change.resource.addr, event.change.action, true));
      case 'apply_start': {
        const state = this.stateOf(event.hook.resource.addr, event.hook.action);
        if (state.status === 'errored') return undefined; // a later step of a failed replacement is not a recovery
        this.setStatus(state, 'applying');
        state.step = event.hook.action;
        state.elapsedSeconds = 0;
        if (event.hook.idValue) state.id = event.hook.idValue;
        return this.update(state);
      }
      case 'apply_progress': {
        const state = this.stateOf(event.hook.resource.addr, event.hook.action);
        if (state.status !== 'applying') return undefined;
        state.elapsedSeconds = event.hook.elapsedSeconds ?? state.elapsedSeconds;
        return this.update(state);
      }
      case 'apply_complete': {
        const state = this.stateOf(event.hook.resource.addr, event.hook.action);
        state.stepsDone++;
        state.step = event.hook.action;
        state.elapsedSeconds = event.hook.elapsedSeconds ?? state.elapsedSeconds;
        state.provisioner = undefined;
        if (event.hook.idValue) state.id = event.hook.idValue;
        if (state.status !== 'errored') {
          if (state.stepsDone >= stepsFor(state.action)) this.setStatus(state, 'done');
          // else half a replacement: the old object is gone (or the new one exists); the other step follows.
        }
        return this.update(state);
      }
      case 'apply_errored': {
        const state = this.stateOf(event.hook.resource.addr, event.hook.action);
        this.setStatus(state, 'errored');
        state.step = event.hook.action;
        state.elapsedSeconds = event.hook.elapsedSeconds ?? state.elapsedSeconds;
        state.provisioner = undefined;
        return this.update(state);
      }
      case 'provision_start':
      case 'provision_progress': {
        const state = this.stateOf(event.hook.resource.addr, 'create');
        if (state.status !== 'applying') return undefined;
        state.provisioner = event.hook.provisioner;
        return this.update(state);
      }
      case 'provision_complete':
      case 'provision_errored': {
        const state = this.stateOf(event.hook.resource.addr, 'create');
        // An errored provisioner is followed by apply_errored for the resource: that decides its status.
        state.provisioner = undefined;
        return this.update(state);
      }
      case 'diagnostic': {
        const { diagnostic } = event;
        if (diagnostic.severity !== 'error' || !diagnostic.address) return undefined;
        const state = this.stateOf(diagnostic.address, 'update');
        // The first error is the cause; later ones (e.g. a provisioner's, then the resource's) add nothing new.
        state.diagnostic ??= diagnostic;
        this.setStatus(state, 'errored');
        return this.update(state);
      }
      case 'change_summary':
        if (event.changes.operation === 'apply' || event.changes.operation === 'destroy') {
          this.summaryEvent = { changes: event.changes, message: event.message };
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * The run is over. After a successful apply every planned change was made, including those the
   * stream reports no step for (moves, forgets): pending becomes done. After a failure pending
   * means "not applied"; a resource still applying was cut off (the process was terminated).
   */
  finish(succeeded: boolean): void {
    for (const state of this.states.values()) {
      if (succeeded && (state.status === 'pending' || state.status === 'applying')) this.setStatus(state, 'done');
      else if (!succeeded && state.status === 'applying') {
        this.setStatus(state, 'errored');
        state.outcomeUnknown = true;
      }
    }
  }

  /** Every resource, in the order first seen (planned order, then as the stream named them). */
  resources(): ResourceApplyState[] {
    return [...this.states.values()].map(copy);
  }

  resource(address: string): ResourceApplyState | undefined {
    const state = this.states.get(address);
    return state && copy(state);
  }

  counts(): ApplyCounts {
    return { ...this.tally };
  }

  /** The `change_summary` of the apply, once it arrived (it does only on success). */
  get summary(): { changes: UiChangeSummary; message: string } | undefined {
    return this.summaryEvent;
  }

  /** One line for a progress notification. */
  message(): string {
    if (this.summaryEvent) return this.summaryEvent.message;
    const counts = this.counts();
    const of = `${counts.done} of ${counts.total} resource${counts.total === 1 ? '' : 's'}`;
    const failed = counts.errored > 0 ? `, ${counts.errored} failed` : '';
    const first = this.underWay.values().next();
    if (first.done) {
      if (counts.total === 0) return 'Starting the apply…';
      return `${of}${failed}`;
    }
    const state = this.states.get(first.value);
    if (!state) return `${of}${failed}`;
    const what = state.provisioner ? `provisioning ${state.address} (${state.provisioner})` : `${verb(state.step ?? state.action)} ${state.address}`;
    const elapsed = state.elapsedSeconds ? ` (${state.elapsedSeconds}s)` : '';
    const more = this.underWay.size > 1 ? ` and ${this.underWay.size - 1} more` : '';
    return `${of}${failed}: ${what}${elapsed}${more}…`;
  }

  private plan(address: string, action: UiChangeAction, fromStream = false): ResourceApplyState {
    const existing = this.states.get(address);
    if (existing) {
      // The stream's planned action is the one Terraform applies; the caller's may be spelled otherwise.
      if (fromStream && existing.status === 'pending') existing.action = action;
      return existing;
    }
    const state: ResourceApplyState = { address, action, status: 'pending', stepsDone: 0 };
    this.states.set(address, state);
    this.tally.total++;
    this.tally.pending++;
    return state;
  }

  /** The state of an address the stream names; one not planned (no planned_change seen) is added with the step's action. */
  private stateOf(address: string, action: UiChangeAction): ResourceApplyState {
    return this.states.get(address) ?? this.plan(address, action);
  }

  private setStatus(state: ResourceApplyState, status: ResourceApplyStatus): void {
    if (state.status === status) return;
    this.tally[state.status]--;
    this.tally[status]++;
    state.status = status;
    if (status === 'applying') this.underWay.add(state.address);
    else this.underWay.delete(state.address);
  }

  private update(state: ResourceApplyState): ResourceProgressUpdate {
    return { resource: copy(state), counts: this.counts(), message: this.message() };
  }
}

function verb(action: UiChangeAction): string {
  return VERBS[action] ?? `${action}`;
}

function copy(state: ResourceApplyState): ResourceApplyState {
  return { ...state };
}
