/**
 * The sentences the details pane shows for why a replacement follows from another one. Pure (no
 * DOM): plain strings, which the pane sets as text, never as HTML.
 */
import type { PlanReplacementCause, PlanUnfollowedLocal } from '../../../common/src/planGraph';

/** Instances listed by address in one sentence; the rest are counted. */
export const MAX_LISTED_INSTANCES = 10;

const code = (text: string) => `\`${text}\``;

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "Replaced because `local_file.a` is replaced: `content` reads its `id`, known only after apply." */
export function replacementCauseText(cause: PlanReplacementCause): string {
  let instances = '';
  if (cause.instances && cause.instances.length > 0) {
    const shown = cause.instances.slice(0, MAX_LISTED_INSTANCES).map(code);
    const total = cause.instanceCount !== undefined && cause.instanceCount > cause.instances.length ? cause.instanceCount : cause.instances.length;
    const more = total - shown.length;
    instances = ` (${more > 0 ? `${shown.join(', ')} and ${more} more` : list(shown)})`;
  }
  const reads = cause.attribute !== undefined ? `reads its ${code(cause.attribute)}` : 'reads it';
  const through = cause.through && cause.through.length > 0 ? ` through ${list(cause.through.map(code))}` : '';
  return `Replaced because ${code(cause.address)} is replaced${instances}: ${code(cause.dependentAttribute)} ${reads}${through}, known only after apply.`;
}

/** Said where a local hides the cause, so that a missing "Replaced because" is not read as "no cause". */
export function unfollowedLocalText(unfollowed: PlanUnfollowedLocal): string {
  return `${code(unfollowed.dependentAttribute)} is known only after apply and reads ${code(unfollowed.local)}: the plan does not describe locals, so the replacement behind it cannot be named.`;
}
