/**
 * Port of plux's tests/test_metadata.py: resolve the distribution (the package) a plugin comes from.
 *
 * plux fakes a spec whose factory is `pytest.fixture` and expects the `pytest` distribution with license MIT,
 * found through the factory's Python module. A JavaScript function does not know its module, so (DESIGN.md)
 * `resolveDistribution` takes a file path or URL, or a spec the runtime resolved from an entry point; the package is
 * a real one written to a temp folder instead of an installed third-party package.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PluginManager, resolveDistribution, type EntryPoint } from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import { DOUBLES_URL, StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs, writeFiles } from '../support/temp.js';

const NS = 'test.metadata';

// `main: undefined`: writePackage's default `main` is left out, so the package.json is exactly this
const FAKE_DIST = {
  name: '@plux-port/fake-dist',
  version: '3.1.4',
  license: 'MIT',
  type: 'module',
  main: undefined,
};

/** A module that exports one plugin spec, `fixture`, named `name`. */
function specModule(name: string): string {
  return [
    `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
    `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
    `export const fixture = new PluginSpec(${JSON.stringify(NS)}, ${JSON.stringify(name)}, GoodPlugin);`,
  ].join('\n');
}

afterEach(() => vi.unstubAllEnvs());
afterAll(removeTempDirs);

describe('resolveDistribution (plux test_metadata.py)', () => {
  it('resolves the package of a plugin spec (test_resolve_distribution_information)', async () => {
    const root = writePackage({ 'dist/index.js': specModule('bar') }, FAKE_DIST);
    const module = path.join(root, 'dist/index.js');
    // an entry point as the index finder builds it: with the distribution of its module
    const entryPoint: EntryPoint = {
      ...entryPointOf(root, { namespace: NS, name: 'bar', module: './dist/index.js', export: 'fixture' }),
      distribution: resolveDistribution(module)!,
    };
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([entryPoint]) });
    await manager.load('bar');
    const container = manager.getContainer('bar');

    const dist = resolveDistribution(container.spec!);

    expect(dist?.name).toBe('@plux-port/fake-dist');
    expect(dist?.packageJson['license']).toBe('MIT');
    expect(container.distribution?.name).toBe('@plux-port/fake-dist');
    expect(container.distribution?.version).toBe('3.1.4');
  });

  it('resolves the package of a module file, by path and by file URL', () => {
    const root = writePackage({ 'dist/index.js': 'export {};' }, FAKE_DIST);
    const module = path.join(root, 'dist/index.js');

    const byPath = resolveDistribution(module);
    expect(byPath).toEqual({
      name: '@plux-port/fake-dist',
      version: '3.1.4',
      root,
      packageJson: FAKE_DIST,
      workspace: expect.any(Boolean),
    });
    expect(resolveDistribution(pathToFileURL(module).href)).toEqual(byPath);
  });

  it('takes the nearest package.json that names a package, not a nested {"type"} marker', () => {
    const root = writePackage(
      {
        'dist/package.json': { type: 'module' },
        'dist/sub/deep.js': 'export {};',
      },
      FAKE_DIST,
    );

    const dist = resolveDistribution(path.join(root, 'dist/sub/deep.js'));

    expect(dist?.name).toBe('@plux-port/fake-dist');
    expect(dist?.root).toBe(root);
  });

  it('a package installed in node_modules is not a workspace package', () => {
    const root = writePackage(
      {
        'node_modules/@plux-port/installed/package.json': { ...FAKE_DIST, name: '@plux-port/installed' },
        'node_modules/@plux-port/installed/index.js': 'export {};',
      },
      { name: 'host', version: '1.0.0' },
    );

    const dist = resolveDistribution(path.join(root, 'node_modules/@plux-port/installed/index.js'));

    expect(dist?.name).toBe('@plux-port/installed');
    expect(dist?.root).toBe(path.join(root, 'node_modules/@plux-port/installed'));
    expect(dist?.workspace).toBe(false);
  });

  it('a package without a version is version 0.0.0', () => {
    const root = writePackage({ 'index.js': 'export {};' }, { name: 'unversioned', version: undefined });

    expect(resolveDistribution(path.join(root, 'index.js'))?.version).toBe('0.0.0');
  });

  it('a file outside any package has no distribution', () => {
    const root = writePackage({}, FAKE_DIST);
    fs.rmSync(path.join(root, 'package.json'));
    writeFiles(root, { 'loose.js': 'export {};' });

    expect(resolveDistribution(path.join(root, 'loose.js'))).toBeUndefined();
  });

  it('the default finder gives each container the distribution of its workspace package', async () => {
    vi.stubEnv('PLUX_NO_CACHE', '1');
    const root = writePackage(
      {
        // an npm workspace as `npm install` leaves it (@manypkg/get-packages tells npm by its lock file)
        'package-lock.json': { name: 'metadata-workspace', lockfileVersion: 3, requires: true, packages: {} },
        'packages/fake-dist/package.json': { ...FAKE_DIST, plux: './plux.json' },
        'packages/fake-dist/plux.json': {
          formatVersion: 1,
          plugins: { [NS]: { bar: { module: './dist/index.js', export: 'fixture' } } },
        },
        'packages/fake-dist/dist/index.js': specModule('bar'),
      },
      { name: 'metadata-workspace', private: true, workspaces: ['packages/*'] },
    );
    const manager = new PluginManager(NS, { cwd: root });

    expect(manager.listNames()).toEqual(['bar']);
    const container = manager.getContainer('bar');
    expect(container.distribution).toMatchObject({
      name: '@plux-port/fake-dist',
      version: '3.1.4',
      root: path.join(root, 'packages/fake-dist'),
      workspace: true,
    });
    expect(container.distribution?.packageJson['license']).toBe('MIT');

    await manager.load('bar');
    expect(resolveDistribution(container.spec!)?.name).toBe('@plux-port/fake-dist');
  });
});
