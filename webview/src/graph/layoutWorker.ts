/**
 * The layout Web Worker's entry. esbuild bundles it on its own (with dagre) and the page bundle
 * carries it as a string (see scripts/build.mjs, `virtual:layout-worker`), so the page needs no
 * second file and no extra URI: it starts the worker from a Blob URL (CSP: `worker-src blob:`).
 */
import { layoutGraph, type LayoutRequest } from './layout';

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<{ id: number; request: LayoutRequest }>) => void): void;
  postMessage(message: unknown): void;
}
const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (event) => {
  const { id, request } = event.data;
  try {
    scope.postMessage({ id, result: layoutGraph(request) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
