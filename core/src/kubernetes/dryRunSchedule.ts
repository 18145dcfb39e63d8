/**
 * When the server-side dry-run (serverDryRun.ts) runs while the user types: at most once per
 * object every DRY_RUN_INTERVAL_MS, its answer reused while the edited object is unchanged (for up
 * to VERDICT_TTL_MS, after which the cluster may have changed), and of a burst of edits to one
 * object only the last runs. An analysis whose edit was overtaken by a newer one gets no verdict
 * for that object ('superseded'): the newer analysis will have it. The objects that are due
 * together run together, one kubectl per namespace.
 */
import type { DryRunVerdict } from './dryRunAnswer';
import type { KubectlOptions } from './kubectlBaseline';
import { serverDryRun, type DryRunObject } from './serverDryRun';

/** Least milliseconds between two dry-runs of one object. */
export const DRY_RUN_INTERVAL_MS = 3_000;
/** How long an answer for an unchanged object is reused. */
export const VERDICT_TTL_MS = 30_000;

export type ScheduledVerdict = DryRunVerdict | { outcome: 'superseded' };

type Run = (objects: readonly DryRunObject[], kubectl: KubectlOptions) => Promise<Map<string, DryRunVerdict>>;

interface ObjectState {
  /** The edited object last sent, as JSON, when, and the answer. */
  body?: string;
  startedAt: number;
  verdict?: Promise<DryRunVerdict>;
  /** The newest edit waiting for the interval to pass; an older waiting one is answered 'superseded'. */
  waiting?: { body: string; settle: (verdict: ScheduledVerdict) => void };
}

export class ServerDryRuns {
  private readonly states = new Map<string, ObjectState>();

  constructor(
    private readonly run: Run = serverDryRun,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = DRY_RUN_INTERVAL_MS,
  ) {}

  /** The verdicts for these objects, by key: reused, run now, or run once the interval has passed. */
  async verdicts(objects: readonly DryRunObject[], kubectl: KubectlOptions): Promise<Map<string, ScheduledVerdict>> {
    const scope = JSON.stringify([kubectl.path, kubectl.env?.KUBECONFIG ?? process.env.KUBECONFIG ?? '']);
    const now = this.now();
    for (const [key, state] of this.states) if (!state.waiting && now - state.startedAt >= VERDICT_TTL_MS) this.states.delete(key);
    const answers = new Map<string, Promise<ScheduledVerdict>>();
    const dueNow: Array<{ object: DryRunObject; state: ObjectState; body: string }> = [];
    const later: Array<{ object: DryRunObject; at: number; promise: Promise<ScheduledVerdict> }> = [];
    for (const object of objects) {
      const key = `${scope}\0${object.key}`;
      const body = JSON.stringify(object.value);
      let state = this.states.get(key);
      if (!state) this.states.set(key, (state = { startedAt: -Infinity }));
      if (state.body === body && state.verdict) {
        answers.set(object.key, state.verdict);
        continue;
      }
      if (state.waiting?.body === body) {
        // The same edit analysed again while it waits: wait for the same run.
        const waiting = state.waiting;
        answers.set(
          object.key,
          new Promise((resolve) => {
            const settle = waiting.settle;
            waiting.settle = (verdict) => {
              settle(verdict);
              resolve(verdict);
            };
          }),
        );
        continue;
      }
      state.waiting?.settle({ outcome: 'superseded' });
      state.waiting = undefined;
      const at = state.startedAt + this.intervalMs;
      if (at <= now) {
        dueNow.push({ object, state, body });
        continue;
      }
      let settle!: (verdict: ScheduledVerdict) => void;
      const promise = new Promise<ScheduledVerdict>((resolve) => (settle = resolve));
      state.waiting = { body, settle };
      later.push({ object, at, promise });
      answers.set(object.key, promise);
    }
    if (dueNow.length > 0) {
      this.start(dueNow, kubectl);
      for (const { object, state } of dueNow) answers.set(object.key, state.verdict!);
    }
    if (later.length > 0) {
      // One timer for this analysis's waiting objects: those still waiting for this edit then run together.
      const at = Math.max(...later.map((l) => l.at));
      setTimeout(() => {
        const still: Array<{ object: DryRunObject; state: ObjectState; body: string; settle: (v: ScheduledVerdict) => void }> = [];
        for (const { object } of later) {
          const state = this.states.get(`${scope}\0${object.key}`);
          const body = JSON.stringify(object.value);
          if (state?.waiting?.body === body) {
            still.push({ object, state, body, settle: state.waiting.settle });
            state.waiting = undefined;
          }
        }
        if (still.length === 0) return;
        this.start(still, kubectl);
        for (const { state, settle } of still) void state.verdict!.then(settle);
      }, at - now);
    }
    const verdicts = new Map<string, ScheduledVerdict>();
    for (const [key, promise] of answers) verdicts.set(key, await promise);
    return verdicts;
  }

  /** Runs the objects' dry-run and records it as each one's latest answer. */
  private start(due: ReadonlyArray<{ object: DryRunObject; state: ObjectState; body: string }>, kubectl: KubectlOptions): void {
    const startedAt = this.now();
    const ran = this.run(
      due.map((d) => d.object),
      kubectl,
    ).catch(
      (error: unknown) =>
        new Map(due.map((d): [string, DryRunVerdict] => [d.object.key, { outcome: 'unavailable', reason: String((error as Error)?.message ?? error) }])),
    );
    for (const { object, state, body } of due) {
      state.body = body;
      state.startedAt = startedAt;
      state.verdict = ran.then((v) => v.get(object.key) ?? { outcome: 'unavailable', reason: 'kubectl did not report this object' });
    }
  }
}
