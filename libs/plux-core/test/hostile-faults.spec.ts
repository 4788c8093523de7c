/**
 * Fault injection on real folders and real processes: folders that vanish while the finder scans them, packages
 * replaced between the scan and the load, cache writers killed in the middle of a write, and several processes
 * writing the cache at once. The runtime must never throw, never import from outside a package, and never leave a
 * cache file that a reader could see half written.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { isPluginError } from '../src/core/errors.js';
import { setLogSink } from '../src/core/log.js';
import { CACHE_FILE_NAME } from '../src/runtime/cache.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import { copyBuiltCore, ensureCoreBuilt, FIXTURES } from './support/core.js';
import { recordImport, writeSyntheticTree } from './support/hostile.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

const WRITER = join(FIXTURES, 'hostile-cache-writer.mjs');
/** For the tests that run several Node processes over a big tree: they take 30 s and more on a loaded 2-core machine. */
const SLOW_TEST_MS = 180_000;
const children: ChildProcess[] = [];
const tempDir = () => makeTempDir('plux-faults-');

beforeAll(ensureCoreBuilt);
beforeEach(() => {
  setLogSink(() => {});
});
afterEach(() => {
  setLogSink();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(removeTempDirs);

const keysOf = (finder: IndexPluginFinder) =>
  finder.listEntryPoints().map((ep) => `${ep.namespace}:${ep.name}`);

/** Starts a Node child; resolves with its exit once it ends. */
function start(
  args: string[],
  options: { cwd: string },
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PLUX_LOG: 'silent', PLUX_NO_CACHE: '', NODE_OPTIONS: '' },
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, exited };
}

/** Every line of a cache file parses as JSON (the header, then one line per namespace). */
function parsesWhole(text: string): boolean {
  try {
    for (const line of text.split('\n')) JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

describe('a node_modules folder that disappears while the finder scans it', () => {
  it(
    'never makes the finder throw, never loses an untouched plugin, and leaves no stale cache behind',
    async () => {
      const root = tempDir();
      const stable = writeSyntheticTree(root, { installed: 400, pluginEvery: 4, workspace: 4 });
      // what the churner removes and brings back: a scope folder, a workspace package's node_modules, a package
      const churned: string[] = [];
      const plugin = (dir: string, ns: string, name: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'index.js'), 'export const plugin = {};\n');
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({
            name,
            plux: {
              formatVersion: 1,
              plugins: { [ns]: { [name]: { module: './index.js', export: 'plugin' } } },
            },
          }),
        );
        churned.push(`${ns}:${name}`);
      };
      for (let i = 0; i < 40; i++)
        plugin(join(root, 'node_modules', '@churn', `c-${i}`), 'churn', `@churn/c-${i}`);
      for (let i = 0; i < 20; i++)
        plugin(join(root, 'libs', 'w0', 'node_modules', `n-${i}`), 'nested', `n-${i}`);
      plugin(join(root, 'node_modules', 'flicker'), 'churn', 'flicker');
      cpSync(join(root, 'libs', 'w0', 'node_modules'), join(root, 'nested-template'), { recursive: true });
      const all = [...stable, ...churned].sort();
      expect(keysOf(new IndexPluginFinder({ cwd: root, cache: false }))).toEqual(all);

      const churner = `
      const fs = require('node:fs');
      const [root, ms] = process.argv.slice(1);
      const nm = root + '/node_modules', nested = root + '/libs/w0/node_modules';
      const flicker = nm + '/flicker/package.json', text = fs.readFileSync(flicker);
      for (const end = Date.now() + Number(ms); Date.now() < end; ) {
        fs.renameSync(nm + '/@churn', nm + '/.churn-away');
        fs.rmSync(nested, { recursive: true });
        fs.unlinkSync(flicker);
        fs.renameSync(nm + '/.churn-away', nm + '/@churn');
        fs.cpSync(root + '/nested-template', nested, { recursive: true });
        fs.writeFileSync(flicker, text);
      }`;
      const { child, exited } = start(['-e', churner, root, '1500'], { cwd: root });
      let scans = 0;
      const seen = new Set<number>();
      while (child.exitCode === null) {
        for (const cache of [false, true]) {
          const finder = new IndexPluginFinder({ cwd: root, cache });
          const keys = keysOf(finder); // never throws
          expect(keys.filter((k) => !all.includes(k))).toEqual([]);
          expect(stable.filter((k) => !keys.includes(k))).toEqual([]);
          for (const problem of finder.listProblems())
            expect(problem).toMatch(/@churn|w0\/node_modules|flicker/);
          seen.add(keys.length);
          scans++;
        }
        await turn();
      }
      expect(await exited).toBe(0);
      expect(scans).toBeGreaterThan(4);
      // the churn was seen: some scans missed some of the churned plugins
      expect([...seen].some((n) => n < all.length)).toBe(true);

      // once the tree is still again, the cache (written during the churn) must not hide anything
      expect(keysOf(new IndexPluginFinder({ cwd: root, cache: true }))).toEqual(all);
      expect(keysOf(new IndexPluginFinder({ cwd: root, cache: true }))).toEqual(all);
    },
    SLOW_TEST_MS,
  );
});

