/**
 * Analyses one Kubernetes YAML file against its deployed version. Owns the I/O the pure modules
 * need — reading the file, and the baseline through git — with caches so that re-analysis while
 * typing spawns no process more often than every 1.5 s. Used by the language server and the CLI;
 * knows nothing of LSP.
 *
 * The baseline is the same object (group, kind, namespace, name) in the same file at the git ref;
 * objects not found there are looked up in the other YAML files of the same folder at that ref,
 * which covers a renamed file or an object moved between files. Folders elsewhere are not
 * searched.
 *
 * With `deployed` (`check --against`, the `againstPath` setting) the baseline is the pool of
 * objects in those files instead (deployedManifests.ts): only files are read, so it works in an
 * untrusted workspace too.
 *
 * With `baseline: 'cluster'` (opt-in) the baseline is the live object instead, through kubectl
 * (kubectlBaseline.ts, liveBaseline.ts), looked up at most every 30 s per set of objects; never
 * in an untrusted workspace, where no process runs at all.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../common/src/findings';
import type { KubernetesBaselineSource } from '../../../common/src/settings';
import { BaselineError } from '../io/baselineError';
import { readGitFile, readGitSnapshot, ThrottledCommitResolver } from '../io/git';
import { decodeUtf8 } from '../io/utf8';
import { reparseManifest, type IncrementalManifest } from './incrementalManifest';
import { manifestFindings, type ManifestBaseline, type ObjectFindingsMemo } from './manifestFindings';
import { parseManifest, type ManifestObject, type ParsedManifest } from './manifestParser';
import { getLiveObjects, type KubectlOptions, type LiveObjects } from './kubectlBaseline';
import { liveBaselineObject } from './liveBaseline';
import { identityKey, isAnalysedKind, type ObjectIdentity } from './objectIdentity';
import { counterpartPath, type DeployedVersion } from '../io/deployedVersion';
import { DeployedManifests, deployedObject, objectsByIdentity } from './deployedManifests';
import { renderFinding } from '../findingText/ruleText';

export const KUBERNETES_FILE = /\.ya?ml$/i;

/**
 * Larger files are not analysed: parsing YAML with positions costs about 1 s per MB on these
 * machines (the Kubernetes bench: 0.55–0.9 s for `parseAllDocuments` of a 600 KB manifest; edits
 * after the first parse re-parse only their document), and a manifest this big is generated —
 * check what generates it.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Files whose last parse is kept for the next edit: more than an editor usually has open. */
const MAX_REMEMBERED_FILES = 32;
/** Sibling files at the ref larger than this are not searched for moved objects. */
const MAX_SIBLING_BYTES = 1024 * 1024;

export interface KubernetesAnalysisOptions {
  gitRef: string;
  /** False in an untrusted workspace: no `git` (nor `kubectl`) process runs, so there is no baseline. */
  allowGit: boolean;
  /** Where the deployed objects come from; default git. */
  baseline?: KubernetesBaselineSource;
  /** How to run kubectl for the cluster baseline; its path is the machine-scoped setting. */
  kubectl?: KubectlOptions;
  /** The deployed version as files; it takes the place of git (the cluster, when opted in, still wins). */
  deployed?: DeployedVersion;
  /** The user asked for the git baseline explicitly (`--baseline git`): its absence is a warning, not a hint. */
  explicitGit?: boolean;
}

/** Seconds a cluster lookup is reused: typing must not run kubectl per keystroke. */
const LIVE_LOOKUP_TTL_MS = 30_000;

type BaselineProblem = { reason: string; severity: 'warning' | 'information' | 'hint' };

/** A baseline that may lack some objects, and why: they are then compared as new ones. */
type FoundBaseline = ManifestBaseline & { incomplete?: BaselineProblem };

