/**
 * A forged on-disk cache: whoever can write `node_modules/.cache/plux/` (a CI cache restored from elsewhere, a
 * careless tool) must not be able to make plux import a file outside the packages a scan finds, nor to freeze the
 * listing by emptying the watch list. Each test forges a real cache file (byte lengths fixed, so it parses) and runs
 * the real finder and manager on the tree.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isPluginError } from '../src/core/errors.js';
import { setLogSink } from '../src/core/log.js';
import { CACHE_FILE_NAME } from '../src/runtime/cache.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import type { WatchRecord } from '../src/runtime/watch.js';
import { writeIndexedPackage } from './support/packages.js';
import { makeTempDir, removeTempDirs, writeFiles } from './support/temp.js';

const NS = 'forgery';

afterAll(removeTempDirs);

const debug: string[] = [];
beforeEach(() => {
  debug.length = 0;
  globalThis.__forgeryImports = [];
  process.env['PLUX_LOG'] = 'debug';
  setLogSink((level, message) => void (level === 'debug' && debug.push(message)));
});
afterEach(() => {
  delete process.env['PLUX_LOG'];
  setLogSink();
});

declare global {
  var __forgeryImports: string[] | undefined;
}

const RECORD = '(globalThis.__forgeryImports ??= []).push(import.meta.url);';

/** A module that records its import and exports something that is not a plugin (the import is what matters). */
const NOT_A_PLUGIN = `${RECORD}\nexport const entry = 42;\n`;

interface Tree {
  root: string;
  /** A real package in the root's node_modules, with the plugin forgery:x in ./dist/x.js. */
  pkg: string;
  /** A package-shaped folder outside the tree, holding evil.js. */
  outside: string;
  cacheFile: string;
}

/** A root with one plugin package, an outside folder that must never be imported from, and a warm cache. */
function makeTree(): Tree {
  const dir = makeTempDir('plux-forgery-');
  const root = join(dir, 'root');
  const pkg = join(root, 'node_modules', 'x-plugins');
  const outside = join(dir, 'outside');
  writeFileSync(
    join(mkdirp(root), 'package.json'),
    JSON.stringify({ name: 'forgery-root', version: '1.0.0' }),
  );
  writeIndexedPackage(pkg, {
    name: 'x-plugins',
    namespace: NS,
    plugin: 'x',
    module: './dist/x.js',
    source: NOT_A_PLUGIN,
  });
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3}');
  writeFiles(outside, { 'evil.js': NOT_A_PLUGIN });
  writeFileSync(join(outside, 'package.json'), JSON.stringify({ name: 'x-plugins', version: '6.6.6' }));
  const cacheFile = join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME);
  expect(new IndexPluginFinder({ cwd: root, cache: true }).findPlugins(NS).map((ep) => ep.name)).toEqual([
    'x',
  ]);
  expect(readFileSync(cacheFile, 'utf8')).toContain(pkg);
  return { root, pkg, outside, cacheFile };
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface CacheFile {
  header: { watched: WatchRecord[]; sections: number[]; data: unknown };
  sections: { d: unknown[][]; m: unknown[][]; e: unknown[][] }[];
}

/** Rewrites the cache file through `edit`, fixing the byte lengths so that the file still parses as a whole. */
function forge(cacheFile: string, edit: (cache: CacheFile) => void): void {
  const [header, ...sections] = readFileSync(cacheFile, 'utf8').split('\n');
  const cache: CacheFile = {
    header: JSON.parse(header!) as CacheFile['header'],
    sections: sections.map((s) => JSON.parse(s) as CacheFile['sections'][number]),
  };
  edit(cache);
  const texts = cache.sections.map((s) => JSON.stringify(s));
  cache.header.sections = texts.map((t) => Buffer.byteLength(t));
  writeFileSync(cacheFile, [JSON.stringify(cache.header), ...texts].join('\n'));
}

/** Points the package of forgery:x at `root` (as reached through `folder`, when given), its module at `module`. */
const relocate = (root: string, module: string, folder?: string) => (cache: CacheFile) => {
  const section = cache.sections[0]!;
  section.d[0]![2] = root;
  if (folder === undefined) section.d[0]!.splice(4);
  else section.d[0]![4] = folder;
  section.m[0] = [0, module];
};

