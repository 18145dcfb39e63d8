/**
 * Knowledge-base directories for tests and benchmarks: provider files serialised the way large
 * generated files are (one resource per line), packed the way the build ships them, and an index
 * naming them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packProviderFile } from '../../core/src/terraform/knowledgeBase/knowledgePack';
import { splitProviderFile } from '../../core/src/terraform/knowledgeBase/providerFileParts';

/** `{`, one top-level member per line, and inside `resources` one resource per line, sorted. */
export function oneResourcePerLine(provider: Record<string, unknown>): string {
  const lines = ['{'];
  const keys = Object.keys(provider);
  keys.forEach((key, i) => {
    const comma = i < keys.length - 1 ? ',' : '';
    if (key !== 'resources') {
      lines.push(`${JSON.stringify(key)}:${JSON.stringify(provider[key])}${comma}`);
      return;
    }
    const resources = provider.resources as Record<string, unknown>;
    const types = Object.keys(resources).sort();
    lines.push('"resources":{');
    types.forEach((type, n) => lines.push(`${JSON.stringify(type)}:${JSON.stringify(resources[type])}${n < types.length - 1 ? ',' : ''}`));
    lines.push(`}${comma}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Writes `<file>.pack` beside a provider file, as the build does for dist/. */
export function writePack(file: string): void {
  fs.writeFileSync(`${file}.pack`, packProviderFile(splitProviderFile(fs.readFileSync(file, 'utf8'))));
}

/**
 * An index for the provider files in `dir`: every resource type and alias of each file, plus a
 * prefix per file (the part of its first type up to and including the first `_`).
 */
export function writeIndex(dir: string, files: string[]): void {
  const resources: Record<string, string> = {};
  const prefixes: Record<string, string> = {};
  for (const file of files) {
    const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { resources: Record<string, unknown>; aliases?: Record<string, string> };
    for (const type of [...Object.keys(data.resources), ...Object.keys(data.aliases ?? {})]) resources[type] = file;
    const first = Object.keys(data.resources)[0];
    if (first) prefixes[first.slice(0, first.indexOf('_') + 1)] = file;
  }
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ formatVersion: 1, resources, prefixes }));
}
