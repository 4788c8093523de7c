/**
 * Reading the cache file in byte ranges: the first line (the key) at once, each section later and only when asked
 * for, from the same file (a writer that replaced it in the meantime makes the read a miss).
 */
import { closeSync, readSync, type Stats } from 'node:fs';

import { openRegularFile } from './read-file.js';

/** The first line of a cache file, and a way to read byte ranges of the rest of that same file later. */
export interface OpenedCache {
  header: string;
  /** Where the body (the sections) starts, in bytes. */
  bodyStart: number;
  size: number;
  /** `length` bytes from `start` in the body, or undefined when the file was replaced or cut short since. */
  readBody(start: number, length: number): Buffer | undefined;
}

/** How much of the file the first read takes: the header at N = 10,000 installed packages is ~5 KB. */
const FIRST_READ_BYTES = 16 * 1024;

/**
 * The largest cache file plux reads: 64 MiB. The cache of 10,000 installed packages, or of one index of 50,000
 * plugins, is a few MiB; a larger file is not one plux wrote, and is rebuilt.
 */
export const MAX_CACHE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the first line of `file` only. A later {@link OpenedCache.readBody} opens the file again and reads the range
 * only when it is still the same file (a writer replaces it by a rename, which changes its identity).
 *
 * @throws the file system's error when the file cannot be opened or read.
 */
export function openCache(file: string): OpenedCache {
  // a regular file only, opened without blocking: a FIFO or a link to /dev/zero in its place is a miss, not a hang
  const { fd, stat } = openRegularFile(file, MAX_CACHE_FILE_BYTES);
  let identity: string;
  let size: number;
  let buffer: Buffer;
  let filled = 0;
  let newline = -1;
  try {
    identity = fileIdentity(stat);
    size = stat.size;
    buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1), FIRST_READ_BYTES));
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      newline = buffer.subarray(0, filled + read).indexOf(10, filled);
      filled += read;
      if (newline !== -1) break;
      if (filled >= MAX_CACHE_FILE_BYTES) throw new Error('header line too long');
      if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    }
  } finally {
    closeSync(fd);
  }
  const headerEnd = newline === -1 ? filled : newline;
  const bodyStart = newline === -1 ? filled : newline + 1;
  const head = buffer;
  const headFilled = filled;
  return {
    header: buffer.toString('utf8', 0, headerEnd),
    bodyStart,
    size,
    readBody(start, length) {
      const from = bodyStart + start;
      if (from + length <= headFilled) return head.subarray(from, from + length);
      try {
        const { fd: again, stat: now } = openRegularFile(file, MAX_CACHE_FILE_BYTES);
        try {
          if (fileIdentity(now) !== identity) return undefined;
          const range = Buffer.allocUnsafe(length);
          let got = 0;
          while (got < length) {
            const read = readSync(again, range, got, length - got, from + got);
            if (read === 0) return undefined;
            got += read;
          }
          return range;
        } finally {
          closeSync(again);
        }
      } catch {
        return undefined;
      }
    },
  };
}

function fileIdentity(stat: Stats): string {
  return `${stat.dev}/${stat.ino}/${stat.size}/${stat.mtimeMs}/${stat.ctimeMs}`;
}
