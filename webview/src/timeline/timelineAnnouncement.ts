/**
 * The one-sentence announcements of the rollout timeline: the pod lane focused and the sync
 * stepped to, in the words of the lane's description and the sync's reason. Pure: plain strings,
 * set as text.
 */
import { cut, formatSeconds, PHASE_LABELS, phaseAt, type LaneView, type SyncView } from './viewModel';

/** A reason is cut here: a sentence to be spoken (the pane has the whole of it). */
const REASON_MAX = 300;

/** "Pod nginx-…-x: new pod of nginx-…, pending 0 s – 5 s (5 s), running 5 s – 30 s (25 s); at sync 3 (10 s): running." */
export function laneAnnouncement(lane: LaneView, sync: SyncView | undefined): string {
  const [what, ...phases] = lane.description;
  const whatLower = what ? `${what.charAt(0).toLowerCase()}${what.slice(1)}` : '';
  const about = [whatLower, ...phases].filter(Boolean).join(', ');
  let at = '';
  if (sync) {
    const phase = phaseAt(lane, sync.t);
    at = `; at sync ${sync.index + 1} (${formatSeconds(sync.t)}): ${phase === undefined ? 'not running' : PHASE_LABELS[phase]}`;
  }
  return `Pod ${lane.label}: ${about}${at}.`;
}

/** "Sync 3 of 7 at 10 s, reconcileNewReplicaSet: scaled up …" */
export function syncAnnouncement(sync: SyncView, count: number): string {
  const reason = cut(sync.reason, REASON_MAX).replace(/[.\s]+$/, '');
  return `Sync ${sync.index + 1} of ${count} at ${formatSeconds(sync.t)}, ${sync.step}${reason ? `: ${reason}` : ''}.`;
}
