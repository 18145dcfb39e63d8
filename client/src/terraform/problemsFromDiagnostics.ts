/**
 * Terraform's JSON diagnostics as Problems-panel entries: grouped by absolute file, with 0-based
 * UTF-16 ranges (exact from the byte offsets when the file can be read) and one message holding
 * the summary and the detail. No vscode import: the plan controller turns these into
 * `vscode.Diagnostic`s; tests call it directly.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { diagnosticRange, type LspLikeRange } from './terraformErrors';
import type { TerraformDiagnostic } from './terraformEvents';

export interface ProblemEntry {
  range: LspLikeRange;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * Diagnostics without a source range (provider errors, for instance) are left out: they belong to
 * the notification and the log, not to a file. Relative file names are taken from `rootDir`, where
 * the tool ran.
 */
export function problemsByFile(
  rootDir: string,
  diagnostics: readonly TerraformDiagnostic[],
  readText: (file: string) => string | undefined = readTextOrUndefined,
): Map<string, ProblemEntry[]> {
  const byFile = new Map<string, ProblemEntry[]>();
  const texts = new Map<string, string | undefined>();
  for (const d of diagnostics) {
    if (!d.range) continue;
    const file = path.resolve(rootDir, d.range.filename);
    if (!texts.has(file)) texts.set(file, readText(file));
    const range = diagnosticRange(d, texts.get(file));
    if (!range) continue;
    const entry: ProblemEntry = { range, severity: d.severity === 'error' ? 'error' : 'warning', message: d.detail ? `${d.summary}\n\n${d.detail}` : d.summary };
    byFile.set(file, [...(byFile.get(file) ?? []), entry]);
  }
  return byFile;
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
