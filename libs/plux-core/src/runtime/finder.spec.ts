import { realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { makeTempTree, removeTempDirs, writeFiles } from '../../test/support/temp.js';
import { setLogSink } from '../core/log.js';
import { IndexPluginFinder } from './finder.js';

afterAll(removeTempDirs);
beforeEach(() => {
  setLogSink(() => {});
});
afterEach(() => {
  setLogSink();
  vi.unstubAllEnvs();
});

const tree = (files: Record<string, string | object>) => makeTempTree(files, 'plux-finder-');

/** An installed package `name` whose index declares `plugins` (namespace → names), all in ./index.js. */
function installed(name: string, plugins: Record<string, string[]>, extra: object = {}) {
  const tree: Record<string, Record<string, { module: string; export: string }>> = {};
  for (const [ns, names] of Object.entries(plugins)) {
    tree[ns] = Object.fromEntries(
      names.map((n) => [n, { module: './index.js', export: n.replace(/\W/g, '_') }]),
    );
  }
  return {
    [`node_modules/${name}/package.json`]: {
      name,
      version: '1.0.0',
      plux: { formatVersion: 1, plugins: tree },
      ...extra,
    },
    [`node_modules/${name}/index.js`]: '',
  };
}

describe('IndexPluginFinder', () => {
  it('shares one finder per resolved cwd through forCwd', () => {
    const root = tree({ 'package.json': { name: 'app' } });
    expect(IndexPluginFinder.forCwd(root)).toBe(IndexPluginFinder.forCwd(`${root}/./`));
    expect(IndexPluginFinder.forCwd(root)).not.toBe(IndexPluginFinder.forCwd(dirname(root)));
    expect(IndexPluginFinder.forCwd().cwd).toBe(process.cwd());
  });

  it('answers from memory until refresh', () => {
    const root = tree({ 'package.json': { name: 'app' }, ...installed('one', { ns: ['a'] }) });
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.findPlugins('ns').map((ep) => ep.name)).toEqual(['a']);
    writeFiles(root, installed('two', { ns: ['b'] }));
    expect(finder.findPlugins('ns').map((ep) => ep.name)).toEqual(['a']);
    finder.refresh();
    expect(finder.findPlugins('ns').map((ep) => ep.name)).toEqual(['a', 'b']);
  });

  it('hands out copies: callers cannot change what others see', () => {
    const root = tree({ 'package.json': { name: 'app' }, ...installed('one', { ns: ['a'] }) });
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    finder.findPlugins('ns').pop();
    finder.listEntryPoints().pop();
    expect(finder.findPlugins('ns')).toHaveLength(1);
    expect(finder.listEntryPoints()).toHaveLength(1);
  });

  it('finds nothing, without throwing, where no package is visible', () => {
    const root = tree({ 'empty/readme.md': '' });
    const finder = new IndexPluginFinder({ cwd: join(root, 'empty'), cache: false });
    expect(finder.listEntryPoints()).toEqual([]);
    expect(finder.listProblems()).toEqual([]);
  });

  it('reports a node_modules folder that is a symlink loop, and still lists the root package', () => {
    const root = tree({
      'package.json': {
        name: 'app',
        plux: { formatVersion: 1, plugins: { ns: { x: { module: './x.js', export: 'x' } } } },
      },
      'x.js': '',
    });
    symlinkSync('node_modules', join(root, 'node_modules'));
    const finder = new IndexPluginFinder({ cwd: root });
    expect(finder.findPlugins('ns').map((ep) => ep.name)).toEqual(['x']);
    expect(finder.listProblems()).toEqual([
      `cannot list ${root}/node_modules: it is a symlink loop; remove the link`,
    ]);
  });

  it('reads an index file in a subfolder and keeps the module as written in the value', () => {
    const root = tree({
      'package.json': { name: 'app', version: '3.0.0', plux: './meta/plux.json' },
      'meta/plux.json': {
        formatVersion: 1,
        plugins: { ns: { x: { module: 'lib/../lib/x.js', export: 'default' } } },
      },
      'lib/x.js': '',
    });
    const [x] = new IndexPluginFinder({ cwd: root, cache: false }).findPlugins('ns');
    expect(x).toMatchObject({ module: join(root, 'lib/x.js'), value: 'app:lib/../lib/x.js#default' });
  });

  it('names a package without a name after its folder', () => {
    const root = tree({
      'package.json': { name: 'app' },
      'node_modules/@s/anon/package.json': {
        plux: { formatVersion: 1, plugins: { ns: { y: { module: './y.js', export: 'y' } } } },
      },
      'node_modules/@s/anon/y.js': '',
    });
    const [y] = new IndexPluginFinder({ cwd: root, cache: false }).findPlugins('ns');
    expect(y!.distribution).toMatchObject({ name: '@s/anon', version: '0.0.0', workspace: false });
    expect(y!.value).toBe('@s/anon:./y.js#y');
  });

  it('uses the on-disk cache unless PLUX_NO_CACHE=1 or cache: false', () => {
    const cacheDir = (root: string) => join(root, 'node_modules', '.cache', 'plux');
    const root = tree({ 'package.json': { name: 'app' }, ...installed('one', { ns: ['a'] }) });
    new IndexPluginFinder({ cwd: root, cache: false }).listEntryPoints();
    vi.stubEnv('PLUX_NO_CACHE', '1');
    new IndexPluginFinder({ cwd: root }).listEntryPoints();
    expect(() => realpathSync(cacheDir(root))).toThrow();
    vi.stubEnv('PLUX_NO_CACHE', '');
    new IndexPluginFinder({ cwd: root }).listEntryPoints();
    expect(realpathSync(cacheDir(root))).toBe(cacheDir(root));
  });
});

