/**
 * The live objects of the cluster as the baseline, when the user opts in
 * (`immutableInfra.kubernetes.baseline: cluster`): looked up through kubectl (kubectlBaseline.ts)
 * and turned into baseline objects (liveBaseline.ts); and the cluster's verdict on the edited
 * objects it has, by a server-side dry-run (serverDryRun.ts, paced by dryRunSchedule.ts). Runs
 * kubectl, so it is only used where processes may run.
 */
import type { DryRunVerdict } from './dryRunAnswer';
import { ServerDryRuns } from './dryRunSchedule';
import { getLiveObjects, type KubectlOptions, type LiveObjects } from './kubectlBaseline';
import type { ManifestBaseline } from './manifestFindings';
import { liveBaselineObject } from './liveBaseline';
import { analysedKinds, type ManifestBaselineSource } from './manifestBaselineSource';
import type { ManifestObject, ParsedManifest } from './manifestParser';
import { identityKey, type ObjectIdentity } from './objectIdentity';

/** Milliseconds a cluster lookup is reused: typing must not run kubectl per keystroke. */
const LIVE_LOOKUP_TTL_MS = 30_000;

/** Cluster lookups, kept between analyses. */
export class ClusterObjects {
  /** By kubectl path and the objects looked up; dropped once older than LIVE_LOOKUP_TTL_MS. */
  private readonly lookups = new Map<string, { at: number; promise: Promise<LiveObjects> }>();
  /**
   * Baseline objects made from live ones, per live object, while the edited object is the same:
   * the same baseline object keeps the findings memo valid between edits of other documents.
   */
  private readonly baselines = new WeakMap<object, { edited: unknown; baseline: ManifestObject | undefined }>();
  private readonly dryRuns: ServerDryRuns;

  constructor(dryRuns = new ServerDryRuns()) {
    this.dryRuns = dryRuns;
  }

  /**
   * The cluster's verdicts on the edited objects it has (those in `baseline`: the analysed kinds,
   * and custom resources of a known CRD, whose CRD rules the server then answers for), by identity key; an
   * object whose edit a newer analysis overtook has none. Nothing is asked for a manifest with
   * syntax errors: a broken document's object is not what the user means to apply.
   */
  async serverVerdicts(manifest: ParsedManifest, baseline: ManifestBaseline, kubectl: KubectlOptions): Promise<Map<string, DryRunVerdict>> {
    if (manifest.syntaxErrors.length > 0) return new Map();
    const seen = new Set<string>();
    const objects = [];
    for (const object of manifest.objects) {
      if (!object.identity) continue;
      const key = identityKey(object.identity);
      if (seen.has(key) || !baseline.objects.has(key)) continue;
      seen.add(key);
      const { kind, group, name, namespace } = object.identity;
      objects.push({ key, kind, group, name, namespace, value: object.value });
    }
    if (objects.length === 0) return new Map();
    const verdicts = new Map<string, DryRunVerdict>();
    for (const [key, verdict] of await this.dryRuns.verdicts(objects, kubectl)) if (verdict.outcome !== 'superseded') verdicts.set(key, verdict);
    return verdicts;
  }

  /** The cluster kubectl reaches with `kubectl` (its path is the machine-scoped setting) as a baseline source. */
  through(kubectl: KubectlOptions): ManifestBaselineSource {
    return {
      deployedObjects: async (_file, manifest, compared = analysedKinds) => {
        const edited = manifest.objects.filter((o) => o.identity && compared(o));
        const live = await this.liveObjects(
          edited.map((o) => o.identity!),
          kubectl,
        );
        if ('unavailable' in live) {
          return { reason: `No live baseline for the Kubernetes objects, so edits were not compared with the cluster: ${live.unavailable}`, severity: 'information' };
        }
        const objects = new Map<string, ManifestObject>();
        for (const object of edited) {
          const key = identityKey(object.identity!);
          const liveObject = live.objects.get(key);
          if (!liveObject || objects.has(key)) continue;
          let made = this.baselines.get(liveObject);
          if (made?.edited !== object.value) {
            made = { edited: object.value, baseline: liveBaselineObject(liveObject, object) };
            this.baselines.set(liveObject, made);
          }
          if (made.baseline) objects.set(key, made.baseline);
        }
        return { objects, description: 'the live object in the cluster (`kubectl get`)' };
      },
    };
  }

  private liveObjects(identities: ObjectIdentity[], kubectl: KubectlOptions): Promise<LiveObjects> {
    const now = Date.now();
    for (const [key, entry] of this.lookups) if (now - entry.at >= LIVE_LOOKUP_TTL_MS) this.lookups.delete(key);
    // The kubeconfig names the cluster: another one is another lookup.
    const key = JSON.stringify([kubectl.path, kubectl.env?.KUBECONFIG ?? process.env.KUBECONFIG ?? '', identities.map(identityKey).sort()]);
    let entry = this.lookups.get(key);
    if (!entry) this.lookups.set(key, (entry = { at: now, promise: getLiveObjects(identities, kubectl) }));
    return entry.promise;
  }
}
