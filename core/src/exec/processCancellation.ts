/**
 * A cancel button that may be pressed more than once: the first press interrupts, the second
 * terminates. (An AbortSignal fires once only, so it can stand for the first press, not both.)
 * One cancellation may be shared by the several processes of one job (plan, then show): a press
 * reaches whichever of them runs at the time.
 */
export class ProcessCancellation {
  private level: 0 | 1 | 2 = 0;
  private readonly listeners = new Set<(level: 1 | 2) => void>();
  /** Signals already linked, so that handing the same signal to several steps still counts one press. */
  private readonly linked = new WeakSet<AbortSignal>();

  /** First call: graceful interrupt. Second call: terminate. Later calls: nothing more to do. */
  cancel(): void {
    if (this.level === 2) return;
    this.level = (this.level + 1) as 1 | 2;
    for (const listener of [...this.listeners]) listener(this.level);
  }

  /**
   * Terminate right away, whatever happened before. Listeners hear the second level only: an
   * interrupt sent first would give the program a moment to report what it stops, so that what
   * the kill leaves unknown would depend on how fast it answered.
   */
  terminate(): void {
    if (this.level === 2) return;
    this.level = 2;
    for (const listener of [...this.listeners]) listener(2);
  }

  get requested(): 0 | 1 | 2 {
    return this.level;
  }

  get isCancellationRequested(): boolean {
    return this.level > 0;
  }

  /** Called with 1 (interrupt) and 2 (terminate) as they happen; returns an unsubscribe function. */
  onCancel(listener: (level: 1 | 2) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One cancellation driven by an AbortSignal too (abort = first press). */
  static from(signal?: AbortSignal, cancellation?: ProcessCancellation): ProcessCancellation {
    const result = cancellation ?? new ProcessCancellation();
    if (signal && !result.linked.has(signal)) {
      result.linked.add(signal);
      if (signal.aborted) result.cancel();
      else signal.addEventListener('abort', () => result.cancel(), { once: true });
    }
    return result;
  }
}
