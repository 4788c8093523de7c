/**
 * The on-disk cache of the merged index: `<root>/node_modules/.cache/plux/entry-points-v4.json`, one line of JSON
 * (the key, the caller's `data` and the byte length of each section), then one line per section.
 *
 * The idea of keying a cache of entry points on the stat data of what produced them comes from plux's
 * `EntryPointsCache`, which took it from stevedore's `_cache.py`. Unlike both, the key is not a hash computed up
 * front but the list of watched paths with their stat data, so a warm start stats those paths and reads the first
 * line (then the byte range of each section it asks for), and a cold start never has to enumerate anything twice.
 *
 * Stat data alone is not enough on a file system with coarse timestamps: a file changed twice within one tick keeps
 * its mtime. Like git's "racy clean" rule, a path whose mtime or ctime is too close to the scan is not trusted by
 * its stat data: the cache also stores a fingerprint of the content the scan actually read (or of the folder
 * listing it saw) and checks it on every warm start until the path is old enough, then drops it.
 */
import {
  closeSync,
  type Dirent,
  mkdirSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { log } from '../core/log.js';
import { openRegularFile, readRegularFile } from './read-file.js';

/** Bump when the cache's content or meaning changes: an older file is then ignored and rewritten. */
export const CACHE_VERSION = 4;

/** The cache file's name inside `node_modules/.cache/plux/`. */
export const CACHE_FILE_NAME = `entry-points-v${CACHE_VERSION}.json`;

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
 * The cache file of one root. Every failure (missing, corrupt, stale, unwritable) is silent apart from a debug
 * line: the caller then scans, and the cache is rebuilt or bypassed.
 */
export class EntryPointsCache {
  /** The cache file. */
  readonly file: string;

  readonly #racyWindowMs: number;

  /**
   * @param root the real path of the root whose `node_modules/.cache/plux/` holds the cache.
   * @param options.racyWindowMs see {@link RACY_WINDOW_MS}.
   */
  constructor(
    readonly root: string,
    options: { racyWindowMs?: number } = {},
  ) {
    this.file = join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME);
    this.#racyWindowMs = options.racyWindowMs ?? RACY_WINDOW_MS;
  }

  /**
   * The cache of `root`, or undefined when `root` has no `node_modules` folder (the cache never creates one).
   */
  static at(root: string): EntryPointsCache | undefined {
    try {
      return statSync(join(root, 'node_modules'), { throwIfNoEntry: false })?.isDirectory()
        ? new EntryPointsCache(root)
        : undefined;
    } catch {
      return undefined; // node_modules is a symlink loop or unreadable: no cache
    }
  }

  /**
   * What {@link write} stored, when the file exists, matches this version and root, and every path it watched is
   * unchanged; undefined otherwise. Only the first line (the key and `data`) is read and parsed here; each section is
   * read on demand (its byte range only, from the same file) and handed out as text, for the caller to parse.
   */
  read(): CachedData | undefined {
    let parsed: CacheContent;
    let file: OpenedCache;
    try {
      file = openCache(this.file);
      parsed = JSON.parse(file.header) as CacheContent;
    } catch (error) {
      log.debug(
        `index cache miss (${this.file}): ${isMissing(error) ? 'no cache yet' : 'unreadable, rebuilding'}`,
      );
      return undefined;
    }
    if (!isCacheContent(parsed) || parsed.version !== CACHE_VERSION || parsed.root !== this.root) {
      log.debug(
        `index cache miss (${this.file}): written by another version or for another root, rebuilding`,
      );
      return undefined;
    }
    // where each section starts in the body (after the first line), and where the body must end
    const starts: number[] = [];
    let end = 0;
    for (const length of parsed.sections) {
      starts.push(end);
      end += length + 1;
    }
    if (file.bodyStart + Math.max(end - 1, 0) !== file.size) {
      log.debug(`index cache miss (${this.file}): truncated or overwritten, rebuilding`);
      return undefined;
    }
    const now = Date.now();
    let settled = false;
    for (const record of parsed.watched) {
      const [kind, path, stat, fingerprint] = record;
      const current = statKey(path);
      if (current !== stat) {
        log.debug(`index cache miss (${this.file}): ${path} changed`);
        return undefined;
      }
      if (fingerprint === undefined) continue;
      const seen = kind === 'd' ? readListingFingerprint(path) : readFileFingerprint(path);
      if (seen !== fingerprint) {
        log.debug(`index cache miss (${this.file}): ${path} changed (same stat data, different content)`);
        return undefined;
      }
      // Old enough now that any later change shows in its stat data: stop paying for the content check.
      const time = statTime(stat);
      if (time !== undefined && time < now - this.#racyWindowMs) {
        record.length = 3;
        settled = true;
      }
    }
    log.debug(`index cache hit (${this.file})`);
    let readBody = (start: number, length: number) => file.readBody(start, length);
    if (settled) {
      // rare (the first warm start after the racy window): rewrite the file, then answer from the body in memory
      const body = file.readBody(0, file.size - file.bodyStart);
      if (body) {
        this.#store(parsed, body);
        readBody = (start, length) => body.subarray(start, start + length);
      }
    }
    const sections = parsed.sections;
    return {
      root: this.root,
      watched: parsed.watched,
      data: parsed.data,
      section: (index) => {
        const start = starts[index];
        const length = sections[index];
        if (start === undefined || length === undefined) return undefined;
        return readBody(start, length)?.toString('utf8');
      },
    };
  }

  /** Creates the cache folder. Call it before scanning, so that creating it does not change what the scan saw. */
  prepare(): void {
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
    } catch {
      // unwritable: write() will fail too and the cache is bypassed
    }
  }

  /**
   * Stores `data` and `sections` (JSON texts, read back one by one) with what `recorder` saw; returns false (and
   * logs at debug level) when it cannot.
   */
  write(data: unknown, recorder: WatchRecorder, sections: string[] = []): boolean {
    const content: CacheContent = {
      version: CACHE_VERSION,
      root: this.root,
      watched: recorder.records,
      data,
      sections: sections.map((s) => Buffer.byteLength(s)),
    };
    return this.#store(content, sections.join('\n'));
  }

  #store(content: CacheContent, body: string | Buffer): boolean {
    const temp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      // one line of key and data, then one line per section: JSON.stringify never writes a raw newline
      const header = JSON.stringify(content);
      writeFileSync(
        temp,
        content.sections.length === 0
          ? header
          : typeof body === 'string'
            ? `${header}\n${body}`
            : Buffer.concat([Buffer.from(`${header}\n`), body]),
      );
      renameSync(temp, this.file);
      log.debug(`index cache written (${this.file})`);
      removeAbandonedTemps(this.file);
      return true;
    } catch (error) {
      log.debug(`index cache not written (${this.file}): ${(error as Error).message}`);
      try {
        unlinkSync(temp);
      } catch {
        // the temp file was never created
      }
      return false;
    }
  }
}

