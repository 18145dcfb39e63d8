/**
 * The one-sentence announcements of the plan graph, in the details pane's words (the action's
 * label, "forced by" and the attributes the plan names). Pure: plain strings, set as text.
 */
import type { PlanGraphNode } from '../../../common/src/planGraph';
import { displayKindInfo, isReplacement } from './displayKinds';
import { cutText } from '../cutText';

/** An address is cut here: a sentence to be spoken, not the whole of a hostile plan's string. */
const ADDRESS_MAX = 200;

const cut = (text: string) => cutText(text, ADDRESS_MAX);

/** "Selected local_file.example: replace (create first), forced by file_permission." */
export function selectionAnnouncement(node: PlanGraphNode | undefined): string {
  if (!node) return 'Selection cleared.';
  const info = displayKindInfo(node.display);
  const forced = isReplacement(node.display) && node.replacePaths.length > 0 ? `, forced by ${cut(node.replacePaths.join(', '))}` : '';
  return `Selected ${cut(node.address)}: ${info.label}${forced}.`;
}

/** "Collapsed module.app["red"]." / "Expanded module.app["red"]." */
export function moduleToggleAnnouncement(address: string, expanded: boolean): string {
  return `${expanded ? 'Expanded' : 'Collapsed'} ${cut(address)}.`;
}
