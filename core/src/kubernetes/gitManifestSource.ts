/**
 * A manifest's objects at a git revision as their baseline: the same object (group, kind,
 * namespace, name) in the same file at the ref; objects not found there are looked up in the other
 * YAML files of the same folder at that ref, which covers a renamed file or an object moved between
 * files. Folders elsewhere are not searched. Runs `git`, so it is only used where processes may run.
 */
import * as path from 'node:path';
import { BaselineError } from '../io/baselineError';
import { readGitFile, readGitSnapshot, ThrottledCommitResolver } from '../io/git';
import { objectsByIdentity } from './deployedManifests';
import { analysedKinds, type ManifestBaselineSource } from './manifestBaselineSource';
import { KUBERNETES_FILE } from './manifestFiles';
import { parseManifest, type ManifestObject } from './manifestParser';
import { identityKey } from './objectIdentity';

/** Sibling files at the ref larger than this are not searched for moved objects. */
const MAX_SIBLING_BYTES = 1024 * 1024;

/**
 * Git revisions of manifests, with what has been read of them: refs are resolved at most every
 * 1.5 s per folder (ThrottledCommitResolver), so that typing spawns no `git` per keystroke, and a
 * file's or a folder's objects at a commit are read and parsed once (a commit never changes).
 */
export class GitManifestRevisions {
  private readonly commits = new ThrottledCommitResolver();
  /** Parsed objects of one file at one commit. */
  private readonly fileAtCommit = new Map<string, Map<string, ManifestObject>>();
  /** Parsed objects of a folder's YAML files at one commit. */
  private readonly folderAtCommit = new Map<string, Promise<Map<string, ManifestObject>>>();

  /** Git at `ref` as a baseline source; `explicit`: the user asked for git (`--baseline git`), so its absence is a warning, not a hint. */
  at(ref: string, explicit: boolean): ManifestBaselineSource {
    return {
      deployedObjects: async (file, manifest, compared = analysedKinds) => {
        const dir = path.dirname(file);
        let commit: string;
        try {
          commit = (await this.commits.resolve(dir, ref)).commit;
        } catch (error) {
          if (error instanceof BaselineError) {
            const loud = explicit || ref !== 'HEAD';
            return { reason: `${error.message} Edits to the Kubernetes objects cannot be compared with a deployed version.`, severity: loud ? 'warning' : 'hint' };
          }
          throw error;
        }
        const objects = new Map(await this.objectsInFile(file, commit));
        const missing = manifest.objects.some((o) => o.identity && compared(o) && !objects.has(identityKey(o.identity)));
        if (missing) {
          for (const [key, object] of await this.objectsInFolder(dir, commit)) if (!objects.has(key)) objects.set(key, object);
        }
        const shown = ref === 'HEAD' ? 'HEAD' : `\`${ref}\``;
        return { objects, description: `the manifest at git ${shown} (${commit.slice(0, 7)})` };
      },
    };
  }

  private async objectsInFile(file: string, commit: string): Promise<Map<string, ManifestObject>> {
    const key = `${file}\0${commit}`;
    let objects = this.fileAtCommit.get(key);
    if (!objects) {
      const { text } = await readGitFile(file, commit);
      objects = text === undefined ? new Map() : objectsByIdentity(parseManifest(text));
      this.fileAtCommit.set(key, objects);
    }
    return objects;
  }

  private objectsInFolder(dir: string, commit: string): Promise<Map<string, ManifestObject>> {
    const key = `${dir}\0${commit}`;
    let pending = this.folderAtCommit.get(key);
    if (!pending) {
      pending = readGitSnapshot(dir, commit, KUBERNETES_FILE).then(
        (snapshot) => {
          const objects = new Map<string, ManifestObject>();
          for (const sibling of snapshot.files) {
            if (sibling.text.length > MAX_SIBLING_BYTES) continue;
            for (const [id, object] of objectsByIdentity(parseManifest(sibling.text))) if (!objects.has(id)) objects.set(id, object);
          }
          return objects;
        },
        () => new Map<string, ManifestObject>(),
      );
      this.folderAtCommit.set(key, pending);
    }
    return pending;
  }
}
