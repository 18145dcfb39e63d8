/**
 * The one place where findings become LSP objects: diagnostics, hovers, code actions, code lenses.
 */
import { pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  CodeLens,
  Command,
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  Hover,
  Location,
  MarkupKind,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { Finding, FindingSeverity } from '../../../common/src/findings';
import { SHOW_ROLLOUT_TIMELINE_COMMAND, type ShowRolloutTimelineArguments } from '../../../common/src/rolloutMessages';
import { displayedFindings } from '../../../core/src/findingText/displayedFindings';
import { FINDINGS_SOURCE, hasHover, hoverMarkdown } from '../../../core/src/findingText/findingHover';

export const DIAGNOSTIC_SOURCE = FINDINGS_SOURCE;

const SEVERITY: Record<FindingSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding): Diagnostic {
  const related = finding.related?.map((r) => DiagnosticRelatedInformation.create(Location.create(pathToFileURL(r.file).href, r.range), r.message));
  return Diagnostic.create(
    finding.range,
    finding.message,
    SEVERITY[finding.severity],
    finding.code,
    DIAGNOSTIC_SOURCE,
    related && related.length > 0 ? related : undefined,
  );
}

/** The diagnostics of a document's findings, each message at its place once (see displayedFindings). */
export function toDiagnostics(findings: readonly Finding[]): Diagnostic[] {
  return displayedFindings(findings).map(toDiagnostic);
}

function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function overlaps(a: Range, b: Range): boolean {
  return !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );
}

export function hoverFor(findings: Finding[], position: Position): Hover | undefined {
  const here = displayedFindings(findings.filter((f) => contains(f.range, position) && hasHover(f)));
  if (here.length === 0) return undefined;
  return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(here) }, range: here[0].range };
}

export function codeActionsFor(uri: string, findings: Finding[], range: Range): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    if (!finding.fixes || !overlaps(finding.range, range)) continue;
    for (const fix of finding.fixes) {
      const key = `${fix.kind}|${JSON.stringify(fix.edits)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [toDiagnostic(finding)];
      action.isPreferred = fix.kind === 'moved-block' || fix.kind === 'create-before-destroy';
      actions.push(action);
    }
  }
  return actions;
}

/**
 * One lens over each resource that will (or may) be replaced, naming what forces it; over each
 * workload that rolls out, a label and "Show rollout timeline", whose JSON arguments name the
 * document (`uri`, when given) and the workload for the client's command.
 */
export function codeLensesFor(findings: Finding[], uri?: string): CodeLens[] {
  const byBlock = new Map<string, { range: Range; certain: boolean; attributes: Set<string>; dependents: Set<string> }>();
  for (const finding of findings) {
    if (!finding.blockRange || !finding.replacement) continue;
    if (finding.code !== 'terraform/forces-replacement' && finding.code !== 'terraform/may-force-replacement' && finding.code !== 'terraform/cascade-replacement')
      continue;
    const key = JSON.stringify(finding.blockRange);
    const entry = byBlock.get(key) ?? { range: finding.blockRange, certain: false, attributes: new Set<string>(), dependents: new Set<string>() };
    entry.certain ||= finding.replacement === 'certain';
    if (finding.attribute) entry.attributes.add(finding.attribute);
    for (const dependent of finding.cascade ?? []) entry.dependents.add(dependent);
    byBlock.set(key, entry);
  }
  const lenses = [...byBlock.values()].map(({ range, certain, attributes, dependents }) => {
    const cascade = dependents.size > 0 ? `, and ${dependents.size} dependent${dependents.size === 1 ? '' : 's'}` : '';
    // A lens with an empty command is a label: it informs, there is nothing to run (yet).
    return { range, command: Command.create(`${certain ? '⟳ Will be replaced' : '⟳ May be replaced'}${cascade}: ${[...attributes].join(', ')}`, '') } satisfies CodeLens;
  });
  for (const finding of findings) {
    if (finding.code !== 'kubernetes/rolling-update' || !finding.blockRange) continue;
    lenses.push({ range: finding.blockRange, command: Command.create(`⟳ Rolling update: ${finding.path ?? 'pod template'} changed`, '') });
    if (uri === undefined) continue;
    const target: ShowRolloutTimelineArguments = { uri, kind: finding.kind, name: finding.name, line: finding.blockRange.start.line };
    lenses.push({ range: finding.blockRange, command: Command.create('Show rollout timeline', SHOW_ROLLOUT_TIMELINE_COMMAND, target) });
  }
  return lenses;
}
