/**
 * All findings for one YAML file, given the deployed versions of its objects. Pure: parsed text
 * and baseline objects in, findings out; `kubernetesFileAnalyzer.ts` does the I/O.
 */
import * as path from 'node:path';
import type { Finding, SourceRange } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import { customResourceFindingText, customResourceRuleSource } from './customResourceFindingText';
import type { CustomResourceRuleMatch, CustomResourceRules } from './customResourceRegistry';
import { customResourceViolations, type CustomResourceViolation } from './customResourceViolations';
import { immutableFieldViolations, type ImmutableViolation } from './immutableFieldRules';
import { rangeOfPath, type ManifestObject, type ParsedManifest } from './manifestParser';
import { identityAddress, identityKey, isAnalysedKind } from './objectIdentity';
import { findTemplateMarker } from './templateDetection';
import { formatPath, shortValue } from './valueDiff';
import { workloadFindings } from './workloadFindings';

export interface ManifestBaseline {
  /** Deployed objects by identity key (see objectIdentity.ts). */
  objects: ReadonlyMap<string, ManifestObject>;
  /** For hovers: "the file at git HEAD (abc1234)". */
  description: string;
}

/** A file with `apiVersion:` and `kind:` keys is meant as Kubernetes, even when it doesn't parse. */
const LOOKS_LIKE_KUBERNETES =
  /^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:[\s\S]*^[ \t]*(?:-[ \t]+)?kind[ \t]*:|^[ \t]*(?:-[ \t]+)?kind[ \t]*:[\s\S]*^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:/m;

export function looksLikeKubernetes(manifest: ParsedManifest): boolean {
  return manifest.objects.length > 0 || LOOKS_LIKE_KUBERNETES.test(manifest.text);
}

/**
 * Findings of objects whose syntax trees were reused by an incremental re-parse
 * (incrementalManifest.ts), so that re-analysis after an edit recomputes only the edited
 * documents' objects: keyed by the object's node, valid while the file, the deployed object and
 * the baseline description are the same. Positions are stored with the line the object started
 * on and moved by whole lines (a reused document starts at a line start, so columns don't move).
 */
export type ObjectFindingsMemo = WeakMap<
  object,
  { file: string; deployed?: ManifestObject; description?: string; customResource?: CustomResourceRuleMatch; line: number; findings: Finding[] }
>;

/**
 * `customResources`: the CRDs known to the host; a custom resource of a known CRD is checked
 * against its immutability rules (customResourceViolations.ts), and nothing else of it.
 */
export function manifestFindings(
  file: string,
  manifest: ParsedManifest,
  baseline: ManifestBaseline | undefined,
  memo?: ObjectFindingsMemo,
  customResources?: CustomResourceRules,
): Finding[] {
  const template = findTemplateMarker(manifest);
  if (template) {
    const message = renderFinding('kubernetes/templated-file', { fileName: path.basename(file), helm: template.helm, line: template.range.start.line + 1 }).message;
    return [{ file, range: template.range, severity: 'information', code: 'kubernetes/templated-file', message }];
  }
  const findings: Finding[] = [];
  // YAML that isn't Kubernetes (CI files, compose files) is someone else's: no syntax errors from us.
  if (looksLikeKubernetes(manifest)) {
    for (const error of manifest.syntaxErrors) {
      findings.push({
        file,
        range: error.range,
        severity: 'error',
        code: 'kubernetes/syntax-error',
        message: renderFinding('kubernetes/syntax-error', { error: error.message }).message,
      });
    }
  }
  const seen = new Set<string>();
  for (const object of manifest.objects) {
    const customResource = customResources?.rulesFor(object.group, object.kind, object.version);
    if (!customResource && !isAnalysedKind(object.kind)) continue;
    const identity = object.identity;
    const name = identity?.name ?? '(unnamed)';
    const address = identity ? identityAddress(identity) : `${object.kind}/(unnamed)`;
    const key = identity && identityKey(identity);
    // The second of two objects with one identity overwrites the first when applied; compare only the first.
    const deployed = key && !seen.has(key) ? baseline?.objects.get(key) : undefined;
    if (key) seen.add(key);
    const description = deployed && baseline!.description;
    const analyse = () =>
      customResource
        ? customResourceFindings(file, manifest, object, deployed, description, address, name, customResource)
        : objectFindings(file, manifest, object, deployed, description, address, name);
    if (!memo) {
      findings.push(...analyse());
      continue;
    }
    const line = manifest.lineCounter.linePos(object.offset).line;
    const cached = memo.get(object.node);
    if (cached && cached.file === file && cached.deployed === deployed && cached.description === description && sameRules(cached.customResource, customResource)) {
      findings.push(...(cached.line === line ? cached.findings : cached.findings.map((f) => shiftLines(f, line - cached.line))));
      continue;
    }
    const fresh = analyse();
    memo.set(object.node, { file, deployed, description, ...(customResource ? { customResource } : {}), line, findings: fresh });
    findings.push(...fresh);
  }
  return findings;
}

