/**
 * Lifecycle edges of the manager: a verdict reached by one path holds on the others, a factory that returns
 * something that is not a plugin, nonsense options.
 */
import { describe, expect, it } from 'vitest';

import { captureLogInEachTest, GoodPlugin, StaticPluginFinder } from '../../test/support/doubles.js';
import { PluginDisabled, PluginException, PluginManager, PluginSpec } from '../index.js';

const NS = 'test.edges';
captureLogInEachTest(); // what the manager logs stays out of the test output

describe('PluginManager verdicts', () => {
  it('a PluginDisabled from onResolveAfter seen by listPluginSpecs keeps the plugin disabled for load', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'a', GoodPlugin)]),
      listeners: {
        onResolveAfter() {
          throw new PluginDisabled(NS, 'a', 'listener disabled it');
        },
      },
    });
    expect(await manager.listPluginSpecs()).toEqual([]);
    await expect(manager.load('a')).rejects.toThrow(
      'plugin test.edges:a is disabled, reason: listener disabled it',
    );
    expect(manager.getContainer('a').isDisabled).toBe(true);
    expect(manager.getContainer('a').isLoaded).toBe(false);
  });

  it('a PluginException from onResolveAfter seen by listPluginSpecs fails every later resolve and load', async () => {
    const failure = new PluginException('resolve vetoed', NS, 'a');
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'a', GoodPlugin)]),
      listeners: {
        onResolveAfter() {
          throw failure;
        },
      },
    });
    expect(await manager.listPluginSpecs()).toEqual([]);
    expect(await manager.listPluginSpecs()).toEqual([]);
    await expect(manager.load('a')).rejects.toBe(failure);
    expect(manager.getContainer('a').resolveError).toBe(failure);
  });

  it('a factory that returns no plugin is an init error naming the plugin', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'obj', () => ({}) as never)]),
    });
    await expect(manager.load('obj')).rejects.toThrow(
      /the factory of plugin test\.edges:obj returned an object \(Object\), not a plugin/,
    );
    const container = manager.getContainer('obj');
    expect(container.initError).toBeInstanceOf(PluginException);
    expect(container.isInit).toBe(false);
    expect(container.loadError).toBeUndefined();
  });

  it('loadAll treats a concurrency that is not a positive number as 1', async () => {
    const specs = ['a', 'b', 'c'].map((n) => new PluginSpec(NS, n, GoodPlugin));
    for (const concurrency of [Number.NaN, 0, -3, 1.5]) {
      const manager = new PluginManager(NS, { finder: new StaticPluginFinder(specs) });
      expect(await manager.loadAll({ concurrency })).toHaveLength(3);
    }
  });
});
