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
    return { fd, stat: checkRegularFile(fd, maxBytes) };
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
  return readRegularText(path, { maxBytes })!;
}

/** Whether {@link readRegularText} can refuse a symlink (`noFollow`): not on Windows, which has no O_NOFOLLOW. */
export const CAN_REFUSE_LINKS = constants.O_NOFOLLOW !== undefined;

/** Options of {@link readRegularText}. */
export interface ReadTextOptions {
  /** Default {@link MAX_INDEX_FILE_BYTES}. */
  maxBytes?: number;
  /** Whether the caller has a use for this text; when it says no, the text is not returned. */
  wanted?: (text: string) => boolean;
  /**
   * Refuse a symlink with the system's ELOOP instead of following it (only where {@link CAN_REFUSE_LINKS}): the file
   * read is then the folder's own entry.
   */
  noFollow?: boolean;
}

/**
 * Like {@link readRegularFile}, for a scan that reads thousands of files and keeps few (the package.json files of
 * `node_modules`, of which only those that mention `"plux"` matter): the text of `path`, undefined when `wanted`
 * turns it down.
 *
 * The file's type is checked before its text is returned, and before more than one block of it is read: a file
 * that fits in one read and that `wanted` turns down is never checked, which saves a `fstat` (a tenth of a cold
 * scan) on most files and changes nothing of what is returned, since nothing of it is used. The open never blocks,
 * so neither does that read: a FIFO gives what is in it (nothing, or what a writer left) and a device at most one
 * block, which is then checked and refused.
 *
 * @throws the file system's error (ENOENT, EACCES, ELOOP for a link with `noFollow`, …), or a
 *   {@link FileRefusedError}.
 */
export function readRegularText(path: string, options: ReadTextOptions = {}): string | undefined {
  const { maxBytes = MAX_INDEX_FILE_BYTES, wanted, noFollow = false } = options;
  const fd = openSync(path, noFollow ? OPEN_FLAGS | constants.O_NOFOLLOW : OPEN_FLAGS);
  try {
    let buffer = scratchFor(0);
    const first = Math.min(buffer.length, maxBytes + 1);
    let filled: number;
    try {
      filled = readSync(fd, buffer, 0, first, null);
    } catch (error) {
      // a FIFO whose writer wrote nothing yet (EAGAIN), a folder (EISDIR): refused for what they are
      checkRegularFile(fd, maxBytes);
      throw error;
    }
    // A short read of a regular file is all of it: what `wanted` sees is the whole text.
    let text = filled > 0 && filled < first ? buffer.toString('utf8', 0, filled) : undefined;
    if (text !== undefined && wanted && !wanted(text)) return undefined;
    const { size } = checkRegularFile(fd, maxBytes);
    if (text !== undefined && filled === size) return text;
    // Larger than one read, or not all there yet: read on, to the end the stat gave and one byte more, so that one
    // read sees the end (a read that stops short at exactly that size is the end, and the read of 0 bytes that
    // would confirm it is saved). A file that grows while it is read is still cut at the cap.
    let limit = Math.min(Math.max(size, filled) + 1, maxBytes + 1); // what this round of reads may fill
    if (limit > buffer.length) buffer = grow(buffer, limit, filled);
    for (;;) {
      if (filled === limit) {
        if (filled > maxBytes) throw tooLarge(filled, maxBytes, true);
        limit = Math.min(limit * 2, maxBytes + 1);
        if (limit > buffer.length) buffer = grow(buffer, limit, filled);
      }
      const wantedBytes = limit - filled;
      const read = readSync(fd, buffer, filled, wantedBytes, null);
      filled += read;
      if (read === 0 || (read < wantedBytes && filled >= size)) break;
    }
    text = buffer.toString('utf8', 0, filled);
    return !wanted || wanted(text) ? text : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The stat data of the open `fd`, when it is a regular file of at most `maxBytes`; else a FileRefusedError. */
function checkRegularFile(fd: number, maxBytes: number): Stats {
  const stat = fstatSync(fd);
  if (!stat.isFile()) throw new FileRefusedError(`not a regular file (${fileKind(stat)})`, 'ENOTREG');
  if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes);
  return stat;
}

/** A buffer of `size` bytes holding the first `filled` bytes of `buffer`. */
function grow(buffer: Buffer, size: number, filled: number): Buffer {
  const bigger = scratchFor(size);
  if (bigger !== buffer) buffer.copy(bigger, 0, 0, filled);
  return bigger;
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