function objectFindings(
  file: string,
  manifest: ParsedManifest,
  object: ManifestObject,
  deployed: ManifestObject | undefined,
  description: string | undefined,
  address: string,
  name: string,
): Finding[] {
  const findings = workloadFindings({ file, manifest, object, baseline: deployed, address, name });
  if (!deployed || !object.identity) return findings;
  const violations = immutableFieldViolations({ kind: object.kind, group: object.group, version: object.version, name, before: deployed.value, after: object.value });
  for (const violation of violations) findings.push(violationFinding(file, manifest, object, address, name, violation, description!));
  return findings;
}

/** A custom resource of a known CRD: its immutability rules against the deployed version, nothing else. */
function customResourceFindings(
  file: string,
  manifest: ParsedManifest,
  object: ManifestObject,
  deployed: ManifestObject | undefined,
  description: string | undefined,
  address: string,
  name: string,
  match: CustomResourceRuleMatch,
): Finding[] {
  if (!deployed || !object.identity) return [];
  return customResourceViolations(match.version.schema, deployed.value, object.value).map((violation) =>
    customResourceViolationFinding(file, manifest, object, address, name, violation, match, description!),
  );
}

function customResourceViolationFinding(
  file: string,
  manifest: ParsedManifest,
  object: ManifestObject,
  address: string,
  name: string,
  violation: CustomResourceViolation,
  match: CustomResourceRuleMatch,
  baselineDescription: string,
): Finding {
  const before = shortValue(violation.before);
  const after = shortValue(violation.after);
  const { message, detail } = customResourceFindingText({
    kind: object.kind,
    name,
    version: match.version.version,
    violation,
    definition: match.definition,
    baseline: baselineDescription,
    before,
    after,
    skippedRules: match.version.skipped.length,
  });
  return {
    file,
    range: rangeOfPath(manifest, object, violation.at),
    severity: 'error',
    code: 'kubernetes/immutable-field',
    message,
    address,
    kind: object.kind,
    name,
    path: violation.field,
    before,
    after,
    detail,
    ruleSource: customResourceRuleSource(match.definition, match.version.version),
  };
}

/** A registry's answers are made per question; the rules they point at are what must not have changed. */
function sameRules(a: CustomResourceRuleMatch | undefined, b: CustomResourceRuleMatch | undefined): boolean {
  return a?.definition === b?.definition && a?.version === b?.version;
}

function shiftLines(finding: Finding, delta: number): Finding {
  const range = (r: SourceRange): SourceRange => ({
    start: { line: r.start.line + delta, character: r.start.character },
    end: { line: r.end.line + delta, character: r.end.character },
  });
  const shifted: Finding = { ...finding, range: range(finding.range) };
  if (finding.blockRange) shifted.blockRange = range(finding.blockRange);
  if (finding.fixes) shifted.fixes = finding.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, range: range(edit.range) })) }));
  return shifted;
}

function violationFinding(
  file: string,
  manifest: ParsedManifest,
  object: ManifestObject,
  address: string,
  name: string,
  violation: ImmutableViolation,
  baselineDescription: string,
): Finding {
  const field = formatPath(violation.at);
  const before = shortValue(violation.before);
  const after = shortValue(violation.after);
  const { message, detail } = renderFinding(violation.code, {
    kind: object.kind,
    name,
    field,
    error: violation.error,
    rule: violation.rule,
    ...(violation.note ? { note: violation.note } : {}),
    ruleSource: violation.ruleSource,
    baseline: baselineDescription,
    before,
    after,
  });
  return {
    file,
    range: rangeOfPath(manifest, object, violation.at),
    severity: violation.severity,
    code: violation.code,
    message,
    address,
    kind: object.kind,
    name,
    path: field,
    before,
    after,
    detail,
    ruleSource: violation.ruleSource,
  };
}