describe('a package replaced between the scan and the load', () => {
  let root: string;
  let outside: string;
  const moduleText = (tag: string) =>
    `${recordImport}\nimport { plugin } from '@plux/core';\nexport const p = plugin({ namespace: 'swap', name: ${JSON.stringify(tag)}, load: () => ${JSON.stringify(tag)} }, () => {});\n`;

  beforeEach(() => {
    globalThis.__hostileImports = [];
    root = tempDir();
    outside = tempDir();
    writeFileSync(join(root, 'package.json'), '{"name":"swap-root","private":true}');
    mkdirSync(join(root, 'node_modules', '@plux'), { recursive: true });
    symlinkSync(copyBuiltCore(), join(root, 'node_modules', '@plux', 'core'), 'dir');
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3}');
    for (const [pkg, names] of [
      ['swap-plugins', ['a', 'b', 'c']],
      ['moved-plugins', ['d']],
    ] as const) {
      const dir = join(root, 'node_modules', pkg);
      mkdirSync(join(dir, 'dist'), { recursive: true });
      const entries = Object.fromEntries(names.map((n) => [n, { module: `./dist/${n}.js`, export: 'p' }]));
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: pkg,
          version: '1.0.0',
          type: 'module',
          plux: { formatVersion: 1, plugins: { swap: entries } },
        }),
      );
      for (const n of names) writeFileSync(join(dir, 'dist', `${n}.js`), moduleText(n));
    }
    writeFileSync(join(outside, 'evil.js'), `${recordImport}\nexport const p = 'evil';\n`);
  });

  it('refuses a module that became a link out of its package, or whose package became one', async () => {
    for (const cache of [false, true]) {
      if (cache) rmSync(join(root, 'node_modules', '.cache'), { recursive: true, force: true });
      const finder = new IndexPluginFinder({ cwd: root, cache });
      const manager = new PluginManager('swap', { finder });
      expect(manager.listNames()).toEqual(['a', 'b', 'c', 'd']);
      const swap = join(root, 'node_modules', 'swap-plugins');
      const moved = join(root, 'node_modules', 'moved-plugins');

      // b's module is now a symlink out of the package
      renameSync(join(swap, 'dist', 'b.js'), join(swap, 'dist', 'b.orig'));
      symlinkSync(join(outside, 'evil.js'), join(swap, 'dist', 'b.js'));
      // c's module is gone
      renameSync(join(swap, 'dist', 'c.js'), join(swap, 'dist', 'c.orig'));
      // the whole of moved-plugins is now a link to a copy outside the tree
      cpSync(moved, join(outside, 'moved-copy'), { recursive: true });
      renameSync(moved, join(root, 'moved-orig'));
      symlinkSync(join(outside, 'moved-copy'), moved, 'dir');
      // and a's package.json now says something else entirely
      writeFileSync(
        join(swap, 'package.json'),
        JSON.stringify({
          name: 'swap-plugins',
          version: '2.0.0',
          type: 'module',
          plux: { formatVersion: 1, plugins: {} },
        }),
      );

      await expect(manager.load('a')).resolves.toBeDefined();
      expect(manager.getContainer('a').loadValue).toBe('a');
      for (const [name, message] of [
        [
          'b',
          /refusing to import plugin swap:b: module .* resolves to .*evil\.js, outside package swap-plugins@1\.0\.0/,
        ],
        ['c', /cannot import plugin swap:c: module .* does not exist/],
        ['d', /refusing to import plugin swap:d: module .* outside package moved-plugins@1\.0\.0/],
      ] as const) {
        const error = await manager.load(name).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isPluginError(error), `${name}: ${String(error)}`).toBe(true);
        expect((error as Error).message).toMatch(message);
      }
      expect((globalThis.__hostileImports ?? []).filter((url) => url.includes(outside))).toEqual([]);

      // read again, the tree is what it is now: swap-plugins 2.0.0 declares nothing, and the linked moved-plugins
      // is a package in its own right, rooted where the link leads (as `npm link` makes them)
      finder.refresh();
      const now = new IndexPluginFinder({ cwd: root, cache: false });
      expect(keysOf(now)).toEqual(['swap:d']);
      expect(now.findPlugins('swap')[0]!.distribution!.root).toBe(join(outside, 'moved-copy'));

      // put everything back for the cached round
      rmSync(join(swap, 'dist', 'b.js'));
      renameSync(join(swap, 'dist', 'b.orig'), join(swap, 'dist', 'b.js'));
      renameSync(join(swap, 'dist', 'c.orig'), join(swap, 'dist', 'c.js'));
      unlinkSync(moved);
      renameSync(join(root, 'moved-orig'), moved);
      rmSync(join(outside, 'moved-copy'), { recursive: true });
      writeFileSync(
        join(swap, 'package.json'),
        JSON.stringify({
          name: 'swap-plugins',
          version: '1.0.0',
          type: 'module',
          plux: {
            formatVersion: 1,
            plugins: {
              swap: Object.fromEntries(
                ['a', 'b', 'c'].map((n) => [n, { module: `./dist/${n}.js`, export: 'p' }]),
              ),
            },
          },
        }),
      );
      // an install rewrites the lock state: the cache must rebuild
      writeFileSync(
        join(root, 'node_modules', '.package-lock.json'),
        `{"lockfileVersion":3,"n":${Date.now()}}`,
      );
    }
  });
});

