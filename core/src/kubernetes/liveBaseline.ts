/**
 * Turns a live object (`kubectl get -o json`) into the baseline object an edited manifest is
 * compared with, in the shape the git baseline gives. Pure.
 *
 * A live object is not a manifest: the API server adds status, metadata (uid, managedFields …)
 * and defaults (`imagePullPolicy`, `clusterIP`, `volumeName` …). Compared as it is, every default
 * would look like a field the edit removed. So:
 * - where `kubectl apply` recorded the last applied configuration (client-side apply), that is
 *   the baseline: it is exactly what the next `kubectl apply` merges against;
 * - otherwise the live object keeps only the fields the manifest sets (recursively; list items
 *   by position when the list kept its length), which is what an apply can change — fields the
 *   manifest leaves out are left as the cluster has them.
 */
import { isRecord, parseStream, type ManifestObject } from './manifestParser';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function liveBaselineObject(live: Record<string, unknown>, edited: ManifestObject): ManifestObject | undefined {
  const value = lastApplied(live, edited.kind) ?? (fieldsSetBy(live, edited.value) as Record<string, unknown>);
  // Through the parser, so the object has a syntax tree like a git baseline object.
  return parseStream(JSON.stringify(value)).objects[0];
}

function lastApplied(live: Record<string, unknown>, kind: string): Record<string, unknown> | undefined {
  const metadata = isRecord(live.metadata) ? live.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const recorded = annotations[LAST_APPLIED];
  if (typeof recorded !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(recorded);
    return isRecord(value) && value.kind === kind ? value : undefined;
  } catch {
    return undefined; // a hand-edited annotation: fall back to the live fields
  }
}

/** `live` restricted to the keys `edited` has, recursively. */
export function fieldsSetBy(live: unknown, edited: unknown): unknown {
  if (isRecord(live) && isRecord(edited)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(edited)) if (key in live) out[key] = fieldsSetBy(live[key], edited[key]);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(edited) && live.length === edited.length) return live.map((item, i) => fieldsSetBy(item, edited[i]));
  return live;
}
