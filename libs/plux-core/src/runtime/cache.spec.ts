import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeWatchedRoot, removeTempDirs } from '../../test/support/temp.js';
import { ABANDONED_TEMP_MS, CACHE_FILE_NAME, CACHE_VERSION, EntryPointsCache } from './cache.js';
import { statKey, type WatchRecord, WatchRecorder } from './watch.js';

afterAll(removeTempDirs);
const makeRoot = () => makeWatchedRoot('plux-cache-');

/** Records `file` the way a scan does, then stores `data` in the root's cache. */
function store(root: string, file: string, recorder = new WatchRecorder(), data: unknown = { answer: 42 }) {
  const cache = new EntryPointsCache(root);
  cache.prepare();
  recorder.file(file, readFileSync(file, 'utf8'));
  recorder.presence(join(root, 'missing.js'));
  expect(cache.write(data, recorder)).toBe(true);
  return cache;
}

/** The key line of the cache file, and the section lines after it. */
function readLines(cache: EntryPointsCache): [{ watched: WatchRecord[] }, string[]] {
  const [header, ...sections] = readFileSync(cache.file, 'utf8').split('\n');
  return [JSON.parse(header!) as { watched: WatchRecord[] }, sections];
}

function storedRecords(cache: EntryPointsCache): WatchRecord[] {
  return readLines(cache)[0].watched;
}

function forgeStat(cache: EntryPointsCache, path: string, stat: string) {
  const [content, sections] = readLines(cache);
  content.watched.find((r) => r[1] === path)![2] = stat;
  writeFileSync(cache.file, [JSON.stringify(content), ...sections].join('\n'));
}

