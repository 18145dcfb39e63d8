/**
 * The CustomResourceDefinitions of the live cluster, for the custom resources of a manifest whose
 * CRD the workspace doesn't hold, with the cluster baseline (opted in; never in an untrusted
 * workspace — the analyzer decides). For each group and version, `kubectl get --raw
 * /apis/<group>/<version>` names the resource (plural) of each kind; then `kubectl get
 * customresourcedefinitions <plural>.<group> -o json` reads the CRD. Reads only, through the
 * process runner (argument arrays, never a shell), cached for 30 s like the live objects.
 *
 * A group the cluster doesn't serve, or a kind that is no custom resource (an aggregated API),
 * simply has no rules; so has everything when kubectl can't reach the cluster — the live
 * baseline then says why.
 */
import { ProcessSpawnError, type ProcessRunner } from '../exec/processRunner';
import { systemProcessRunner } from '../exec/systemProcessRunner';
import { CustomResourceRegistry, definitionsInJson, type CustomResourceRules } from './customResourceRegistry';
import type { KubectlOptions } from './kubectlBaseline';
import { isRecord, type ManifestObject } from './manifestParser';

const TTL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** CRD groups are DNS subdomains with at least one dot (the API server requires it); built-in groups with dots are never CRDs. */
const CRD_GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const VERSION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const BUILT_IN_GROUPS = new Set([
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** Whether an object could be a custom resource whose CRD the cluster may hold. */
export function mayBeCustomResource(object: Pick<ManifestObject, 'group' | 'version' | 'kind'>): boolean {
  return CRD_GROUP.test(object.group) && !BUILT_IN_GROUPS.has(object.group) && VERSION.test(object.version) && KIND.test(object.kind);
}

export class ClusterCustomResourceDefinitions {
  private readonly lookups = new Map<string, { at: number; promise: Promise<CustomResourceRegistry> }>();

  constructor(private readonly runner: ProcessRunner = systemProcessRunner) {}

  /** The rules of the CRDs of these objects' kinds that the cluster holds. */
  async rulesFor(objects: ManifestObject[], kubectl: KubectlOptions): Promise<CustomResourceRules> {
    const wanted = new Map<string, { group: string; version: string; kinds: Set<string> }>();
    for (const object of objects) {
      if (!mayBeCustomResource(object)) continue;
      const key = `${object.group}/${object.version}`;
      let entry = wanted.get(key);
      if (!entry) wanted.set(key, (entry = { group: object.group, version: object.version, kinds: new Set() }));
      entry.kinds.add(object.kind);
    }
    const now = Date.now();
    for (const [key, entry] of this.lookups) if (now - entry.at >= TTL_MS) this.lookups.delete(key);
    const registries = await Promise.all(
      [...wanted.values()].map(({ group, version, kinds }) => {
        const key = JSON.stringify([kubectl.path, group, version, [...kinds].sort()]);
        let entry = this.lookups.get(key);
        if (!entry) this.lookups.set(key, (entry = { at: now, promise: this.lookUp(group, version, kinds, kubectl) }));
        return entry.promise;
      }),
    );
    return new CustomResourceRegistry(registries.flatMap((r) => r.definitions()));
  }

  private async lookUp(group: string, version: string, kinds: Set<string>, kubectl: KubectlOptions): Promise<CustomResourceRegistry> {
    const registry = new CustomResourceRegistry();
    const discovery = await this.kubectlJson(['get', '--raw', `/apis/${group}/${version}`], kubectl);
    const resources = isRecord(discovery) && Array.isArray(discovery.resources) ? discovery.resources : [];
    const plurals = resources
      .filter((r): r is Record<string, unknown> => isRecord(r) && typeof r.name === 'string' && !r.name.includes('/') && typeof r.kind === 'string' && kinds.has(r.kind))
      .map((r) => r.name as string);
    if (plurals.length === 0) return registry;
    const answer = await this.kubectlJson(
      ['get', 'customresourcedefinitions', ...plurals.map((p) => `${p}.${group}`), '--output', 'json', '--ignore-not-found'],
      kubectl,
    );
    if (answer === undefined) return registry;
    for (const definition of definitionsInJson(answer, 'the cluster (`kubectl get customresourcedefinitions`)').definitions) registry.add(definition);
    return registry;
  }

  /** kubectl's JSON answer; undefined when it has none (not found, not reachable). */
  private async kubectlJson(args: string[], kubectl: KubectlOptions): Promise<unknown> {
    const timeoutMs = kubectl.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const result = await this.runner.run({
        executable: kubectl.path || 'kubectl',
        args: [...args, `--request-timeout=${Math.max(1, Math.floor(timeoutMs / 1000) - 1)}s`],
        env: kubectl.env ?? process.env,
        timeoutMs,
        atTimeout: 'terminate',
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
      if (result.exitCode !== 0 || result.outputLimitExceeded || result.stdout.trim() === '') return undefined;
      return JSON.parse(result.stdout) as unknown;
    } catch (error) {
      // No kubectl, or no JSON: the CRD stays unknown, and the live baseline says why kubectl failed.
      if (error instanceof ProcessSpawnError || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }
}