export class KubernetesFileAnalyzer {
  private readonly commits = new ThrottledCommitResolver();
  private readonly deployedManifests: DeployedManifests;
  /** Parsed objects of one file at one commit. */
  private readonly fileAtCommit = new Map<string, Map<string, ManifestObject>>();
  /** Parsed objects of a folder's YAML files at one commit. */
  private readonly folderAtCommit = new Map<string, Promise<Map<string, ManifestObject>>>();
  /**
   * The last parse of each recently analysed file, for an incremental re-parse after an edit,
   * and the findings of its objects: a whole parse of a large manifest is far over the budget
   * of a re-analysis while typing (see incrementalManifest.ts). Bounded: the oldest file goes.
   */
  private readonly lastParse = new Map<string, IncrementalManifest>();
  private readonly findingsMemo: ObjectFindingsMemo = new WeakMap();
  /** Cluster lookups by kubectl path and objects looked up. */
  private readonly liveLookups = new Map<string, { at: number; promise: Promise<LiveObjects> }>();
  /**
   * Baseline objects made from live ones, per live object, while the edited object is the same:
   * the same baseline object keeps the findings memo valid between edits of other documents.
   */
  private readonly liveBaselines = new WeakMap<object, { edited: unknown; baseline: ManifestObject | undefined }>();

  /**
   * `deployedRelistMs`: how long a listing of a deployed folder is trusted. The editor's default
   * picks up a changed folder while typing without walking it per keystroke; the CLI passes
   * Infinity, so each file is read once per run.
   */
  constructor(deployedRelistMs = 1500) {
    this.deployedManifests = new DeployedManifests(deployedRelistMs);
  }

  /** `text`: the editor's content; otherwise the file is read from disk. */
  async analyze(file: string, options: KubernetesAnalysisOptions, text?: string): Promise<Finding[]> {
    const absolute = path.resolve(file);
    const loaded =
      text === undefined
        ? readManifest(absolute)
        : Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES
          ? { tooLarge: Buffer.byteLength(text, 'utf8'), head: text.slice(0, 65536) }
          : { text };
    if ('problem' in loaded) return loaded.kubernetes ? [fileProblem(absolute, loaded.problem)] : [];
    if ('tooLarge' in loaded) {
      // Only a file meant as Kubernetes gets a note; big YAML of other kinds is none of our business.
      return looksLikeKubernetesText(loaded.head) ? [fileProblem(absolute, tooLargeMessage(absolute, loaded.tooLarge))] : [];
    }
    const manifest = this.parse(absolute, loaded.text);
    const needsBaseline = manifest.objects.some((o) => isAnalysedKind(o.kind) && o.identity);
    if (!needsBaseline) return manifestFindings(absolute, manifest, undefined, this.findingsMemo);
    const baseline = await this.baseline(absolute, manifest, options);
    const findings = manifestFindings(absolute, manifest, 'reason' in baseline ? undefined : baseline, this.findingsMemo);
    const problem = 'reason' in baseline ? baseline : baseline.incomplete;
    if (problem) {
      findings.push({
        file: absolute,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: problem.severity,
        code: 'kubernetes/baseline-unavailable',
        message: problem.reason,
      });
    }
    return findings;
  }

  private parse(file: string, text: string): IncrementalManifest {
    const previous = this.lastParse.get(file);
    const manifest = previous?.text === text ? previous : reparseManifest(text, previous);
    this.lastParse.delete(file);
    this.lastParse.set(file, manifest);
    if (this.lastParse.size > MAX_REMEMBERED_FILES) this.lastParse.delete(this.lastParse.keys().next().value!);
    return manifest;
  }

  private async baseline(file: string, manifest: ParsedManifest, options: KubernetesAnalysisOptions): Promise<FoundBaseline | BaselineProblem> {
    if (options.baseline === 'cluster') return this.clusterBaseline(manifest, options);
    if (options.deployed) return this.deployedBaseline(file, manifest, options.deployed);
    if (!options.allowGit) {
      return { reason: 'No baseline for the Kubernetes objects: this workspace is not trusted, so git is not run.', severity: 'hint' };
    }
    const dir = path.dirname(file);
    let commit: string;
    try {
      commit = (await this.commits.resolve(dir, options.gitRef)).commit;
    } catch (error) {
      if (error instanceof BaselineError) {
        const explicit = options.explicitGit || options.gitRef !== 'HEAD';
        return { reason: `${error.message} Edits to the Kubernetes objects cannot be compared with a deployed version.`, severity: explicit ? 'warning' : 'hint' };
      }
      throw error;
    }
    const objects = new Map(await this.objectsInFile(file, commit));
    const missing = manifest.objects.some((o) => o.identity && isAnalysedKind(o.kind) && !objects.has(identityKey(o.identity)));
    if (missing) {
      for (const [key, object] of await this.objectsInFolder(dir, commit)) if (!objects.has(key)) objects.set(key, object);
    }
    const ref = options.gitRef === 'HEAD' ? 'HEAD' : `\`${options.gitRef}\``;
    return { objects, description: `the manifest at git ${ref} (${commit.slice(0, 7)})` };
  }

