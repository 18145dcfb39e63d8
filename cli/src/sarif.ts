/**
 * SARIF 2.1.0 output for `check --format sarif`, in the shape GitHub code scanning accepts:
 * one run, a rule per finding code, results with a physical location relative to the
 * working directory (`%SRCROOT%`), 1-based lines and columns.
 */
import type { Finding, FindingSeverity } from '../../common/src/findings';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

const RULE_DESCRIPTIONS: Record<string, string> = {
  'terraform/forces-replacement': 'A changed attribute forces Terraform to destroy and re-create the resource.',
  'terraform/may-force-replacement': 'A changed attribute may force replacement, depending on values known only at plan time.',
  'terraform/renamed-without-moved': 'A resource address changed without a moved block: Terraform destroys and re-creates it.',
  'terraform/replace-blocked-by-prevent-destroy': 'A replacement is blocked by lifecycle.prevent_destroy: the plan will fail.',
  'terraform/stateful-replacement': 'Replacing a resource that holds data destroys the data.',
  'terraform/replace-triggered-by': 'A replace_triggered_by target changes, so the resource is replaced.',
  'terraform/syntax-error': 'The file has a syntax error.',
  'terraform/baseline-unavailable': 'No baseline (state or git) to compare edits with.',
  'terraform/file-unreadable': 'The file could not be analysed.',
  'terraform/not-checked':
    'Resources of a provider, or of resource types, that the replacement knowledge base does not describe: their edits were not checked for replacement.',
  'kubernetes/immutable-field':
    'A changed field is immutable for its kind: the API server rejects the update, and applying it means deleting and re-creating the object.',
  'kubernetes/rolling-update': 'A pod template change starts a rolling update that replaces the pods.',
  'kubernetes/recreate-downtime': 'A pod template change with strategy Recreate stops every pod before new ones start.',
  'kubernetes/mutable-image-tag':
    'An image referenced by a tag its publisher moves (none, latest, a channel, a snapshot) or may move (a version line without a patch number, such as 1.23) can change under the same name.',
  'kubernetes/no-readiness-probe': 'A rolling workload has no readiness probe, so the rollout cannot protect availability.',
  'kubernetes/immutable-config-changed': 'The contents of an immutable ConfigMap or Secret changed: the API server rejects the update.',
  'kubernetes/local-state': 'A Deployment keeps data in emptyDir or hostPath, which does not survive the pod being replaced.',
  'kubernetes/templated-file': 'A templated manifest (e.g. a Helm chart) was not checked.',
  'kubernetes/syntax-error': 'The manifest has a YAML syntax error.',
  'kubernetes/baseline-unavailable': 'No git baseline to compare the manifest with.',
  'kubernetes/file-unreadable': 'The manifest could not be analysed.',
};

export function toSarif(findings: Array<Finding & { file: string }>, toolVersion: string): object {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'immutable-infra',
            version: toolVersion,
            informationUri: 'https://github.com/immutable-infra/immutable-infra',
            rules: codes.map((code) => ({
              id: code,
              name: code.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: { text: RULE_DESCRIPTIONS[code] ?? code },
              defaultConfiguration: { level: LEVEL[findings.find((f) => f.code === code)!.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///' } },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: f.range.start.line + 1,
                  startColumn: f.range.start.character + 1,
                  endLine: f.range.end.line + 1,
                  endColumn: Math.max(f.range.end.character + 1, f.range.end.line === f.range.start.line ? f.range.start.character + 2 : 1),
                },
              },
              ...(f.address ? { logicalLocations: [{ fullyQualifiedName: f.address, kind: 'resource' }] } : {}),
            },
          ],
          partialFingerprints: { primaryLocationLineHash: fingerprint(f) },
        })),
      },
    ],
  };
}

/** Stable across unrelated edits: code, file, address and attribute (or field path, or provider), not line numbers. */
function fingerprint(f: Finding & { file: string }): string {
  const text = `${f.code}|${f.file}|${f.address ?? ''}|${f.attribute ?? f.path ?? f.provider ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16).padStart(8, '0')}:1`;
}
