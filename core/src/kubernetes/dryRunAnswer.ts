/**
 * What `kubectl apply --dry-run=server --output name` answered, object by object. Pure: the
 * objects sent and kubectl's exit code, stdout and stderr in; a verdict per object out.
 *
 * What kubectl 1.32 prints (seen against kube-apiserver 1.37.2):
 * - stdout: one `kind.group/name` line (`deployment.apps/web`, `service/web`) per object the
 *   server accepted, as it goes. (`--output json` prints nothing at all once any object fails, so
 *   it cannot say which of several passed.)
 * - stderr, for one rejected object whose answer is Invalid: `The Deployment "web" is invalid:
 *   spec.selector: Invalid value: …: field is immutable`, rebuilt by kubectl from the status.
 * - stderr, otherwise (several failures, or one of another reason): per object a block
 *   `Error from server (Reason): error when applying patch:` / the patch / `to:` /
 *   `Resource: "apps/v1, Resource=deployments", GroupVersionKind: "apps/v1, Kind=Deployment"` /
 *   `Name: "web", Namespace: "shop"` / `for: "STDIN": error when patching "STDIN": <the server's message>`.
 * - stderr, for a failure before any object is sent (no connection, no credentials, no such
 *   context): one `error: …`, `Error in configuration: …` or `Unable to connect …` line, which
 *   makes every object's dry-run unavailable.
 *
 * A rejection is what a real apply would also meet (validation, admission policies, webhooks,
 * quota). An answer about the asker rather than the edit — RBAC refusing the patch, no
 * credentials, a timeout, a conflict — leaves the dry-run unavailable instead.
 */
import type { FieldPath } from './manifestParser';
import { lastErrorLine } from './kubectlOutput';

/** The server's verdict on one edited object. */
export type DryRunVerdict =
  | { outcome: 'accepted' }
  /** `message`: the server's words as kubectl printed them; `fields`: the fields it names, in order. */
  | { outcome: 'rejected'; message: string; fields: FieldPath[] }
  /** kubectl's words for why there is no verdict. */
  | { outcome: 'unavailable'; reason: string };

/** An object as sent: enough to recognise it in kubectl's answer. */
export interface DryRunSubject {
  key: string;
  kind: string;
  group: string;
  name: string;
}

export interface KubectlAnswer {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** One verdict per subject, by key. */
export function dryRunVerdicts(subjects: readonly DryRunSubject[], answer: KubectlAnswer): Map<string, DryRunVerdict> {
  const verdicts = new Map<string, DryRunVerdict>();
  const accepted = new Set(
    answer.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const open: DryRunSubject[] = [];
  for (const subject of subjects) {
    if (accepted.has(outputName(subject))) verdicts.set(subject.key, { outcome: 'accepted' });
    else open.push(subject);
  }
  if (open.length === 0) return verdicts;
  const blocks = errorBlocks(answer.stderr);
  const attributed = new Map<string, ErrorBlock>();
  let general: ErrorBlock | undefined;
  for (const block of blocks) {
    const subject = block.kind === 'general' ? undefined : open.find((s) => block.names(s));
    if (subject) attributed.set(subject.key, block);
    else if (block.kind === 'general') general ??= block;
    // An object error naming none of the open objects: kubectl's words go to a lone open object.
    else if (open.length === 1 && !attributed.has(open[0].key)) attributed.set(open[0].key, block);
  }
  const fallback = general?.message ?? lastErrorLine(answer.stderr) ?? `exit code ${String(answer.exitCode)}`;
  for (const subject of open) {
    const block = attributed.get(subject.key);
    if (!block) verdicts.set(subject.key, { outcome: 'unavailable', reason: answer.exitCode === 0 ? 'kubectl did not report this object' : fallback });
    else if (block.aboutTheAsker) verdicts.set(subject.key, { outcome: 'unavailable', reason: block.message });
    else verdicts.set(subject.key, { outcome: 'rejected', message: block.message, fields: serverFieldPaths(block.message) });
  }
  return verdicts;
}

/** How `--output name` prints an object: lower-case kind, its group unless core, its name. */
export function outputName(subject: Pick<DryRunSubject, 'kind' | 'group' | 'name'>): string {
  return `${subject.kind.toLowerCase()}${subject.group ? `.${subject.group}` : ''}/${subject.name}`;
}

interface ErrorBlock {
  kind: 'object' | 'general';
  /** The words quoted in the finding. */
  message: string;
  /** The answer is about who asks (permission, credentials) or the moment (timeout, conflict), not about the edit. */
  aboutTheAsker: boolean;
  names(subject: DryRunSubject): boolean;
}

const OBJECT_BLOCK = /^Error from server \((\w+)\): error when (?:applying patch|creating|replacing|retrieving current configuration)/;
const SINGLE_INVALID = /^The (\S+) "([^"]+)" is invalid: /;
/** Reasons that say nothing about the edit itself. */
const ABOUT_THE_ASKER = new Set(['Unauthorized', 'Timeout', 'ServerTimeout', 'ServiceUnavailable', 'TooManyRequests', 'Conflict']);
/** RBAC's refusal: the user may not patch, which says nothing about the edit. */
const RBAC_REFUSAL = /is forbidden: User "[^"]*" cannot \w+ resource/;

