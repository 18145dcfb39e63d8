/**
 * One symbol, one label and one colour (a CSS class whose colour comes from `--vscode-*`
 * variables, see graph.css) per display kind: colour alone is not enough (colour-blind users,
 * high-contrast themes), so every node also carries its symbol as text.
 */
import type { PlanDisplayKind } from '../../../common/src/planGraph';

export interface DisplayKindInfo {
  kind: PlanDisplayKind;
  /** The symbol Terraform's human renderer prints, or a word where it prints a sentence. */
  symbol: string;
  label: string;
}

/** In the order the filter list shows them: most consequential first. */
export const DISPLAY_KINDS: readonly DisplayKindInfo[] = [
  { kind: 'replace-delete-first', symbol: '-/+', label: 'replace (destroy first)' },
  { kind: 'replace-create-first', symbol: '+/-', label: 'replace (create first)' },
  { kind: 'delete', symbol: '-', label: 'destroy' },
  { kind: 'create', symbol: '+', label: 'create' },
  { kind: 'update', symbol: '~', label: 'update in place' },
  { kind: 'read', symbol: '<=', label: 'read' },
  { kind: 'import', symbol: 'import', label: 'import' },
  { kind: 'move', symbol: 'moved', label: 'move' },
  { kind: 'forget', symbol: 'forget', label: 'forget' },
  { kind: 'no-op', symbol: '', label: 'no change' },
];

const BY_KIND = new Map(DISPLAY_KINDS.map((info) => [info.kind, info]));

/** Unknown kinds (a newer graph version) fall back to no-op's look rather than failing the page. */
export function displayKindInfo(kind: string): DisplayKindInfo {
  return BY_KIND.get(kind as PlanDisplayKind) ?? { kind: 'no-op', symbol: '?', label: kind };
}

export function isDisplayKind(kind: string): kind is PlanDisplayKind {
  return BY_KIND.has(kind as PlanDisplayKind);
}

export function isReplacement(kind: string): boolean {
  return kind === 'replace-delete-first' || kind === 'replace-create-first';
}

/** Shown unless the user turns them on: a no-op changes nothing, and there can be thousands. */
export const HIDDEN_BY_DEFAULT: readonly PlanDisplayKind[] = ['no-op'];
