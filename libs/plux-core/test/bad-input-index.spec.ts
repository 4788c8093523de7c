import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { setLogSink } from '../src/core/log.js';
import { PluginNotFound } from '../src/core/errors.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import { breakWorkspace, expectedProblems } from './support/break-workspace.js';
import { copyFixture } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  setLogSink((level, message) => {
    if (level === 'warn') warnings.push(message);
  });
});
afterEach(() => {
  setLogSink();
  vi.unstubAllEnvs();
});
afterAll(removeTempDirs);

const keys = (finder: IndexPluginFinder) =>
  finder.listEntryPoints().map((ep) => `${ep.namespace}:${ep.name}`);

describe('IndexPluginFinder on bad input', () => {
  it('reports each bad package, index and entry with a message naming the package and the file', () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const problems = new IndexPluginFinder({ cwd: root, cache: false }).listProblems();
    for (const expected of expectedProblems(root)) {
      expect(
        problems.some((p) => p.includes(expected)),
        `no problem contains:\n${expected}\n\ngot:\n${problems.join('\n')}`,
      ).toBe(true);
    }
    // a dangling link is a folder that vanished (e.g. during an install): skipped without a word
    expect(problems.some((p) => p.includes('vanished'))).toBe(false);
  });

  it('still lists every good plugin, the ones beside bad entries included', () => {
    const good = copyFixture('npm-workspace');
    const expected = keys(new IndexPluginFinder({ cwd: good, cache: false }));
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(keys(finder)).toEqual(
      [
        ...expected,
        '__proto__:constructor',
        'bad.entries:constructor-throws',
        'bad.entries:good',
        'bad.entries:load-throws',
        'bad.entries:no-export',
        'constructor:__proto__',
      ].sort(),
    );
  });

  it('says why when load asks for a plugin whose index entry was skipped', async () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const manager = new PluginManager('bad.entries', {
      finder: new IndexPluginFinder({ cwd: root, cache: false }),
    });
    const error = await manager.load('no-module').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginNotFound);
    expect((error as Error).message).toMatch(
      /^no plugin named no-module in namespace bad\.entries; available: .*; an index entry of that name was skipped: @acme\/bad-entries@1\.0\.0 .*module \.\/lib\/nope\.js does not exist/,
    );
    await expect(manager.load('nothing-like-it')).rejects.toThrow(/available: [^;]*$/);
  });

  it('never lists an entry whose module leaves its package', () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    const names = finder.findPlugins('bad.entries').map((ep) => ep.name);
    for (const name of ['parent', 'absolute', 'url', 'via-symlink', 'no-module', 'bad-shape']) {
      expect(names).not.toContain(name);
    }
    for (const ep of finder.listEntryPoints()) {
      expect(ep.module.startsWith(ep.distribution!.root + '/')).toBe(true);
    }
  });

  it('treats __proto__ and constructor as plain names, without touching Object.prototype', () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const finder = new IndexPluginFinder({ cwd: root, cache: false });
    expect(finder.findPlugins('__proto__').map((ep) => [ep.name, ep.export])).toEqual([
      ['constructor', 'proto'],
    ]);
    expect(finder.findPlugins('constructor').map((ep) => [ep.name, ep.export])).toEqual([
      ['__proto__', 'ctor'],
    ]);
    expect(finder.findPlugins('toString')).toEqual([]);
    expect(finder.findPlugins('hasOwnProperty')).toEqual([]);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>)['module']).toBeUndefined();
  });

  it('survives symlink loops without hanging, and reports each problem once per process', () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const first = new IndexPluginFinder({ cwd: root, cache: false });
    expect(first.listProblems().filter((p) => p.includes('symlink loop'))).toHaveLength(4);
    const count = warnings.length;
    expect(count).toBeGreaterThanOrEqual(expectedProblems(root).length);
    // the same problems again (a refresh, another finder): nothing new is logged
    first.refresh();
    first.listEntryPoints();
    new IndexPluginFinder({ cwd: root, cache: false }).listEntryPoints();
    expect(warnings).toHaveLength(count);
  });

  it('gives the same answer through the on-disk cache', () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const debug: string[] = [];
    setLogSink((level, message) => void (level === 'debug' && debug.push(message)));
    vi.stubEnv('PLUX_LOG', 'debug');
    const cold = new IndexPluginFinder({ cwd: root, cache: true });
    expect(keys(cold)).toContain('bad.entries:good');
    const warm = new IndexPluginFinder({ cwd: root, cache: true });
    expect(keys(warm)).toEqual(keys(cold));
    expect(debug.filter((m) => /^index cache (hit|written)/.test(m)).map((m) => m.split(' (')[0])).toEqual([
      'index cache written',
      'index cache hit',
    ]);
    expect(warm.listProblems()).toEqual(cold.listProblems());
    expect(warm.findPlugins('__proto__')[0]!.distribution!.name).toBe('@acme/bad-entries');
  });
});