function errorBlocks(stderr: string): ErrorBlock[] {
  const lines = stderr.split('\n');
  const blocks: ErrorBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (line === '' || line.startsWith('Warning: ')) continue;
    const verbose = OBJECT_BLOCK.exec(line);
    if (verbose) {
      // The block ends with its `for: "SOURCE": error when … "SOURCE": <message>` line; its `Name:` line says whose.
      let name: string | undefined;
      let kind: string | undefined;
      let message = line;
      for (let j = i + 1; j < lines.length; j++) {
        const named = /^Name: "([^"]*)", Namespace: "([^"]*)"$/.exec(lines[j]);
        if (named) name = named[1];
        const gvk = /GroupVersionKind: "[^"]*, Kind=(\w+)"/.exec(lines[j]);
        if (gvk) kind = gvk[1];
        const end = /^for: "[^"]*": error when \w+ "[^"]*": (.*)$/.exec(lines[j]);
        if (end) {
          message = end[1];
          i = j;
          break;
        }
      }
      const reason = verbose[1];
      blocks.push({
        kind: 'object',
        message,
        aboutTheAsker: ABOUT_THE_ASKER.has(reason) || (reason === 'Forbidden' && RBAC_REFUSAL.test(message)),
        names: (s) => s.name === name && (kind === undefined || s.kind === kind),
      });
      continue;
    }
    const single = SINGLE_INVALID.exec(line);
    if (single) {
      const [, kindOrResource, name] = single;
      blocks.push({ kind: 'object', message: line, aboutTheAsker: false, names: (s) => s.name === name && namesKind(kindOrResource, s) });
      continue;
    }
    const unmapped = /^error: resource mapping not found for name: "([^"]*)"/.exec(line);
    if (unmapped) {
      // The API server serves no such kind/version (e.g. `extensions/v1beta1`): an apply fails the same way.
      const message = lines[i + 1]?.startsWith('ensure CRDs are installed first') ? `${line} (${lines[i + 1].trim()})` : line;
      blocks.push({ kind: 'object', message, aboutTheAsker: false, names: (s) => s.name === unmapped[1] });
      continue;
    }
    blocks.push({ kind: 'general', message: line.trim(), aboutTheAsker: true, names: () => false });
  }
  return blocks;
}

/** kubectl names the object by Kind (`Deployment`) or by the status's resource (`deployments`, `deployments.apps`). */
function namesKind(kindOrResource: string, subject: DryRunSubject): boolean {
  const word = kindOrResource.split('.')[0].toLowerCase();
  const kind = subject.kind.toLowerCase();
  return word === kind || word === `${kind}s` || word === `${kind}es` || (kind.endsWith('y') && word === `${kind.slice(0, -1)}ies`);
}

/** The error types of apimachinery's field errors, as they print. */
const FIELD_ERROR =
  /(?:^|, )([A-Za-z_$][\w$-]*(?:\[[^\]]*\])*(?:\.[A-Za-z_$][\w$-]*(?:\[[^\]]*\])*)*): (?:Invalid value|Unsupported value|Required value|Forbidden|Duplicate value|Too long|Too many|Not found|Internal error)\b/g;

/**
 * The fields a server error names, as paths: `spec.template.spec.containers[0].image` →
 * spec/template/spec/containers/0/image, `metadata.labels[app.kubernetes.io/name]` keeps the key
 * whole. An admission policy's denial names none (`is invalid: : ValidatingAdmissionPolicy …`).
 */
export function serverFieldPaths(message: string): FieldPath[] {
  const at = message.search(/ is (?:invalid|forbidden): /);
  if (at < 0) return [];
  const errors = message.slice(message.indexOf(': ', at) + 2);
  const paths: FieldPath[] = [];
  for (const match of errors.matchAll(FIELD_ERROR)) {
    const path = parseFieldPath(match[1]);
    if (path.length > 0 && !paths.some((p) => p.join('\0') === path.join('\0'))) paths.push(path);
  }
  return paths;
}

export function parseFieldPath(text: string): FieldPath {
  const path: FieldPath = [];
  for (const part of text.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (part[1] !== undefined) path.push(part[1]);
    else path.push(/^\d+$/.test(part[2]) ? Number(part[2]) : part[2]);
  }
  return path;
}
