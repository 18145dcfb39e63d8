/**
 * The one-sentence announcements of the rollout timeline: the pod lane focused and the sync
 * stepped to, in the words of the phases and the sync's reason. Pure: plain strings,
 * set as text.
 */
import { cut, formatSeconds, PHASE_LABELS, phaseAt, type LaneView, type SyncView } from './viewModel';

/** A reason is cut here: a sentence to be spoken (the pane has the whole of it). */
const REASON_MAX = 300;

/**
 * "Pod nginx-…-x at sync 3 (10 s): running." A focused lane's own label already gives its pod's
 * phases, and a screen reader reads it on focus; this adds only what the label can't, the pod's
 * state at the sync the stepper shows.
 */
export function laneAnnouncement(lane: LaneView, sync: SyncView | undefined): string {
  if (!sync) return `Pod ${lane.label}.`;
  const phase = phaseAt(lane, sync.t);
  return `Pod ${lane.label} at sync ${sync.index + 1} (${formatSeconds(sync.t)}): ${phase === undefined ? 'not running' : PHASE_LABELS[phase]}.`;
}

/** "Sync 3 of 7 at 10 s, reconcileNewReplicaSet: scaled up …" */
export function syncAnnouncement(sync: SyncView, count: number): string {
  const reason = cut(sync.reason, REASON_MAX).replace(/[.\s]+$/, '');
  return `Sync ${sync.index + 1} of ${count} at ${formatSeconds(sync.t)}, ${sync.step}${reason ? `: ${reason}` : ''}.`;
}