  /** Each edited object against the pool's object of the same identity, preferring the edited file's counterpart. */
  private deployedBaseline(file: string, manifest: ParsedManifest, deployed: DeployedVersion): FoundBaseline | BaselineProblem {
    const pool = this.deployedManifests.pool(deployed.path);
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
      if (!object.identity || !isAnalysedKind(object.kind)) continue;
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
  }

  private async clusterBaseline(manifest: ParsedManifest, options: KubernetesAnalysisOptions): Promise<ManifestBaseline | BaselineProblem> {
    if (!options.allowGit) {
      return { reason: 'No baseline for the Kubernetes objects: this workspace is not trusted, so kubectl is not run.', severity: 'hint' };
    }
    const edited = manifest.objects.filter((o) => o.identity && isAnalysedKind(o.kind));
    const live = await this.liveObjects(
      edited.map((o) => o.identity!),
      options.kubectl ?? { path: '' },
    );
    if ('unavailable' in live) {
      return { reason: `No live baseline for the Kubernetes objects, so edits were not compared with the cluster: ${live.unavailable}`, severity: 'information' };
    }
    const objects = new Map<string, ManifestObject>();
    for (const object of edited) {
      const key = identityKey(object.identity!);
      const liveObject = live.objects.get(key);
      if (!liveObject || objects.has(key)) continue;
      let made = this.liveBaselines.get(liveObject);
      if (made?.edited !== object.value) {
        made = { edited: object.value, baseline: liveBaselineObject(liveObject, object) };
        this.liveBaselines.set(liveObject, made);
      }
      if (made.baseline) objects.set(key, made.baseline);
    }
    return { objects, description: 'the live object in the cluster (`kubectl get`)' };
  }

  private liveObjects(identities: ObjectIdentity[], kubectl: KubectlOptions): Promise<LiveObjects> {
    const now = Date.now();
    for (const [key, entry] of this.liveLookups) if (now - entry.at >= LIVE_LOOKUP_TTL_MS) this.liveLookups.delete(key);
    const key = JSON.stringify([kubectl.path, identities.map(identityKey).sort()]);
    let entry = this.liveLookups.get(key);
    if (!entry) this.liveLookups.set(key, (entry = { at: now, promise: getLiveObjects(identities, kubectl) }));
    return entry.promise;
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

type LoadedManifest = { text: string } | { problem: string; kubernetes: boolean } | { tooLarge: number; head: string };

function readManifest(file: string): LoadedManifest {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) return { tooLarge: size, head: readHead(file) };
    bytes = readFileSync(file);
  } catch (error) {
    return { problem: `Cannot read ${path.basename(file)}: ${(error as Error).message}`, kubernetes: true };
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return {
      problem: `${path.basename(file)} is not valid UTF-8 text, which Kubernetes manifests must be: it was not analysed.`,
      kubernetes: looksLikeKubernetesText(bytes.toString('latin1')),
    };
  }
  return { text };
}

function readHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Without parsing (too large, not UTF-8): does the text have Kubernetes header keys? */
function looksLikeKubernetesText(text: string): boolean {
  return /^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:/m.test(text) && /^[ \t]*(?:-[ \t]+)?kind[ \t]*:/m.test(text);
}

function tooLargeMessage(file: string, bytes: number): string {
  return renderFinding('kubernetes/file-unreadable', { problem: 'too-large', file, bytes, limitBytes: MAX_MANIFEST_BYTES }).message;
}

function fileProblem(file: string, message: string): Finding {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'warning', code: 'kubernetes/file-unreadable', message };
}
