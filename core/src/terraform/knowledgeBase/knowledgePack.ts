/**
 * The shipped form of a provider file (`<file>.json.pack` beside the bundles): every resource
 * entry compressed on its own, so that a running server keeps only compressed bytes and inflates
 * one entry (tens of microseconds) when the analysis first meets its type.
 *
 * Entries of one provider repeat the same attribute shapes, which a lone entry is too short to
 * exploit; they share a preset deflate dictionary sampled from the provider's own entries, which
 * recovers most of what compressing the file whole would give.
 *
 * Layout (integers unsigned 32-bit little-endian):
 *   "IIKBPACK" | pack version | header length | dictionary length | header | dictionary | entries
 * The header is the zlib-deflated JSON `{ types, skeleton, lengths }` (see providerFileParts.ts);
 * entry `i` is the `lengths[i]` bytes after entry `i - 1`, zlib-deflated with the dictionary.
 * zlib's checksum makes a damaged entry fail to inflate rather than decode to something else.
 */
import * as zlib from 'zlib';
import type { ProviderFileParts } from './providerFileParts';

export const PACK_SUFFIX = '.pack';
const MAGIC = 'IIKBPACK';
const PACK_VERSION = 1;
const FIXED_HEADER_BYTES = MAGIC.length + 12;
/** deflate's window: a longer dictionary is never looked back into. */
const DICTIONARY_BYTES = 32 * 1024;
/** Entries longer than this add few shapes per byte of dictionary. */
const DICTIONARY_SAMPLE_MAX_ENTRY = 3000;
const DICTIONARY_SAMPLES = 400;

/** A provider file's parts with the entries still compressed. */
export interface PackedProviderFile {
  types: string[];
  skeleton: string[];
  /** The JSON text of entry `index`; throws when its bytes are damaged. */
  entry(index: number): string;
}

export function packProviderFile(parts: ProviderFileParts): Buffer {
  const dictionary = sampleDictionary(parts.entries);
  const entries = parts.entries.map((entry) => zlib.deflateSync(entry, withDictionary(dictionary, { level: 9 })));
  const header = zlib.deflateSync(JSON.stringify({ types: parts.types, skeleton: parts.skeleton, lengths: entries.map((e) => e.length) }), { level: 9 });
  const fixed = Buffer.alloc(FIXED_HEADER_BYTES);
  fixed.write(MAGIC, 0, 'latin1');
  fixed.writeUInt32LE(PACK_VERSION, MAGIC.length);
  fixed.writeUInt32LE(header.length, MAGIC.length + 4);
  fixed.writeUInt32LE(dictionary.length, MAGIC.length + 8);
  return Buffer.concat([fixed, header, dictionary, ...entries]);
}

/** zlib refuses an empty dictionary, which a provider without resources has. */
function withDictionary(dictionary: Buffer, options: zlib.ZlibOptions): zlib.ZlibOptions {
  return dictionary.length > 0 ? { ...options, dictionary } : options;
}

/** Entries spread over the whole file (shorter ones), as many as fit the window. */
function sampleDictionary(entries: string[]): Buffer {
  const step = Math.max(1, Math.ceil(entries.length / DICTIONARY_SAMPLES));
  const samples: string[] = [];
  let size = 0;
  for (let i = 0; i < entries.length && size < DICTIONARY_BYTES; i += step) {
    if (entries[i].length > DICTIONARY_SAMPLE_MAX_ENTRY) continue;
    samples.push(entries[i]);
    size += Buffer.byteLength(entries[i]);
  }
  return Buffer.from(samples.join('')).subarray(0, DICTIONARY_BYTES);
}

/** Reads a pack's header; the entries stay compressed in `pack`. Throws an Error saying what is wrong. */
export function readProviderPack(pack: Buffer): PackedProviderFile {
  if (pack.length < FIXED_HEADER_BYTES || pack.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a knowledge pack (no IIKBPACK signature)');
  const version = pack.readUInt32LE(MAGIC.length);
  if (version !== PACK_VERSION) throw new Error(`unsupported pack version ${version} (this reader understands ${PACK_VERSION})`);
  const headerLength = pack.readUInt32LE(MAGIC.length + 4);
  const dictionaryLength = pack.readUInt32LE(MAGIC.length + 8);
  const dictionaryStart = FIXED_HEADER_BYTES + headerLength;
  let entryStart = dictionaryStart + dictionaryLength;
  if (entryStart > pack.length) throw new Error('the pack is truncated (its header runs past the end)');
  let header: { types?: unknown; skeleton?: unknown; lengths?: unknown };
  try {
    header = JSON.parse(zlib.inflateSync(pack.subarray(FIXED_HEADER_BYTES, dictionaryStart)).toString('utf8')) as typeof header;
  } catch (error) {
    throw new Error(`the pack's header is damaged: ${(error as Error).message}`);
  }
  const { types, skeleton, lengths } = header;
  if (
    !Array.isArray(types) ||
    !Array.isArray(skeleton) ||
    !Array.isArray(lengths) ||
    lengths.length !== types.length ||
    skeleton.length !== types.length + 1 ||
    !types.every((t) => typeof t === 'string') ||
    !skeleton.every((s) => typeof s === 'string') ||
    !lengths.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    throw new Error("the pack's header is damaged: its types, skeleton and lengths do not match");
  }
  const offsets = new Array<number>(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    offsets[i] = entryStart;
    entryStart += lengths[i] as number;
  }
  if (entryStart !== pack.length)
    throw new Error(`the pack is ${entryStart > pack.length ? 'truncated' : 'longer than its header says'} (${pack.length} bytes, expected ${entryStart})`);
  const dictionary = pack.subarray(dictionaryStart, dictionaryStart + dictionaryLength);
  return {
    types: types as string[],
    skeleton: skeleton as string[],
    entry: (index) => zlib.inflateSync(pack.subarray(offsets[index], offsets[index] + (lengths[index] as number)), withDictionary(dictionary, {})).toString('utf8'),
  };
}
