/**
 * Runs the layout off the UI thread when it is large: a Worker from the inlined worker source
 * (Blob URL). Small layouts run inline — starting a worker costs more than laying out 200 boxes.
 * If the worker cannot start (a host CSP without `worker-src blob:`) or fails, the layout runs
 * inline: slower, never missing.
 */
import workerSource from 'virtual:layout-worker';
import { layoutGraph, type LayoutRequest, type LayoutResult } from './layout';

/** Leaves above which the layout goes to the worker. */
export const WORKER_THRESHOLD = 200;

type Pending = { resolve(result: LayoutResult): void; reject(error: Error): void };

export class LayoutRunner {
  private worker: Worker | undefined;
  private workerBroken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** How the last layout ran, for tests and the status line. */
  lastMode: 'inline' | 'worker' = 'inline';

  async layout(request: LayoutRequest): Promise<LayoutResult> {
    if (request.leaves.length > WORKER_THRESHOLD && !this.workerBroken) {
      try {
        const result = await this.inWorker(request);
        this.lastMode = 'worker';
        return result;
      } catch {
        this.workerBroken = true;
        this.disposeWorker();
      }
    }
    this.lastMode = 'inline';
    return layoutGraph(request);
  }

  private inWorker(request: LayoutRequest): Promise<LayoutResult> {
    const worker = this.startWorker();
    const id = this.nextId++;
    return new Promise<LayoutResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const worker = new Worker(url);
    // The worker has fetched its script once it runs; the URL is not needed after that.
    worker.addEventListener('message', (event: MessageEvent<{ id: number; result?: LayoutResult; error?: string }>) => {
      URL.revokeObjectURL(url);
      const pending = this.pending.get(event.data.id);
      if (!pending) return;
      this.pending.delete(event.data.id);
      if (event.data.result) pending.resolve(event.data.result);
      else pending.reject(new Error(event.data.error ?? 'layout failed'));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const error = new Error(event.message || 'the layout worker could not start');
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  private disposeWorker(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }
}
