/**
 * SARIF 2.1.0 output for `check --format sarif`, in the shape GitHub code scanning accepts:
 * one run, a rule per finding code, results with a physical location relative to the
 * working directory (`%SRCROOT%`), 1-based lines and columns.
 */
import type { Finding, FindingSeverity } from '../../common/src/findings';
import { RULE_TEXT } from '../../core/src/findingText/ruleText';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
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
              shortDescription: { text: RULE_TEXT[code].description },
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
                region: region(f.range),
              },
              ...(f.address ? { logicalLocations: [{ fullyQualifiedName: f.address, kind: 'resource' }] } : {}),
            },
          ],
          ...(f.related && f.related.length > 0
            ? {
                relatedLocations: f.related.map((r, id) => ({
                  id,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: { uri: r.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' }, region: region(r.range) },
                })),
              }
            : {}),
          partialFingerprints: { primaryLocationLineHash: fingerprint(f) },
          // Which provider version's knowledge (or which plan) the rule comes from, as in the JSON output.
          ...(f.rule ? { properties: { rule: f.rule } } : {}),
        })),
      },
    ],
  };
}

/** A SARIF region (1-based, never empty) of a 0-based range. */
function region(range: Finding['range']) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: Math.max(range.end.character + 1, range.end.line === range.start.line ? range.start.character + 2 : 1),
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
