/**
 * The findings as a person reads them: a change that replaces several instances is one finding
 * per instance (each with its own address, for JSON and SARIF), all with the same message at the
 * same place. The editor and the text output show such a message once.
 */
import type { Finding } from '../../../common/src/findings';

export function displayedFindings<F extends Finding>(findings: readonly F[]): F[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}|${f.range.start.line}:${f.range.start.character}|${f.severity}|${f.code}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
