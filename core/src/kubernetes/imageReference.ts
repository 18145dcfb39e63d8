/**
 * Container image references, and which of them name a moving target. An image, once built and
 * tagged, should never change; a tag that is re-pointed at each release means that pods created
 * later (a rollout, a restart, a node failure) can run different code from the ones before.
 *
 * Floating, by our rules:
 * - no tag at all (the runtime pulls `:latest`) and `:latest`;
 * - channel names: latest, stable, mainline, edge, nightly, dev, develop, development, main,
 *   master, trunk, head, canary, next, beta, alpha, rc, lts, current, rolling, unstable, testing,
 *   snapshot — alone or with a variant (`stable-alpine`, `edge-slim`);
 * - version lines without a patch number: `1`, `v2`, `16-alpine`, `1.23`, `3.12-slim`. Some
 *   publishers move such a tag to each new release of that line, many never do: from the name
 *   alone we cannot tell which, so the message says it *may* change;
 * - anything ending in `-SNAPSHOT` (Maven convention for rebuilt artefacts).
 * A digest (`@sha256:…`) pins the image whatever the tag says.
 */

export interface ImageReference {
  /** Everything before the tag and digest, e.g. `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash is a tag; one before it is a registry port (`host:5000/app`).
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, digest };
}

const CHANNELS =
  'latest|stable|mainline|edge|nightly|dev|develop|development|main|master|trunk|head|canary|next|beta|alpha|rc|lts|current|rolling|unstable|testing|snapshot';
const CHANNEL_TAG = new RegExp(`^(?:${CHANNELS})(?:[-_.].*)?$`, 'i');
const VERSION_LINE = /^v?\d+(?:\.\d+)?(?:-[A-Za-z][\w.-]*)?$/;
const SNAPSHOT = /-snapshot$/i;

export type FloatingReason = 'no-tag' | 'latest' | 'channel' | 'version-line' | 'snapshot';

/** Why this image reference is floating, or undefined when it is pinned. */
export function floatingReason(image: string): FloatingReason | undefined {
  const reference = parseImageReference(image);
  if (reference.digest) return undefined;
  if (reference.tag === undefined || reference.tag === '') return 'no-tag';
  if (reference.tag.toLowerCase() === 'latest') return 'latest';
  if (CHANNEL_TAG.test(reference.tag)) return 'channel';
  if (SNAPSHOT.test(reference.tag)) return 'snapshot';
  if (VERSION_LINE.test(reference.tag)) return 'version-line';
  return undefined;
}

/** Placeholders filled in later by kustomize, envsubst or a CI step are not ours to judge. */
export function isPlaceholderImage(image: string): boolean {
  return image.trim() === '' || /\$\{|\$\(|<[^>]*>|\{\{/.test(image);
}
