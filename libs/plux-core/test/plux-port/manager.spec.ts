/**
 * Port of plux's tests/test_manager.py, the part that needs plugins imported from a real package: test_disable_value
 * (TestGlobalPluginFilter), since a `value` exclusion matches an entry point's `<package>:<module>#<export>` (plux
 * derives a value from the factory's Python module; a spec a finder hands over directly has none). The rest of
 * test_manager.py runs on doubles beside the manager, in src/runtime/manager.spec.ts.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { globalPluginFilter, PluginDisabled, PluginManager } from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import { DOUBLES_URL, StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

const NS = 'test.plugins.dummy';

afterAll(removeTempDirs);

describe('globalPluginFilter on entry points (plux TestGlobalPluginFilter)', () => {
  afterEach(() => {
    globalPluginFilter.exclusions.length = 0;
  });

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
