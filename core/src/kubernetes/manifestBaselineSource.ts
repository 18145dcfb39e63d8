/**
 * Where the deployed versions of a manifest's objects come from: the same file at a git revision
 * (gitManifestSource.ts), the files of a deployed version the user pointed at
 * (deployedManifestSource.ts), or the live cluster through kubectl (clusterManifestSource.ts).
 * The analyzer picks one per analysis; the pure analysis (manifestAnalysis.ts) only sees its answer.
 */
import type { BaselineProblem, ManifestBaselineLookup } from './manifestAnalysis';
import type { ParsedManifest } from './manifestParser';

export interface ManifestBaselineSource {
  /** The deployed objects the Kubernetes objects of `manifest` (the text of `file`) are compared with, or why there are none. */
  deployedObjects(file: string, manifest: ParsedManifest): Promise<ManifestBaselineLookup>;
}

/** A source that has nothing, for a reason known without looking (no process may run). */
export function noBaseline(problem: BaselineProblem): ManifestBaselineSource {
  return { deployedObjects: async () => problem };
}
