/**
 * The discrete-event simulation's agenda: a binary min-heap ordered by time, then by insertion
 * order, so that events due at the same moment are handled in the order they were scheduled
 * (deterministic timelines). Pure.
 */
interface Entry<T> {
  t: number;
  seq: number;
  value: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, value: T): void {
    const heap = this.heap;
    heap.push({ t, seq: this.seq++, value });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  /** Time of the earliest event, undefined when empty. */
  peekTime(): number | undefined {
    return this.heap.length ? this.heap[0].t : undefined;
  }

  pop(): { t: number; value: T } | undefined {
    const heap = this.heap;
    if (!heap.length) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return { t: top.t, value: top.value };
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
}
