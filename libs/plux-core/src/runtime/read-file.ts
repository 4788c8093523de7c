/**
 * Reading the files plux trusts least (package.json, indexes, workspace configs, its own cache) so that no file can
 * hang or exhaust the process: only a regular file is read (a FIFO would block the read forever, `/dev/zero` never
 * ends), the open never blocks, and what is read is bounded.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The most plux reads of a package.json, an index (`plux.json`) or a workspace config file: 16 MiB. */
export const MAX_INDEX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Opened without blocking: opening a FIFO for reading waits for a writer unless O_NONBLOCK is set (on a regular
 * file the flag changes nothing). Windows has no such flag, nor FIFOs in the file system.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Why a file was not read: it is not a regular file (`ENOTREG`), or it is larger than the cap (`EFBIG`). */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
  constructor(
    message: string,
    readonly code: 'ENOTREG' | 'EFBIG',
  ) {
    super(message);
  }
}

/**
 * Opens `path` without blocking and checks that it is a regular file of at most `maxBytes`; returns the open
 * descriptor and its stat data. The caller closes it.
 *
 * @throws the file system's error (ENOENT, EACCES, …), or a {@link FileRefusedError}.
 */
export function openRegularFile(path: string, maxBytes: number): { fd: number; stat: Stats } {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileRefusedError(`not a regular file (${fileKind(stat)})`, 'ENOTREG');
    if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes);
    return { fd, stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The text of `path` when it is a regular file of at most `maxBytes` (default {@link MAX_INDEX_FILE_BYTES}).
 *
 * @throws the file system's error (ENOENT, EACCES, …), or a {@link FileRefusedError}.
 */
export function readRegularFile(path: string, maxBytes: number = MAX_INDEX_FILE_BYTES): string {
  const { fd, stat } = openRegularFile(path, maxBytes);
  try {
    // One byte more than the stat's size, so that one read sees the end: when it stops short at exactly the size
    // the stat gave, that is the end of the file, and the read of 0 bytes that would confirm it is saved (one
    // system call of four per file, on thousands of files). A file that grows while it is read is still cut at
    // the cap.
    let buffer = scratchFor(stat.size + 1);
    let limit = stat.size + 1; // what this round of reads may fill (the scratch buffer may be larger)
    let filled = 0;
    for (;;) {
      if (filled === limit) {
        if (filled > maxBytes) throw tooLarge(filled, maxBytes, true);
        limit = Math.min(limit * 2, maxBytes + 1);
        if (limit > buffer.length) {
          const bigger = Buffer.allocUnsafe(limit);
          buffer.copy(bigger, 0, 0, filled);
          buffer = bigger;
        }
      }
      const wanted = limit - filled;
      const read = readSync(fd, buffer, filled, wanted, null);
      filled += read;
      if (read === 0 || (read < wanted && filled === stat.size)) return buffer.toString('utf8', 0, filled);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The buffer every read fills before its text is decoded out of it: one allocation for the thousands of
 * package.json files of a scan, instead of one each (and the garbage collections they cost). It grows to the
 * largest file read, up to {@link MAX_SCRATCH_BYTES}; a larger file gets a buffer of its own, freed after the read.
 */
let scratch: Buffer | undefined;

/** The largest scratch buffer kept between reads: 256 KiB (a large index of a few thousand plugins). */
const MAX_SCRATCH_BYTES = 256 * 1024;

/** A buffer of at least `size` bytes, only valid until the next call (reads are synchronous: nothing interleaves). */
function scratchFor(size: number): Buffer {
  if (size > MAX_SCRATCH_BYTES) return Buffer.allocUnsafe(size);
  if (!scratch || scratch.length < size)
    scratch = Buffer.allocUnsafeSlow(
      Math.min(Math.max(size, 64 * 1024, (scratch?.length ?? 0) * 2), MAX_SCRATCH_BYTES),
    );
  return scratch;
}

/** A human description of a byte count: `16 MiB`, `20.5 MiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

function tooLarge(size: number, maxBytes: number, atLeast = false): FileRefusedError {
  const what = `${atLeast ? 'more than ' : ''}${formatBytes(atLeast ? maxBytes : size)}`;
  return new FileRefusedError(`too large (${what}; plux reads at most ${formatBytes(maxBytes)})`, 'EFBIG');
}

function fileKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a folder';
  return 'a special file';
}
