/**
 * Analyses one Kubernetes YAML file against its deployed version: the host of the pure analysis
 * (manifestAnalysis.ts). It reads the file (or takes the editor's text), re-parses it
 * incrementally, and picks the baseline source the options name — git, the deployed files, or the
 * live cluster (manifestBaselineSource.ts) — whose caches it keeps, so that re-analysis while
 * typing spawns no process more often than every 1.5 s (git) or 30 s (kubectl). Used by the
 * language server and the CLI; knows nothing of LSP. Every cache, its key and what invalidates it:
 * core/CACHES.md.
 *
 * The baseline is git by default; with `deployed` (`check --against`, the `againstPath` setting)
 * the deployed files; with `baseline: 'cluster'` (opt-in) the live objects and the cluster's
 * verdict on the edited ones (server-side dry-run, at most once per object every 3 s), never in
 * an untrusted workspace, where no process runs at all.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../common/src/findings';
import type { KubernetesBaselineSource } from '../../../common/src/settings';
import type { DeployedVersion } from '../io/deployedVersion';
import { decodeUtf8 } from '../io/utf8';
import { ClusterCustomResourceDefinitions } from './clusterCustomResourceDefinitions';
import { ClusterObjects } from './clusterManifestSource';
import { firstKnown, type CustomResourceRules } from './customResourceRegistry';
import { DeployedManifests } from './deployedManifests';
import { deployedManifestSource } from './deployedManifestSource';
import { GitManifestRevisions } from './gitManifestSource';
import { reparseManifest, type IncrementalManifest } from './incrementalManifest';
import type { KubectlOptions } from './kubectlBaseline';
import {
  analyzeManifest,
  isComparedObject,
  looksLikeKubernetesText,
  MAX_MANIFEST_BYTES,
  needsBaseline,
  unanalysedManifestFindings,
  type UnanalysedManifest,
} from './manifestAnalysis';
import { noBaseline, type ManifestBaselineSource } from './manifestBaselineSource';
import type { ObjectFindingsMemo } from './manifestFindings';
import type { ManifestObject } from './manifestParser';

/** Files whose last parse is kept for the next edit: more than an editor usually has open. */
const MAX_REMEMBERED_FILES = 32;

export interface KubernetesAnalysisOptions {
  gitRef: string;
  /** False in an untrusted workspace: no process (`git`, `kubectl`) runs, so only the deployed files can be a baseline. */
  mayRunProcesses: boolean;
  /** Where the deployed objects come from; default git. */
  baseline?: KubernetesBaselineSource;
  /** How to run kubectl for the cluster baseline; its path is the machine-scoped setting. */
  kubectl?: KubectlOptions;
  /** The deployed version as files; it takes the place of git (the cluster, when opted in, still wins). */
  deployed?: DeployedVersion;
  /** The user asked for the git baseline explicitly (`--baseline git`): its absence is a warning, not a hint. */
  explicitGit?: boolean;
  /**
   * The CRDs the host found (the workspace's, the CLI's paths): their custom resources are checked
   * against the CRDs' immutability rules. With the cluster baseline, the cluster's CRDs of kinds
   * not found here are read too.
   */
  customResources?: CustomResourceRules;
  /** With the cluster baseline: also ask the cluster's verdict by a server-side dry-run (default true). */
  serverDryRun?: boolean;
}