describe('IndexPluginFinder, when two packages declare one plugin', () => {
  /** A workspace package `name` in `libs/<folder>` whose inline index declares `ns:<plugin>`. */
  function workspacePackage(folder: string, name: string, plugin = 'shared') {
    return {
      [`libs/${folder}/package.json`]: {
        name,
        version: '1.0.0',
        plux: { formatVersion: 1, plugins: { ns: { [plugin]: { module: './index.js', export: 'x' } } } },
      },
      [`libs/${folder}/index.js`]: '',
    };
  }

  function warningsOf(root: string, cache: boolean): string[] {
    const warnings: string[] = [];
    setLogSink((level, message) => level === 'warn' && warnings.push(message));
    new IndexPluginFinder({ cwd: root, cache }).listEntryPoints();
    return warnings;
  }

  it('says the package name decided when both are workspace packages, not that workspace beats node_modules', () => {
    const root = tree({
      'package.json': { name: 'app', workspaces: ['libs/*'] },
      ...workspacePackage('zeta', '@acme/b-storage'),
      ...workspacePackage('alpha', '@acme/a-services'),
    });

    const [warning, ...rest] = warningsOf(root, false);

    expect(rest).toEqual([]);
    expect(warning).toContain(
      `@acme/b-storage@1.0.0 (${root}/libs/zeta) declares ns:shared, also declared by @acme/a-services@1.0.0 ` +
        `(${root}/libs/alpha); using @acme/a-services's (both are workspace packages, so the package name ` +
        'decides: @acme/a-services sorts before @acme/b-storage)',
    );
    expect(warning).not.toContain('node_modules');
  });

  it('says the path decided when two workspace packages share a name', () => {
    const root = tree({
      'package.json': { name: 'app', workspaces: ['libs/*'] },
      ...workspacePackage('one', '@acme/twin'),
      ...workspacePackage('two', '@acme/twin'),
    });

    expect(warningsOf(root, false)).toEqual([
      expect.stringContaining(
        `(both are workspace packages named @acme/twin, so the path decides: ${root}/libs/one sorts before ` +
          `${root}/libs/two)`,
      ),
    ]);
  });

  it('says where the packages were found when that decided, also through the on-disk cache', () => {
    const root = tree({
      'package.json': { name: 'app', workspaces: ['libs/*'] },
      ...workspacePackage('mine', '@acme/zz-mine'),
      ...installed('aa-vendor', { ns: ['shared'] }),
    });
    const rule = "(a workspace package wins over a package in the root's node_modules)";

    expect(warningsOf(root, true)).toEqual([expect.stringContaining(rule)]);
    // another finder reads the cache this one wrote (no scan): the rule is stored with the pair
    vi.stubEnv('PLUX_LOG', 'debug');
    const debug: string[] = [];
    setLogSink((level, message) => level === 'debug' && debug.push(message));
    const cached = new IndexPluginFinder({ cwd: root, cache: true }).listShadowed();
    expect(debug.filter((m) => m.startsWith('index scanned'))).toEqual([]);
    expect(cached.map((s) => s.rule)).toEqual([
      "a workspace package wins over a package in the root's node_modules",
    ]);
  });

  it('reads an index beside package.json, deeper in the package, or through a link inside it; never one outside', () => {
    const index = (name: string) => ({
      formatVersion: 1,
      plugins: { ns: { [name]: { module: './index.js', export: 'x' } } },
    });
    const pkg = (name: string, plux: string, files: Record<string, string | object>) => ({
      [`node_modules/${name}/package.json`]: { name, version: '1.0.0', plux },
      [`node_modules/${name}/index.js`]: '',
      ...Object.fromEntries(
        Object.entries(files).map(([file, text]) => [`node_modules/${name}/${file}`, text]),
      ),
    });
    const root = tree({
      'package.json': { name: 'app' },
      'elsewhere/plux.json': index('outside'),
      ...pkg('beside', './plux.json', { 'plux.json': index('beside') }),
      ...pkg('deeper', './dist/plux.json', { 'dist/plux.json': index('deeper') }),
      ...pkg('linked', './plux.json', { 'dist/plux.json': index('linked') }),
      ...pkg('outside', './plux.json', {}),
    });
    symlinkSync(join('dist', 'plux.json'), join(root, 'node_modules/linked/plux.json'));
    symlinkSync(join(root, 'elsewhere/plux.json'), join(root, 'node_modules/outside/plux.json'));

    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.findPlugins('ns').map((ep) => ep.name)).toEqual(['beside', 'deeper', 'linked']);
    const real = realpathSync(root);
    expect(finder.listProblems()).toEqual([
      expect.stringContaining(
        `${real}/node_modules/outside/plux.json resolves to ${real}/elsewhere/plux.json, outside the package (ignored)`,
      ),
    ]);
  });
});
