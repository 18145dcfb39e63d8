/**
 * The cluster's verdicts (server-side dry-run, serverDryRun.ts) joined with the offline findings
 * of one file. Pure: findings and verdicts in, findings out.
 *
 * - A rejection becomes a `kubernetes/server-rejected` error in the server's words, on the first
 *   field it names that the object has (else on the object's name). An offline immutable-field
 *   finding on the same field (or a field inside it, or around it) gives way to it: one finding,
 *   the server's words, the offline rule kept in its hover.
 *   A refused edit starts no rollout: the object's rolling-update and Recreate findings (and
 *   so its "Show rollout timeline" lens) go until the edit is one the cluster accepts.
 * - An acceptance turns each offline immutable-field finding of the object into a
 *   `kubernetes/server-accepted` hint: the cluster's version allows what the offline rule refuses.
 * - No verdict (kubectl could not ask): the offline findings stay, plus one information note per
 *   distinct reason, in the style of the baseline notes.
 */
import type { Finding } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import type { DryRunVerdict } from './dryRunAnswer';
import { rangeOfPath, type FieldPath, type ManifestObject, type ParsedManifest } from './manifestParser';
import { identityAddress, identityKey } from './objectIdentity';
import { formatPath } from './valueDiff';

const IMMUTABLE_CODES = new Set(['kubernetes/immutable-field', 'kubernetes/immutable-config-changed']);
/** What an applied edit would set going; a rejected one sets nothing going. */
const ROLLOUT_CODES = new Set(['kubernetes/rolling-update', 'kubernetes/recreate-downtime']);

export function withServerVerdicts(file: string, manifest: ParsedManifest, findings: Finding[], verdicts: ReadonlyMap<string, DryRunVerdict> | undefined): Finding[] {
  if (!verdicts || verdicts.size === 0) return findings;
  let out = findings;
  const unavailable = new Set<string>();
  const seen = new Set<string>();
  for (const object of manifest.objects) {
    // Verdicts exist only for the objects that were compared (analysed kinds, custom resources of a known CRD).
    if (!object.identity) continue;
    const key = identityKey(object.identity);
    // The first of two objects with one identity is the one compared (manifestFindings.ts).
    if (seen.has(key)) continue;
    seen.add(key);
    const verdict = verdicts.get(key);
    if (!verdict) continue;
    const address = identityAddress(object.identity);
    const offline = out.filter((f) => f.address === address && IMMUTABLE_CODES.has(f.code));
    if (verdict.outcome === 'unavailable') unavailable.add(verdict.reason);
    else if (verdict.outcome === 'accepted') out = out.map((f) => (offline.includes(f) ? accepted(f, object) : f));
    else out = rejected(file, manifest, object, address, verdict, out, offline);
  }
  for (const reason of unavailable) {
    out.push({
      file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'information',
      code: 'kubernetes/baseline-unavailable',
      message: renderFinding('kubernetes/baseline-unavailable', {
        reason: `No server-side dry-run, so the cluster's own checks (admission policies, webhooks, quota) were not asked and only the offline rules were applied: ${reason}`,
      }).message,
    });
  }
  return out;
}

function accepted(finding: Finding, object: ManifestObject): Finding {
  const { message, detail } = renderFinding('kubernetes/server-accepted', {
    kind: object.kind,
    name: object.identity!.name,
    field: finding.path ?? '',
    ruleMessage: finding.message,
  });
  return { ...finding, severity: 'hint', code: 'kubernetes/server-accepted', message, detail };
}

function rejected(
  file: string,
  manifest: ParsedManifest,
  object: ManifestObject,
  address: string,
  verdict: Extract<DryRunVerdict, { outcome: 'rejected' }>,
  findings: Finding[],
  offline: Finding[],
): Finding[] {
  const fields = verdict.fields.map(formatPath);
  const agreeing = offline.find((f) => f.path !== undefined && fields.some((field) => nested(field, f.path!)));
  const located = verdict.fields.find((path) => hasPath(object.value, path));
  const { message, detail } = renderFinding('kubernetes/server-rejected', {
    kind: object.kind,
    name: object.identity!.name,
    answer: verdict.message,
    ...(agreeing ? { agrees: { code: agreeing.code as 'kubernetes/immutable-field', detail: agreeing.detail } } : {}),
  });
  const finding: Finding = {
    file,
    // The offline finding knows the exact field the edit changed; else the server's field, else the object's name.
    range: agreeing?.range ?? rangeOfPath(manifest, object, located ?? ['metadata', 'name']),
    severity: 'error',
    code: 'kubernetes/server-rejected',
    message,
    detail,
    address,
    kind: object.kind,
    name: object.identity!.name,
    ...((agreeing?.path ?? located) ? { path: agreeing?.path ?? formatPath(located!) } : {}),
    ...(agreeing?.before !== undefined ? { before: agreeing.before, after: agreeing.after } : {}),
  };
  const out = findings.filter((f) => f !== agreeing && !(f.address === address && ROLLOUT_CODES.has(f.code)));
  const at = agreeing ? findings.indexOf(agreeing) : out.length;
  out.splice(at, 0, finding);
  return out;
}

/** One dotted path equals the other or lies inside it (`spec` and `spec.serviceName`). */
function nested(a: string, b: string): boolean {
  const inside = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return inside(a, b) || inside(b, a);
}

function hasPath(value: unknown, path: FieldPath): boolean {
  let node = value;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(node) || segment >= node.length : typeof node !== 'object' || node === null || !(segment in node)) return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return true;
}
