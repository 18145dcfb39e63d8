/**
 * The part of yauzl (an unzip library without types of its own) that reading a plan file uses:
 * the promise API of its version 3.
 */
declare module 'yauzl' {
  import type { Readable } from 'node:stream';

  export interface Entry {
    fileName: string;
    uncompressedSize: number;
    compressedSize: number;
  }

  export interface ZipFile {
    eachEntry(): AsyncIterableIterator<Entry>;
    openReadStreamPromise(entry: Entry): Promise<Readable>;
    close(): void;
    readonly entryCount: number;
  }

  export function openPromise(path: string, options?: { autoClose?: boolean; strictFileNames?: boolean; validateEntrySizes?: boolean }): Promise<ZipFile>;
}
