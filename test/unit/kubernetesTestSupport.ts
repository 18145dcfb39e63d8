/**
 * Shared helpers for the Kubernetes analysis tests: manifests built as data and written with the
 * `yaml` library (so positions are real), analysed against a baseline without git.
 */
import { stringify } from 'yaml';
import type { Finding } from '../../common/src/findings';
import { manifestFindings } from '../../core/src/kubernetes/manifestFindings';
import { parseManifest } from '../../core/src/kubernetes/manifestParser';
import { identityKey } from '../../core/src/kubernetes/objectIdentity';

export const FILE = '/work/manifests/app.yaml';

export function toYaml(...objects: object[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** Findings for `after`, compared with `before` as the deployed version (undefined: no baseline). */
export function analyse(before: string | undefined, after: string): Finding[] {
  if (before === undefined) return manifestFindings(FILE, parseManifest(after), undefined);
  const objects = new Map(
    parseManifest(before)
      .objects.filter((o) => o.identity)
      .map((o) => [identityKey(o.identity!), o]),
  );
  return manifestFindings(FILE, parseManifest(after), { objects, description: 'the test baseline' });
}

export function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code).sort();
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The seed Deployment (examples/kubernetes/deployment-v1.yaml), shared with the edit table of the immutable-field rules. */
export { seedDeployment } from '../support/immutableFieldCases';
