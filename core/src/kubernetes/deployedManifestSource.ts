/**
 * The objects of a deployed version the user pointed at as files (`check --against`, the
 * `againstPath` setting) as the baseline: each edited object against the pool's object of the same
 * identity (deployedManifests.ts), preferring the one in the edited file's counterpart. Only files
 * are read, so it works in an untrusted workspace too.
 */
import * as path from 'node:path';
import { counterpartPath, type DeployedVersion } from '../io/deployedVersion';
import { deployedObject, type DeployedManifests } from './deployedManifests';
import type { FoundBaseline } from './manifestAnalysis';
import { analysedKinds, type ManifestBaselineSource } from './manifestBaselineSource';
import type { ManifestObject } from './manifestParser';
import { identityKey } from './objectIdentity';

/** `manifests`: the pools of deployed objects, kept between analyses. */
export function deployedManifestSource(manifests: DeployedManifests, deployed: DeployedVersion): ManifestBaselineSource {
  return {
    deployedObjects: async (file, manifest, compared = analysedKinds) => {
      const pool = manifests.pool(deployed.path);
      const cannotCompare = 'Edits to the Kubernetes objects cannot be compared with a deployed version.';
      if (!pool) return { reason: `${deployed.origin} does not exist. ${cannotCompare}`, severity: 'warning' };
      const unreadable = pool.unreadable.map(
        (u) => `${deployed.path === u.file ? deployed.display : path.join(deployed.display, path.relative(deployed.path, u.file))} (${u.reason})`,
      );
      if (pool.objects.size === 0) {
        const because = unreadable.length === 0 ? '' : ` that could be read: ${unreadable.join('; ')}`;
        return { reason: `${deployed.origin} holds no Kubernetes objects${because}. ${cannotCompare}`, severity: 'warning' };
      }
      const counterpart = counterpartPath(deployed, file);
      const objects = new Map<string, ManifestObject>();
      const sources = new Set<string>();
      const notFound: string[] = [];
      for (const object of manifest.objects) {
        if (!object.identity || !compared(object)) continue;
        const key = identityKey(object.identity);
        const found = deployedObject(pool, key, counterpart);
        if (!found) notFound.push(`${object.kind} \`${object.identity.name}\``);
        if (!found || objects.has(key)) continue;
        objects.set(key, found.object);
        sources.add(found.file);
      }
      // Name the file the deployed objects came from when there is one, else the folder.
      const [only] = sources;
      const shown = sources.size === 1 && only !== deployed.path ? path.join(deployed.display, path.relative(deployed.path, only)) : deployed.display;
      const baseline: FoundBaseline = { objects, description: `the deployed version in ${shown}` };
      // An object missing from the pool is compared as new; say so when an unreadable file may hold it.
      if (notFound.length > 0 && unreadable.length > 0) {
        const files = unreadable;
        baseline.incomplete = {
          severity: 'information',
          reason:
            `${notFound.join(', ')} ${notFound.length === 1 ? 'is' : 'are'} not in ${deployed.origin}, so ${notFound.length === 1 ? 'it is' : 'they are'} checked as new; ` +
            `but ${files.length === 1 ? 'a file there' : `${files.length} files there`} could not be read in full and may hold ${notFound.length === 1 ? 'it' : 'them'}: ${files.join('; ')}.`,
        };
      }
      return baseline;
    },
  };
}
