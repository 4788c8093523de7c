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
    let buffer = Buffer.allocUnsafe(stat.size + 1);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (filled > maxBytes) throw tooLarge(filled, maxBytes, true);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const wanted = buffer.length - filled;
      const read = readSync(fd, buffer, filled, wanted, null);
      filled += read;
      if (read === 0 || (read < wanted && filled === stat.size)) return buffer.toString('utf8', 0, filled);
    }
  } finally {
    closeSync(fd);
  }
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
