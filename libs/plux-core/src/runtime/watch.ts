/**
 * What a scan read, and the proof that it is unchanged: the stat data of every path, and for a path too recent to be
 * trusted by its stat data, a fingerprint of its content. The on-disk cache stores these records and re-checks them
 * on every warm start.
 *
 * Stat data alone is not enough on a file system with coarse timestamps: a file changed twice within one tick keeps
 * its mtime. Like git's "racy clean" rule, a path whose mtime or ctime is too close to the scan is not trusted by
 * its stat data: the cache also stores a fingerprint of the content the scan actually read (or of the folder
 * listing it saw) and checks it on every warm start until the path is old enough, then drops it.
 */
import { type Dirent, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { readRegularFile } from './read-file.js';

/**
 * How close (in ms) to the start of a scan a path's mtime or ctime may be before its stat data stops being proof
 * that it did not change: more than the coarsest common timestamp granularity (FAT's 2 s) plus clock slop.
 */
export const RACY_WINDOW_MS = 3000;

/**
 * What a scan saw of one path:
 * - `f` a file whose content was read, `d` a folder whose listing was read, `p` a path whose existence matters;
 * - its stat key (`mtimeMs/ctimeMs/size/ino`, `-` when missing, `!CODE` when stat failed);
 * - for a racy path, a fingerprint of the content (or listing) the scan used.
 */
export type WatchRecord = [kind: 'f' | 'd' | 'p', path: string, stat: string, fingerprint?: string];

/**
 * Collects what a scan read, with the stat data (and, for racy paths, the fingerprint) that later proves it
 * unchanged. Record a path after reading it, passing what was read: a change between the read and the stat makes
 * the path racy, and its fingerprint then describes the stale content, so the next start rebuilds.
 */
export class WatchRecorder {
  readonly #records = new Map<string, WatchRecord>();

  /**
   * @param scanStart when the scan began (`Date.now()`), taken before anything was read.
   * @param racyWindowMs see {@link RACY_WINDOW_MS}.
   */
  constructor(
    readonly scanStart: number = Date.now(),
    readonly racyWindowMs: number = RACY_WINDOW_MS,
  ) {}

  /**
   * A file whose content the scan used; `text` is what it read (undefined when it could not), or a function that
   * reads it, called only when the file is racy (for files the scan does not otherwise read, like lock state).
   */
  file(path: string, text: string | undefined | (() => string | undefined)): void {
    if (this.#records.has(path)) return;
    const stat = statKey(path);
    const record: WatchRecord = ['f', path, stat];
    if (this.#isRacy(stat)) {
      const content = typeof text === 'function' ? text() : text;
      record.push(content === undefined ? UNREADABLE : fingerprintText(content));
    }
    this.#records.set(path, record);
  }

  /** A folder whose listing the scan used; `entries` is what it listed, undefined when it could not. */
  directory(path: string, entries: Dirent[] | undefined): void {
    if (this.#records.has(path)) return;
    const stat = statKey(path);
    const record: WatchRecord = ['d', path, stat];
    if (this.#isRacy(stat))
      record.push(entries === undefined ? UNREADABLE : fingerprintListing(path, entries));
    this.#records.set(path, record);
  }

  /** A path whose existence and identity matter but not its content (a plugin module, a missing config file). */
  presence(path: string): void {
    if (!this.#records.has(path)) this.#records.set(path, ['p', path, statKey(path)]);
  }

  /** Everything recorded, in recording order. */
  get records(): WatchRecord[] {
    return [...this.#records.values()];
  }

  #isRacy(stat: string): boolean {
    const time = statTime(stat);
    return time !== undefined && time >= this.scanStart - this.racyWindowMs;
  }
}
/**
 * A recorder for a scan whose records nobody reads (there is no cache to write): it records nothing, so the scan
 * makes no stat calls for it.
 */
export class DiscardingRecorder extends WatchRecorder {
  override file(): void {}
  override directory(): void {}
  override presence(): void {}
}

const UNREADABLE = '!unreadable';

/** `mtimeMs/ctimeMs/size/ino` of `path` (symlinks followed), `-` when it does not exist, `!CODE` on other errors. */
export function statKey(path: string): string {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s ? `${s.mtimeMs}/${s.ctimeMs}/${s.size}/${s.ino}` : '-';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? '-' : `!${code ?? 'error'}`;
  }
}

/** The later of mtime and ctime in a stat key. */
export function statTime(stat: string): number | undefined {
  if (stat === '-' || stat.startsWith('!')) return undefined;
  const [mtime, ctime] = stat.split('/', 2).map(Number);
  return Math.max(mtime ?? 0, ctime ?? 0);
}

/** The fingerprint of the file at `path` as it is now, to compare with a racy record's. */
export function readFileFingerprint(path: string): string {
  try {
    return fingerprintText(readRegularFile(path));
  } catch {
    return UNREADABLE;
  }
}

/** The fingerprint of the folder listing at `path` as it is now, to compare with a racy record's. */
export function readListingFingerprint(path: string): string {
  try {
    return fingerprintListing(path, readdirSync(path, { withFileTypes: true }));
  } catch {
    return UNREADABLE;
  }
}

/** The names in a folder, with the target of each symlink (re-pointing a link keeps the name). */
function fingerprintListing(path: string, entries: Dirent[]): string {
  const parts = entries.map((e) => {
    if (!e.isSymbolicLink()) return e.name;
    try {
      return `${e.name}->${readlinkSync(join(path, e.name))}`;
    } catch {
      return `${e.name}->?`;
    }
  });
  return fingerprintText(parts.sort().join('\n'));
}

/**
 * A 64-bit fingerprint (two FNV-1a 32-bit hashes with different offsets) and the length. Not cryptographic: it
 * tells apart two versions of one file, which is all the racy check needs, without loading `node:crypto`.
 */
export function fingerprintText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return `${text.length.toString(36)}.${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}
