/**
 * The on-disk cache of the merged index: `<root>/node_modules/.cache/plux/entry-points-v4.json`, one line of JSON
 * (the key, the caller's `data` and the byte length of each section), then one line per section.
 *
 * The idea of keying a cache of entry points on the stat data of what produced them comes from plux's
 * `EntryPointsCache`, which took it from stevedore's `_cache.py`. Unlike both, the key is not a hash computed up
 * front but the list of watched paths with their stat data, so a warm start stats those paths and reads the first
 * line (then the byte range of each section it asks for), and a cold start never has to enumerate anything twice.
 *
 * What proves a watched path unchanged (its stat data, and a fingerprint while it is racy) is in `watch.ts`; reading
 * the file in byte ranges is in `cache-reader.ts`.
 */
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { log } from '../core/log.js';
import { type OpenedCache, openCache } from './cache-reader.js';
import {
  RACY_WINDOW_MS,
  readFileFingerprint,
  readListingFingerprint,
  statKey,
  statTime,
  type WatchRecord,
  type WatchRecorder,
} from './watch.js';

/** Bump when the cache's content or meaning changes: an older file is then ignored and rewritten. */
export const CACHE_VERSION = 4;

/** The cache file's name inside `node_modules/.cache/plux/`. */
export const CACHE_FILE_NAME = `entry-points-v${CACHE_VERSION}.json`;
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
interface CacheContent {
  version: number;
  root: string;
  watched: WatchRecord[];
  data: unknown;
  /** The length in bytes of each section (each on its own line after the first). */
  sections: number[];
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