describe('EntryPointsCache', () => {
  it('lives in node_modules/.cache/plux and is never created without node_modules', () => {
    const { root } = makeRoot();
    expect(EntryPointsCache.at(root)!.file).toBe(
      join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME),
    );
    rmSync(join(root, 'node_modules'), { recursive: true });
    expect(EntryPointsCache.at(root)).toBeUndefined();
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
  });

  it('returns the stored data while every watched path is unchanged', () => {
    const { root, file } = makeRoot();
    store(root, file);
    expect(new EntryPointsCache(root).read()?.data).toEqual({ answer: 42 });
    expect(readdirSync(join(root, 'node_modules', '.cache', 'plux'))).toEqual([CACHE_FILE_NAME]);
  });

  it('removes the temp files of killed writers once they are abandoned, not those of live writers', () => {
    const { root, file } = makeRoot();
    store(root, file);
    const folder = join(root, 'node_modules', '.cache', 'plux');
    const abandoned = join(folder, `${CACHE_FILE_NAME}.123.abc.tmp`);
    const live = join(folder, `${CACHE_FILE_NAME}.456.def.tmp`);
    const other = join(folder, 'someone-else.tmp');
    for (const temp of [abandoned, live, other]) writeFileSync(temp, '{"vers');
    const old = new Date(Date.now() - ABANDONED_TEMP_MS - 5000);
    utimesSync(abandoned, old, old);
    utimesSync(other, old, old);
    store(root, file);
    expect(readdirSync(folder).sort()).toEqual([
      CACHE_FILE_NAME,
      `${CACHE_FILE_NAME}.456.def.tmp`,
      'someone-else.tmp',
    ]);
  });

  it('stores sections as lines and hands each back as text, the settling rewrite included', async () => {
    const { root, file } = makeRoot();
    const cache = new EntryPointsCache(root, { racyWindowMs: 0 });
    cache.prepare();
    const changed = Math.max(statSync(file).mtimeMs, statSync(file).ctimeMs);
    const recorder = new WatchRecorder(changed, 0);
    recorder.file(file, '{"a":1}');
    const sections = [JSON.stringify({ x: 'first\nline' }), '[]', JSON.stringify('third')];
    expect(cache.write({ n: 3 }, recorder, sections)).toBe(true);
    const read = () => {
      const cached = new EntryPointsCache(root, { racyWindowMs: 0 }).read()!;
      return [cached.data, cached.section(0), cached.section(1), cached.section(2), cached.section(3)];
    };
    const expected = [{ n: 3 }, ...sections, undefined];
    await new Promise((r) => setTimeout(r, 5));
    expect(read()).toEqual(expected); // settles the racy record: the file is rewritten
    expect(storedRecords(cache)[0]).toHaveLength(3);
    expect(read()).toEqual(expected);
    expect(JSON.parse(new EntryPointsCache(root).read()!.section(0)!)).toEqual({ x: 'first\nline' });
  });

  it('reads a section by its byte range, beyond the first read and with multi-byte characters', () => {
    const { root, file } = makeRoot();
    const big = JSON.stringify({ text: 'é€😀'.repeat(8000) }); // ~88 KB, far past the first read of the file
    const sections = [JSON.stringify('ünïcödé'), big, JSON.stringify(['last'])];
    const cache = new EntryPointsCache(root);
    cache.prepare();
    const recorder = new WatchRecorder();
    recorder.file(file, '{"a":1}');
    expect(cache.write({ n: 3 }, recorder, sections)).toBe(true);
    const cached = new EntryPointsCache(root).read()!;
    expect([cached.section(2), cached.section(1), cached.section(0)]).toEqual([...sections].reverse());
  });

  it('hands out no section of a file replaced since the read, and misses when the lengths do not fit the file', () => {
    const { root, file } = makeRoot();
    const sections = [JSON.stringify('x'.repeat(40_000)), JSON.stringify('y'.repeat(40_000))];
    const cache = store(root, file);
    const recorder = new WatchRecorder();
    recorder.file(file, '{"a":1}');
    expect(cache.write({ n: 2 }, recorder, sections)).toBe(true);
    const cached = new EntryPointsCache(root).read()!;
    expect(cached.section(0)).toBe(sections[0]);
    // another writer renames its file into place: the byte ranges of the first one mean nothing in it
    expect(cache.write({ n: 2 }, recorder, [sections[1]!, sections[0]!])).toBe(true);
    expect(cached.section(1)).toBeUndefined();
    expect(new EntryPointsCache(root).read()!.section(1)).toBe(sections[0]);

    const good = readFileSync(cache.file, 'utf8');
    for (const bad of [good.slice(0, -1), `${good} `, good.replace('"yyy', '"yy')]) {
      writeFileSync(cache.file, bad);
      expect(new EntryPointsCache(root).read()).toBeUndefined();
    }
  });

  it('is stale when a watched file changes, disappears, or a missing path appears', () => {
    const { root, file } = makeRoot();
    store(root, file);
    writeFileSync(file, '{"a":2}');
    expect(new EntryPointsCache(root).read()).toBeUndefined();

    store(root, file);
    unlinkSync(file);
    expect(new EntryPointsCache(root).read()).toBeUndefined();

    writeFileSync(file, '{"a":1}');
    store(root, file);
    writeFileSync(join(root, 'missing.js'), '');
    expect(new EntryPointsCache(root).read()).toBeUndefined();
  });

  it('checks the content of a racy path even when its stat data looks unchanged', () => {
    const { root, file } = makeRoot();
    const cache = store(root, file, new WatchRecorder(Date.now()));
    writeFileSync(file, '{"a":9}');
    forgeStat(cache, file, statKey(file)); // what a coarse-timestamp file system would show
    expect(new EntryPointsCache(root).read()).toBeUndefined();
  });

  it('trusts the stat data of a path that was old enough at scan time, without reading it', () => {
    const { root, file } = makeRoot();
    const cache = store(root, file, new WatchRecorder(Date.now() + 60_000));
    writeFileSync(file, '{"a":9}');
    forgeStat(cache, file, statKey(file));
    expect(new EntryPointsCache(root).read()?.data).toEqual({ answer: 42 });
  });

  it('drops the fingerprint of a racy path once it is old enough', async () => {
    const { root, file } = makeRoot();
    const changed = Math.max(statSync(file).mtimeMs, statSync(file).ctimeMs);
    const cache = store(root, file, new WatchRecorder(changed, 0));
    expect(storedRecords(cache).find((r) => r[1] === file)).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 5));
    expect(new EntryPointsCache(root, { racyWindowMs: 0 }).read()?.data).toEqual({ answer: 42 });
    expect(storedRecords(cache).find((r) => r[1] === file)).toHaveLength(3);
    expect(new EntryPointsCache(root).read()?.data).toEqual({ answer: 42 });
  });

  it('ignores a corrupt file, another version and another root', () => {
    const { root, file } = makeRoot();
    const cache = store(root, file);
    const good = readFileSync(cache.file, 'utf8');
    for (const bad of [
      '',
      '{"version":',
      'null',
      '[]',
      good.replace(`"version":${CACHE_VERSION}`, '"version":0'),
      good.replace(JSON.stringify(root), JSON.stringify(`${root}-moved`)),
      JSON.stringify({ version: CACHE_VERSION, root, watched: [['x']], data: 1 }),
    ]) {
      writeFileSync(cache.file, bad);
      expect(new EntryPointsCache(root).read()).toBeUndefined();
    }
  });

  it('returns false from write when the folder cannot be created, leaving nothing behind', () => {
    const { root, file } = makeRoot();
    writeFileSync(join(root, 'node_modules', '.cache'), 'a file where the folder should be');
    const cache = new EntryPointsCache(root);
    cache.prepare();
    const recorder = new WatchRecorder();
    recorder.file(file, '{"a":1}');
    expect(cache.write({}, recorder)).toBe(false);
    expect(cache.read()).toBeUndefined();
    expect(readdirSync(join(root, 'node_modules'))).toEqual(['.cache']);
  });
});