/**
 * How old (in ms) another writer's temp file must be before a write removes it. A writer killed in the middle of a
 * write (SIGKILL, a crash, power loss) never removes its own; a live one renames its temp file within milliseconds.
 */
export const ABANDONED_TEMP_MS = 60_000;

/** Removes the temp files of `file` that killed writers left behind (best effort: a race with another is fine). */
function removeAbandonedTemps(file: string): void {
  const folder = dirname(file);
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const limit = Date.now() - ABANDONED_TEMP_MS;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      if (statSync(join(folder, name)).mtimeMs < limit) unlinkSync(join(folder, name));
    } catch {
      // removed by another writer in the meantime
    }
  }
}

/** What {@link EntryPointsCache.read} returns. */
export interface CachedData {
  /** The root the cache belongs to. */
  root: string;
  /**
   * What the scan that wrote it watched, each path checked unchanged. A cache file is only as trustworthy as this
   * list: the caller checks that it covers what a scan of the root must watch.
   */
  watched: readonly WatchRecord[];
  /** The `data` given to {@link EntryPointsCache.write}. */
  data: unknown;
  /** The text of the section at `index`, undefined past the last one. */
  section(index: number): string | undefined;
}

/** The first line of a cache file, and a way to read byte ranges of the rest of that same file later. */
interface OpenedCache {
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
function openCache(file: string): OpenedCache {
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

interface CacheContent {
  version: number;
  root: string;
  watched: WatchRecord[];
  data: unknown;
  /** The length in bytes of each section (each on its own line after the first). */
  sections: number[];
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
function statTime(stat: string): number | undefined {
  if (stat === '-' || stat.startsWith('!')) return undefined;
  const [mtime, ctime] = stat.split('/', 2).map(Number);
  return Math.max(mtime ?? 0, ctime ?? 0);
}

function readFileFingerprint(path: string): string {
  try {
    return fingerprintText(readRegularFile(path));
  } catch {
    return UNREADABLE;
  }
}

function readListingFingerprint(path: string): string {
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

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function isCacheContent(value: unknown): value is CacheContent {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as CacheContent;
  return (
    typeof c.version === 'number' &&
    typeof c.root === 'string' &&
    Array.isArray(c.watched) &&
    Array.isArray(c.sections) &&
    c.sections.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    c.watched.every(
      (r) =>
        Array.isArray(r) &&
        (r[0] === 'f' || r[0] === 'd' || r[0] === 'p') &&
        typeof r[1] === 'string' &&
        typeof r[2] === 'string' &&
        (r[3] === undefined || typeof r[3] === 'string'),
    )
  );
}
