/**
 * Strict UTF-8 decoding for files the analyzers read: Terraform rejects anything else, and a
 * Kubernetes manifest that is not UTF-8 cannot be compared field by field either.
 */

/** Decodes strict UTF-8, dropping a leading byte order mark; undefined when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