export class KubernetesFileAnalyzer {
  private readonly git = new GitManifestRevisions();
  private readonly deployedManifests: DeployedManifests;
  private readonly cluster = new ClusterObjects();
  private readonly clusterDefinitions = new ClusterCustomResourceDefinitions();
  /**
   * The last parse of each recently analysed file, for an incremental re-parse after an edit,
   * and the findings of its objects: a whole parse of a large manifest is far over the budget
   * of a re-analysis while typing (see incrementalManifest.ts). Bounded: the oldest file goes.
   */
  private readonly lastParse = new Map<string, IncrementalManifest>();
  private readonly findingsMemo: ObjectFindingsMemo = new WeakMap();

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
    const loaded = text === undefined ? readManifest(absolute) : editorText(text);
    if (loaded.kind !== 'text') return unanalysedManifestFindings(absolute, loaded);
    const manifest = this.parse(absolute, loaded.text);
    const customResources = await this.customResources(manifest.objects, options);
    const compared = (object: ManifestObject) => isComparedObject(object, customResources);
    const baseline = needsBaseline(manifest, customResources) ? await this.baselineSource(options).deployedObjects(absolute, manifest, compared) : undefined;
    const askCluster = options.baseline === 'cluster' && options.mayRunProcesses && options.serverDryRun !== false && baseline && !('reason' in baseline);
    const serverVerdicts = askCluster ? await this.cluster.serverVerdicts(manifest, baseline, options.kubectl ?? { path: '' }) : undefined;
    return analyzeManifest({ file: absolute, manifest, baseline, memo: this.findingsMemo, customResources, serverVerdicts });
  }

  /** The host's CRDs, and with the cluster baseline (where processes may run) the cluster's for kinds the host has none of. */
  private async customResources(objects: ManifestObject[], options: KubernetesAnalysisOptions): Promise<CustomResourceRules | undefined> {
    if (options.baseline !== 'cluster' || !options.mayRunProcesses) return options.customResources;
    const unknown = objects.filter((o) => !options.customResources?.rulesFor(o.group, o.kind, o.version));
    if (unknown.length === 0) return options.customResources;
    return firstKnown(options.customResources, await this.clusterDefinitions.rulesFor(unknown, options.kubectl ?? { path: '' }));
  }

  private parse(file: string, text: string): IncrementalManifest {
    const previous = this.lastParse.get(file);
    const manifest = previous?.text === text ? previous : reparseManifest(text, previous);
    this.lastParse.delete(file);
    this.lastParse.set(file, manifest);
    if (this.lastParse.size > MAX_REMEMBERED_FILES) this.lastParse.delete(this.lastParse.keys().next().value!);
    return manifest;
  }

  /** The cluster when opted in, else the deployed files when given, else git; none where no process may run. */
  private baselineSource(options: KubernetesAnalysisOptions): ManifestBaselineSource {
    if (options.baseline === 'cluster') {
      if (!options.mayRunProcesses) {
        return noBaseline({ reason: 'No baseline for the Kubernetes objects: this workspace is not trusted, so kubectl is not run.', severity: 'hint' });
      }
      return this.cluster.through(options.kubectl ?? { path: '' });
    }
    if (options.deployed) return deployedManifestSource(this.deployedManifests, options.deployed);
    if (!options.mayRunProcesses) {
      return noBaseline({ reason: 'No baseline for the Kubernetes objects: this workspace is not trusted, so git is not run.', severity: 'hint' });
    }
    return this.git.at(options.gitRef, options.explicitGit === true);
  }
}

type LoadedManifest = { kind: 'text'; text: string } | UnanalysedManifest;

function editorText(text: string): LoadedManifest {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > MAX_MANIFEST_BYTES ? { kind: 'too-large', bytes, head: text.slice(0, 65536) } : { kind: 'text', text };
}

function readManifest(file: string): LoadedManifest {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) return { kind: 'too-large', bytes: size, head: readHead(file) };
    bytes = readFileSync(file);
  } catch (error) {
    return { kind: 'unreadable', problem: `Cannot read ${path.basename(file)}: ${(error as Error).message}`, kubernetes: true };
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return {
      kind: 'unreadable',
      problem: `${path.basename(file)} is not valid UTF-8 text, which Kubernetes manifests must be: it was not analysed.`,
      kubernetes: looksLikeKubernetesText(bytes.toString('latin1')),
    };
  }
  return { kind: 'text', text };
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
