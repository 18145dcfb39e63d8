/**
 * Which workload of a manifest the user means: the one under the cursor, or the one the code lens
 * names. Pure (no vscode), so it is unit-tested in Node.
 *
 * A workload's lines run from the start of its YAML document (or of its `List` item) to the next
 * document marker or workload. A `---` or `...` in column 0 always ends a YAML document (block
 * scalars are indented), so a line scan finds the documents' ends without parsing again.
 */
import type { RolloutWorkload } from '../../../common/src/rollout';

export interface WorkloadSpan {
  workload: RolloutWorkload;
  /** 0-based, inclusive. */
  startLine: number;
  /** 0-based, exclusive. */
  endLine: number;
}

const DOCUMENT_MARKER = /^(---|\.\.\.)(\s|$)/;

export function workloadSpans(text: string, workloads: readonly RolloutWorkload[]): WorkloadSpan[] {
  const lines = text.split(/\r\n|\r|\n/);
  const markers = lines.flatMap((line, index) => (DOCUMENT_MARKER.test(line) ? [index] : []));
  const sorted = [...workloads].sort((a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0));
  return sorted.map((workload, i) => {
    const line = workload.source?.line ?? 0;
    const firstOfDocument = workload.source?.itemIndex === undefined || workload.source.itemIndex === 0;
    // The lines before a document's content (comments, the marker itself) belong to it.
    const previousMarker = markers.filter((m) => m <= line).at(-1);
    const startLine = firstOfDocument ? (previousMarker ?? 0) : line;
    const nextMarker = markers.find((m) => m > line) ?? lines.length;
    const nextWorkload = sorted[i + 1]?.source?.line ?? lines.length;
    return { workload, startLine, endLine: Math.max(startLine + 1, Math.min(nextMarker, nextWorkload)) };
  });
}

export interface WorkloadTarget {
  /** 0-based line of the cursor or of the code lens. */
  line?: number;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface WorkloadPick {
  /** Set when the target names exactly one workload. */
  workload?: RolloutWorkload;
  /** Otherwise what to offer in a quick pick: the matches, or every workload when nothing matches. */
  candidates: RolloutWorkload[];
}

export function pickWorkload(text: string, workloads: readonly RolloutWorkload[], target: WorkloadTarget): WorkloadPick {
  const spans = workloadSpans(text, workloads);
  const at = (line: number | undefined) => (line === undefined ? [] : spans.filter((s) => line >= s.startLine && line < s.endLine).map((s) => s.workload));
  let matches = spans.map((s) => s.workload);
  if (target.kind !== undefined || target.name !== undefined) {
    matches = matches.filter(
      (w) =>
        (target.kind === undefined || w.kind === target.kind) &&
        (target.name === undefined || w.name === target.name) &&
        (target.namespace === undefined || w.namespace === target.namespace),
    );
    // The same kind and name twice in one file (two namespaces, say): the line decides.
    if (matches.length > 1) {
      const here = at(target.line).filter((w) => matches.includes(w));
      if (here.length === 1) matches = here;
    }
  } else {
    matches = at(target.line);
  }
  if (matches.length === 1) return { workload: matches[0], candidates: matches };
  if (matches.length === 0 && spans.length === 1) return { workload: spans[0].workload, candidates: [spans[0].workload] };
  return { candidates: matches.length > 0 ? matches : spans.map((s) => s.workload) };
}