describe('the on-disk cache under killed and concurrent writers', () => {
  /** A tree whose cache is a few megabytes, so a write takes long enough to be killed in the middle. */
  function bigTree(): { root: string; cacheFile: string; keys: string[] } {
    const root = tempDir();
    const keys = writeSyntheticTree(root, { installed: 200, pluginEvery: 2, workspace: 3, bigIndex: 20_000 });
    const finder = new IndexPluginFinder({ cwd: root, cache: true });
    expect(keysOf(finder)).toEqual(keys);
    const cacheFile = join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME);
    expect(statSync(cacheFile).size).toBeGreaterThan(2_000_000);
    return { root, cacheFile, keys };
  }

  /** Reads the cache file until `done()`, returning how many reads saw it and whether each one parsed whole. */
  async function watch(cacheFile: string, done: () => boolean): Promise<{ reads: number; torn: number }> {
    let reads = 0;
    let torn = 0;
    while (!done()) {
      let text: string | undefined;
      try {
        text = readFileSync(cacheFile, 'utf8');
      } catch {
        // between a reader's check and a writer's first rename: no file is fine, a torn one is not
      }
      if (text !== undefined) {
        reads++;
        if (!parsesWhole(text)) torn++;
      }
      await turn();
    }
    return { reads, torn };
  }

  it(
    'keeps the last whole cache when a writer is killed in the middle of a write, and cleans up after it',
    async () => {
      const { root, cacheFile, keys } = bigTree();
      const complete = readFileSync(cacheFile, 'utf8');
      const folder = join(cacheFile, '..');
      const temps = () => readdirSync(folder).filter((f) => f.endsWith('.tmp'));
      let midWrite = 0;
      for (let round = 0; round < 8; round++) {
        const known = new Set(temps());
        const { child, exited } = start([WRITER, root, '1000000'], { cwd: root });
        // kill the writer the moment its temp file appears: it is then writing the cache. A writer first starts
        // Node and scans the tree, which takes far longer than usual on a loaded machine: wait up to two minutes
        const deadline = Date.now() + 120_000;
        let temp: string | undefined;
        while (!temp && Date.now() < deadline && child.exitCode === null) {
          temp = temps().find((f) => !known.has(f));
        }
        child.kill('SIGKILL');
        await exited;
        expect(temp, 'the writer never wrote').toBeDefined();
        // a temp file still there and shorter than a whole cache: the kill landed mid-write (when it is gone, the
        // writer renamed it before the signal arrived)
        const left = statSync(join(folder, temp!), { throwIfNoEntry: false });
        if (left && left.size < Buffer.byteLength(complete)) midWrite++;
        // whatever the kill interrupted, the cache file is a whole one
        expect(parsesWhole(readFileSync(cacheFile, 'utf8'))).toBe(true);
      }
      expect(midWrite).toBeGreaterThan(0);
      expect(keysOf(new IndexPluginFinder({ cwd: root, cache: true }))).toEqual(keys);

      // what killed writers leave behind is cleaned up by the next write, once it is old enough to be abandoned
      expect(temps().length).toBeGreaterThanOrEqual(midWrite);
      const old = new Date(Date.now() - 10 * 60_000);
      for (const f of temps()) utimesSync(join(folder, f), old, old);
      utimesSync(join(root, 'libs', 'w1', 'package.json'), old, old); // a change: the next finder scans and writes
      expect(keysOf(new IndexPluginFinder({ cwd: root, cache: true }))).toEqual(keys);
      expect(readdirSync(folder)).toEqual([CACHE_FILE_NAME]);
    },
    4 * SLOW_TEST_MS, // eight writers started and killed one after another
  );

  it(
    'stays whole and right when several processes scan and write it at once',
    async () => {
      const { root, cacheFile, keys } = bigTree();
      const writers = [0, 1, 2].map(() => start([WRITER, root, '6'], { cwd: root }));
      const seen = await watch(cacheFile, () => writers.every(({ child }) => child.exitCode !== null));
      expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0, 0]);
      expect(seen.reads).toBeGreaterThan(0);
      expect(seen.torn).toBe(0);
      expect(readdirSync(join(cacheFile, '..'))).toEqual([CACHE_FILE_NAME]);
      const warm = new IndexPluginFinder({ cwd: root, cache: true });
      expect(keysOf(warm)).toEqual(keys);
      expect(existsSync(cacheFile)).toBe(true);
    },
    SLOW_TEST_MS,
  );
});
