/**
 * Where the deployed versions of a manifest's objects come from: the same file at a git revision
 * (gitManifestSource.ts), the files of a deployed version the user pointed at
 * (deployedManifestSource.ts), or the live cluster through kubectl (clusterManifestSource.ts).
 * The analyzer picks one per analysis; the pure analysis (manifestAnalysis.ts) only sees its answer.
 */
import { isAnalysedKind } from './objectIdentity';
import type { BaselineProblem, ManifestBaselineLookup } from './manifestAnalysis';
import type { ManifestObject, ParsedManifest } from './manifestParser';

/** Which objects of a manifest are compared with a deployed version; default: the analysed kinds (objectIdentity.ts). */
export type ComparedObjects = (object: ManifestObject) => boolean;

export interface ManifestBaselineSource {
  /** The deployed objects the Kubernetes objects of `manifest` (the text of `file`) are compared with, or why there are none. */
  deployedObjects(file: string, manifest: ParsedManifest, compared?: ComparedObjects): Promise<ManifestBaselineLookup>;
}

export const analysedKinds: ComparedObjects = (object) => isAnalysedKind(object.kind);

/** A source that has nothing, for a reason known without looking (no process may run). */
export function noBaseline(problem: BaselineProblem): ManifestBaselineSource {
  return { deployedObjects: async () => problem };
}
