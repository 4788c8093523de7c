/**
 * Disabling plugins before they are created, on test doubles: `globalPluginFilter`, a manager's own `filters`
 * (which replace the default), and the `PLUX_DISABLED` environment variable. The cases that need a plugin's entry
 * point or module (a filter handed the entry point, a module never imported) are in test/plux-port/filters.spec.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createMockListener, GoodPlugin, StaticPluginFinder } from '../../test/support/doubles.js';
import {
  createMatchingPluginFilter,
  globalPluginFilter,
  PluginDisabled,
  PluginManager,
  PluginSpec,
} from '../index.js';

const NS = 'test.filters';

function countedFinder(...names: string[]) {
  const factory = vi.fn(() => new GoodPlugin());
  return { finder: new StaticPluginFinder(names.map((n) => new PluginSpec(NS, n, factory))), factory };
}

afterEach(() => {
  globalPluginFilter.exclusions.length = 0;
  vi.unstubAllEnvs();
});

describe('plugin filters', () => {
  it('a filtered plugin is disabled before its factory runs, with plux’s reason', async () => {
    const { finder, factory } = countedFinder('filtered');
    const listener = createMockListener();
    globalPluginFilter.addExclusion({ name: 'filtered' });
    const manager = new PluginManager(NS, { finder, listeners: listener });

    const error = await manager.load('filtered').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as PluginDisabled).reason).toBe(
      'A plugin filter disabled this plugin before it was initialized',
    );
    expect(factory).not.toHaveBeenCalled();
    expect(listener.onInitAfter).not.toHaveBeenCalled();
    expect(manager.getContainer('filtered').isDisabled).toBe(true);
    expect(manager.listNames()).toEqual(['filtered']); // still listed
  });

  it('a namespace and a name in one exclusion must both match', async () => {
    const { finder } = countedFinder('alpha', 'beta');
    globalPluginFilter.addExclusion({ namespace: NS, name: 'alpha' });
    globalPluginFilter.addExclusion({ namespace: 'other.ns', name: 'beta' });
    const manager = new PluginManager(NS, { finder });

    await manager.loadAll();
    expect(manager.isLoaded('alpha')).toBe(false);
    expect(manager.isLoaded('beta')).toBe(true);
  });

  it('a manager’s own filters replace globalPluginFilter', async () => {
    const { finder } = countedFinder('global-excluded', 'own-excluded');
    globalPluginFilter.addExclusion({ name: 'global-excluded' });
    const own = createMatchingPluginFilter();
    own.addExclusion({ name: 'own-*' });
    const manager = new PluginManager(NS, { finder, filters: [own] });

    await manager.loadAll();
    expect(manager.isLoaded('global-excluded')).toBe(true);
    expect(manager.isLoaded('own-excluded')).toBe(false);
  });
});

describe('PLUX_DISABLED', () => {
  it('disables "ns:name" and "ns:*" rules with a reason that names the rule; the plugins stay listed', async () => {
    vi.stubEnv('PLUX_DISABLED', `${NS}:one, other.ns:*`);
    const { finder, factory } = countedFinder('one', 'two');
    const other = new PluginManager('other.ns', {
      finder: new StaticPluginFinder([new PluginSpec('other.ns', 'anything', GoodPlugin)]),
    });
    const manager = new PluginManager(NS, { finder });

    const one = await manager.load('one').catch((e: unknown) => e);
    expect(one).toBeInstanceOf(PluginDisabled);
    expect((one as PluginDisabled).reason).toContain(`${NS}:one`);
    expect((one as PluginDisabled).reason).toContain('PLUX_DISABLED');
    await expect(manager.load('two')).resolves.toBeInstanceOf(GoodPlugin);
    expect(factory).toHaveBeenCalledTimes(1); // only "two" was created

    const anything = await other.load('anything').catch((e: unknown) => e);
    expect(anything).toBeInstanceOf(PluginDisabled);
    expect((anything as PluginDisabled).reason).toContain('other.ns:*');

    expect(manager.listNames()).toEqual(['one', 'two']);
    expect(other.listNames()).toEqual(['anything']);
    await expect(manager.load('one')).rejects.toBeInstanceOf(PluginDisabled); // every later load too
  });

  it('a rule that is not a valid glob is ignored and the other rules still apply', async () => {
    vi.stubEnv('PLUX_DISABLED', `[z-a], ${NS}:one`);
    const { finder } = countedFinder('one', 'two');
    const manager = new PluginManager(NS, { finder });

    await expect(manager.load('two')).resolves.toBeInstanceOf(GoodPlugin);
    const one = await manager.load('one').catch((e: unknown) => e);
    expect(one).toBeInstanceOf(PluginDisabled);
    expect((one as PluginDisabled).reason).toBe(`PLUX_DISABLED rule "${NS}:one" matched`);
  });
});
