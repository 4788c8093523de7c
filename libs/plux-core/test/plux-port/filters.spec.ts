/**
 * Disabling plugins before they are created, where the plugins come from a real package through entry points: a
 * filter handed the entry point, a `value` exclusion (plux's test_disable_value in tests/test_manager.py, where the
 * value names the factory's Python module; here it is the entry point's `<package>:<module>#<export>`, and a spec
 * a finder hands over directly has none), and a `PLUX_DISABLED` rule that keeps a module from being imported. The
 * cases on test doubles are beside the manager, in src/runtime/manager.filters.spec.ts and manager.spec.ts.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  globalPluginFilter,
  PluginDisabled,
  PluginManager,
  type PluginSpec,
  type EntryPoint,
} from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import { DOUBLES_URL, StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

const NS = 'test.filters';

afterEach(() => {
  globalPluginFilter.exclusions.length = 0;
  vi.unstubAllEnvs();
});
afterAll(removeTempDirs);

describe('plugin filters', () => {
  it('a plain function is a filter, and it is handed the entry point of a plugin that has one', async () => {
    const root = writePackage(
      {
        'plugins.js': [
          `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
          `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
          `export const kept = new PluginSpec(${JSON.stringify(NS)}, 'kept', GoodPlugin);`,
          `export const dropped = new PluginSpec(${JSON.stringify(NS)}, 'dropped', GoodPlugin);`,
        ].join('\n'),
      },
      { name: '@plux-port/filtered', version: '1.0.0', type: 'module' },
    );
    const seen: string[] = [];
    const filter = vi.fn((target: PluginSpec | EntryPoint) => {
      seen.push('value' in target ? target.value : `spec ${target.name}`);
      return target.name === 'dropped';
    });
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: NS, name: 'kept', module: './plugins.js', export: 'kept' }),
        entryPointOf(root, { namespace: NS, name: 'dropped', module: './plugins.js', export: 'dropped' }),
      ]),
      filters: [filter],
    });

    await manager.loadAll();
    expect(manager.isLoaded('kept')).toBe(true);
    expect(manager.isLoaded('dropped')).toBe(false);
    expect(seen).toEqual([
      '@plux-port/filtered:./plugins.js#kept',
      '@plux-port/filtered:./plugins.js#dropped',
    ]);
  });
});

describe('PLUX_DISABLED', () => {
  it('name globs match too, and a disabled plugin’s module is never imported', async () => {
    const marker = `plux-disabled-${Date.now()}`;
    const root = writePackage(
      {
        'legacy.js': [
          `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
          `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
          `globalThis[${JSON.stringify(marker)}] = true;`,
          `export const legacy = new PluginSpec(${JSON.stringify(NS)}, 'legacy-s3', GoodPlugin);`,
        ].join('\n'),
      },
      { name: '@plux-port/disabled', version: '1.0.0', type: 'module' },
    );
    vi.stubEnv('PLUX_DISABLED', `${NS}:legacy-*`);
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: NS, name: 'legacy-s3', module: './legacy.js', export: 'legacy' }),
      ]),
    });

    const error = await manager.load('legacy-s3').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as PluginDisabled).reason).toContain(`${NS}:legacy-*`);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});

describe('globalPluginFilter value exclusions (plux TestGlobalPluginFilter)', () => {
  it('an exclusion by value glob disables the plugins of that package (test_disable_value)', async () => {
    // plux matches "tests.test_manager:*" (the Python module of the factory). Here `value` is the entry point's
    // "<package>:<module>#<export>", so the plugins come from a real package through entry points.
    const root = writePackage(
      {
        'plugins.js': [
          `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
          `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
          `export const shouldload = new PluginSpec(${JSON.stringify(NS)}, 'shouldload', GoodPlugin);`,
          `export const shouldalsoload = new PluginSpec(${JSON.stringify(NS)}, 'shouldalsoload', GoodPlugin);`,
        ].join('\n'),
      },
      { name: '@plux-port/dummy-plugins', version: '1.0.0', type: 'module' },
    );
    const finder = new StaticPluginFinder([
      entryPointOf(root, { namespace: NS, name: 'shouldload', module: './plugins.js', export: 'shouldload' }),
      entryPointOf(root, {
        namespace: NS,
        name: 'shouldalsoload',
        module: './plugins.js',
        export: 'shouldalsoload',
      }),
    ]);
    const manager = new PluginManager(NS, { finder });

    globalPluginFilter.addExclusion({ value: '@plux-port/dummy-plugins:*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(false);
    expect(manager.isLoaded('shouldalsoload')).toBe(false);
    await expect(manager.load('shouldload')).rejects.toBeInstanceOf(PluginDisabled);
  });

  it('an exclusion by value glob of another package disables nothing', async () => {
    const root = writePackage(
      {
        'plugins.js': [
          `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
          `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
          `export const shouldload = new PluginSpec(${JSON.stringify(NS)}, 'shouldload', GoodPlugin);`,
        ].join('\n'),
      },
      { name: '@plux-port/dummy-plugins', version: '1.0.0', type: 'module' },
    );
    const finder = new StaticPluginFinder([
      entryPointOf(root, { namespace: NS, name: 'shouldload', module: './plugins.js', export: 'shouldload' }),
    ]);
    const manager = new PluginManager(NS, { finder });

    globalPluginFilter.addExclusion({ value: '@plux-port/other:*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(true);
  });
});
