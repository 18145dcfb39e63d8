/**
 * The analysis of one Kubernetes YAML file as a pure function of its inputs: the parsed manifest
 * and the deployed objects it is compared with (or why there are none) in; findings out. Nothing
 * here reads a file, runs a program or asks the clock: a host (kubernetesFileAnalyzer.ts) reads the
 * file or takes the editor's text, parses it, and asks a baseline source (manifestBaselineSource.ts)
 * for the deployed objects.
 */
import type { Finding } from '../../../common/src/findings';
import { manifestFindings, type ManifestBaseline, type ObjectFindingsMemo } from './manifestFindings';
import type { CustomResourceRules } from './customResourceRegistry';
import type { ManifestObject, ParsedManifest } from './manifestParser';
import { isAnalysedKind } from './objectIdentity';
import { renderFinding } from '../findingText/ruleText';
import type { DryRunVerdict } from './dryRunAnswer';
import { withServerVerdicts } from './serverVerdictFindings';

/**
 * Larger files are not analysed: parsing YAML with positions costs about 1 s per MB on these
 * machines (the Kubernetes bench: 0.55–0.9 s for `parseAllDocuments` of a 600 KB manifest; edits
 * after the first parse re-parse only their document), and a manifest this big is generated —
 * check what generates it.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Why edits cannot be compared with a deployed version (or with all of it), and how loudly to say so. */
export interface BaselineProblem {
  reason: string;
  severity: 'warning' | 'information' | 'hint';
}

/** Deployed objects that may lack some, and why: those are then compared as new ones. */
export type FoundBaseline = ManifestBaseline & { incomplete?: BaselineProblem };

/** What a baseline source answers: the deployed objects, or why there are none. */
export type ManifestBaselineLookup = FoundBaseline | BaselineProblem;

/** A file that could not be analysed: unreadable or not UTF-8 (`kubernetes`: it still looks meant as Kubernetes), or too large. */
export type UnanalysedManifest = { kind: 'unreadable'; problem: string; kubernetes: boolean } | { kind: 'too-large'; bytes: number; head: string };

export interface ManifestAnalysisInput {
  file: string;
  manifest: ParsedManifest;
  /** What the objects are compared with; undefined: no baseline, and nothing said about it (or none is needed). */
  baseline?: ManifestBaselineLookup;
  /** Kept by the caller between analyses, so that objects an edit left alone are not analysed again. */
  memo?: ObjectFindingsMemo;
  /** The CRDs the host knows: custom resources of these are checked against their immutability rules. */
  customResources?: CustomResourceRules;
  /** The cluster's verdicts on edited objects (server-side dry-run), by identity key: they join the findings (serverVerdictFindings.ts). */
  serverVerdicts?: ReadonlyMap<string, DryRunVerdict>;
}

/** Whether an object is compared with its deployed version: one of the analysed kinds, or a custom resource of a known CRD. */
export function isComparedObject(object: ManifestObject, customResources?: CustomResourceRules): boolean {
  return isAnalysedKind(object.kind) || customResources?.rulesFor(object.group, object.kind, object.version) !== undefined;
}

/** Whether the manifest has an object a baseline is looked up for: one that is compared, with an identity. */
export function needsBaseline(manifest: ParsedManifest, customResources?: CustomResourceRules): boolean {
  return manifest.objects.some((o) => o.identity && isComparedObject(o, customResources));
}

export function analyzeManifest(input: ManifestAnalysisInput): Finding[] {
  const { file, manifest, baseline, memo, customResources } = input;
  if (!baseline || !needsBaseline(manifest, customResources)) return manifestFindings(file, manifest, undefined, memo, customResources);
  const findings = withServerVerdicts(
    file,
    manifest,
    manifestFindings(file, manifest, 'reason' in baseline ? undefined : baseline, memo, customResources),
    input.serverVerdicts,
  );
  const problem = 'reason' in baseline ? baseline : baseline.incomplete;
  if (problem) {
    findings.push({
      file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: problem.severity,
      code: 'kubernetes/baseline-unavailable',
      message: problem.reason,
    });
  }
  return findings;
}

/** The findings for a file that was not analysed: a note when it is meant as Kubernetes; big or broken YAML of other kinds is none of our business. */
export function unanalysedManifestFindings(file: string, unanalysed: UnanalysedManifest): Finding[] {
  if (unanalysed.kind === 'unreadable') return unanalysed.kubernetes ? [fileProblem(file, unanalysed.problem)] : [];
  return looksLikeKubernetesText(unanalysed.head) ? [fileProblem(file, tooLargeMessage(file, unanalysed.bytes))] : [];
}

/** Without parsing (too large, not UTF-8): does the text have Kubernetes header keys? */
export function looksLikeKubernetesText(text: string): boolean {
  return /^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:/m.test(text) && /^[ \t]*(?:-[ \t]+)?kind[ \t]*:/m.test(text);
}

function tooLargeMessage(file: string, bytes: number): string {
  return renderFinding('kubernetes/file-unreadable', { problem: 'too-large', file, bytes, limitBytes: MAX_MANIFEST_BYTES }).message;
}

function fileProblem(file: string, message: string): Finding {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'warning', code: 'kubernetes/file-unreadable', message };
}