/** Loads forgery:x through a fresh finder on the cache; returns the error, if any, and what was imported. */
async function loadX(root: string): Promise<{ error: unknown; imported: string[] }> {
  const manager = new PluginManager(NS, { finder: new IndexPluginFinder({ cwd: root, cache: true }) });
  const error = await manager.load('x').then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, imported: (globalThis.__forgeryImports ?? []).map((url) => fileURLToPath(url)) };
}

describe('a cache that names a package outside the tree', () => {
  it('is not read when a package root is an outside folder: the tree is scanned and the real module imported', async () => {
    const tree = makeTree();
    forge(tree.cacheFile, relocate(tree.outside, 'evil.js'));
    const { imported } = await loadX(tree.root);
    expect(imported).toEqual([join(tree.pkg, 'dist', 'x.js')]);
    expect(debug.join('\n')).toContain(
      `${tree.outside} is not a package folder a scan of ${tree.root} reaches`,
    );
    // and the cache was rewritten from the scan
    expect(readFileSync(tree.cacheFile, 'utf8')).not.toContain(tree.outside);
  });

  it('is not read when a package sits in the cache folder itself', async () => {
    const tree = makeTree();
    const planted = join(tree.root, 'node_modules', '.cache', 'plux', 'x-plugins');
    cpSync(tree.outside, planted, { recursive: true });
    forge(tree.cacheFile, relocate(planted, 'evil.js'));
    const { imported } = await loadX(tree.root);
    expect(imported).toEqual([join(tree.pkg, 'dist', 'x.js')]);
  });

  it('is not read when a path is not normal (`..` through a real package folder)', async () => {
    const tree = makeTree();
    forge(tree.cacheFile, relocate(`${tree.pkg}/../../../outside`, 'evil.js'));
    const { imported } = await loadX(tree.root);
    expect(imported).toEqual([join(tree.pkg, 'dist', 'x.js')]);
  });

  it('never imports the outside module when the folder is a real package but the root is not: refused at load', async () => {
    const tree = makeTree();
    // a plausible folder (x-plugins in the root's node_modules) claimed to lead to the outside folder
    forge(tree.cacheFile, relocate(tree.outside, 'evil.js', tree.pkg));
    const { error, imported } = await loadX(tree.root);
    expect(imported).toEqual([]);
    expect(isPluginError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `refusing to import plugin ${NS}:x: module ${join(tree.outside, 'evil.js')} of package x-plugins@1.0.0 is not ` +
        `in a package plux finds now: its folder ${tree.pkg} resolves to ${tree.pkg}, not to ${tree.outside}; ` +
        'run again to rescan, or delete node_modules/.cache/plux if it persists',
    );
  });

  it('refuses at load a package whose folder no longer holds a package.json', async () => {
    const tree = makeTree();
    const manager = new PluginManager(NS, { finder: new IndexPluginFinder({ cwd: tree.root, cache: true }) });
    expect(manager.listNames()).toEqual(['x']);
    rmSync(join(tree.pkg, 'package.json'));
    const error = await manager.load('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(`${tree.pkg} holds no package.json`);
    expect(globalThis.__forgeryImports).toEqual([]);
  });
});

describe('a cache whose watch list is forged', () => {
  for (const [label, edit] of [
    ['empty', (cache: CacheFile) => void (cache.header.watched = [])],
    [
      "without the root's node_modules listing",
      (cache: CacheFile) =>
        void (cache.header.watched = cache.header.watched.filter((r) => !r[1].endsWith('/node_modules'))),
    ],
    [
      'without the install state',
      (cache: CacheFile) =>
        void (cache.header.watched = cache.header.watched.filter(
          (r) => !r[1].endsWith('.package-lock.json'),
        )),
    ],
  ] as const) {
    it(`is not read when the list is ${label}`, () => {
      const tree = makeTree();
      forge(tree.cacheFile, edit);
      const finder = new IndexPluginFinder({ cwd: tree.root, cache: true });
      expect(finder.findPlugins(NS).map((ep) => ep.name)).toEqual(['x']);
      expect(debug.join('\n')).toMatch(/index cache miss .*: the cache does not watch .*, rebuilding/);
      expect(debug.join('\n')).toContain('index scanned');
    });
  }

  it('is not read when the list is empty: a package removed since is no longer listed', () => {
    const tree = makeTree();
    forge(tree.cacheFile, (cache) => void (cache.header.watched = []));
    rmSync(tree.pkg, { recursive: true });
    expect(new IndexPluginFinder({ cwd: tree.root, cache: true }).findPlugins(NS)).toEqual([]);
  });

  it('is read when it is what a scan wrote (a warm start stays a cache hit)', () => {
    const tree = makeTree();
    debug.length = 0;
    const finder = new IndexPluginFinder({ cwd: tree.root, cache: true });
    expect(finder.findPlugins(NS).map((ep) => ep.distribution!.root)).toEqual([tree.pkg]);
    expect(debug.filter((m) => m.startsWith('index cache'))).toEqual([`index cache hit (${tree.cacheFile})`]);
    expect(debug.join('\n')).not.toContain('index scanned');
  });

  it("is read for pnpm's layout, a scoped package and a workspace package's own node_modules", async () => {
    const tree = makeTree();
    const nm = join(tree.root, 'node_modules');
    writeFileSync(
      join(tree.root, 'package.json'),
      JSON.stringify({ name: 'forgery-root', version: '1.0.0', workspaces: ['libs/*'] }),
    );
    writeFileSync(
      join(mkdirp(join(tree.root, 'libs', 'a')), 'package.json'),
      '{"name":"a","version":"1.0.0"}',
    );
    const plugin = (dir: string, name: string) =>
      writeIndexedPackage(dir, { name, namespace: NS, module: `./dist/${name}.js`, source: NOT_A_PLUGIN });
    // pnpm: a top-level link into the virtual store, and one in its hidden hoisting folder
    const store = (name: string) =>
      mkdirp(join(nm, '.pnpm', `${name.replace('/', '+')}@1.0.0`, 'node_modules', name));
    plugin(store('@scope/top'), '@scope/top');
    symlinkSync(store('@scope/top'), join(mkdirp(join(nm, '@scope')), 'top'), 'dir');
    plugin(store('hoisted'), 'hoisted');
    symlinkSync(store('hoisted'), join(mkdirp(join(nm, '.pnpm', 'node_modules')), 'hoisted'), 'dir');
    plugin(mkdirp(join(tree.root, 'libs', 'a', 'node_modules', 'nested')), 'nested');
    const names = ['@scope/top', 'hoisted', 'nested', 'x'];
    expect(
      new IndexPluginFinder({ cwd: tree.root, cache: true }).findPlugins(NS).map((ep) => ep.name),
    ).toEqual(names);
    debug.length = 0;
    const manager = new PluginManager(NS, { finder: new IndexPluginFinder({ cwd: tree.root, cache: true }) });
    expect(manager.listNames()).toEqual(names);
    expect(debug).toContain(`index cache hit (${tree.cacheFile})`);
    for (const name of names) await manager.load(name).catch(() => undefined);
    expect(globalThis.__forgeryImports).toHaveLength(4);
    expect(debug.join('\n')).not.toContain('index scanned');
  });

  it('is read for a package reached through a link (npm link), which it then checks at load', async () => {
    const tree = makeTree();
    const linked = join(tree.root, '..', 'linked');
    cpSync(tree.pkg, linked, { recursive: true });
    rmSync(tree.pkg, { recursive: true });
    symlinkSync(linked, tree.pkg, 'dir');
    expect(new IndexPluginFinder({ cwd: tree.root, cache: true }).findPlugins(NS)).toHaveLength(1);
    debug.length = 0;
    const { error, imported } = await loadX(tree.root);
    expect(debug).toContain(`index cache hit (${tree.cacheFile})`);
    expect(imported).toEqual([join(linked, 'dist', 'x.js')]);
    expect((error as Error).message).toContain('is not a plugin'); // the module exports 42: imported, then refused
  });
});
