/**
 * `loadAll` as DESIGN.md states it: the plugins that loaded, in a stable order; failures isolated and logged, or
 * the first error thrown with `propagateExceptions`; `concurrency` bounds how many load at once.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager, PluginSpec } from '../index.js';
import {
  captureLogInEachTest,
  DummyPlugin,
  GoodPlugin,
  ShouldNotLoadPlugin,
  StaticPluginFinder,
  ThrowsOnInitPlugin,
  ThrowsOnLoadPlugin,
} from '../../test/support/doubles.js';

const NS = 'test.load-all';

/** Plugins whose `load` takes `delays[i]` ms and that count how many are loading at the same time. */
function delayedPlugins(delays: number[]) {
  const inFlight = { now: 0, max: 0 };
  const finishOrder: string[] = [];
  const specs = delays.map(
    (delay, i) =>
      new PluginSpec(NS, `p${i}`, () => {
        const plugin = new DummyPlugin();
        plugin.load = async () => {
          inFlight.now++;
          inFlight.max = Math.max(inFlight.max, inFlight.now);
          await new Promise((r) => setTimeout(r, delay));
          inFlight.now--;
          finishOrder.push(`p${i}`);
        };
        return plugin;
      }),
  );
  return { finder: new StaticPluginFinder(specs), inFlight, finishOrder };
}

const logged = captureLogInEachTest();

describe('PluginManager.loadAll', () => {
  it('returns the loaded plugins in listing order, whatever order they finish in', async () => {
    const { finder, finishOrder } = delayedPlugins([40, 5, 25, 1]);
    const manager = new PluginManager(NS, { finder });

    const plugins = await manager.loadAll({ concurrency: 4 });

    expect(finishOrder).not.toEqual(['p0', 'p1', 'p2', 'p3']); // they did finish out of order
    expect(plugins).toEqual(['p0', 'p1', 'p2', 'p3'].map((name) => manager.getContainer(name).plugin));
    expect(manager.listContainers().map((c) => c.name)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('loads at most `concurrency` plugins at a time', async () => {
    const one = delayedPlugins([5, 5, 5, 5]);
    await new PluginManager(NS, { finder: one.finder }).loadAll({ concurrency: 1 });
    expect(one.inFlight.max).toBe(1);

    const two = delayedPlugins([5, 5, 5, 5, 5]);
    await new PluginManager(NS, { finder: two.finder }).loadAll({ concurrency: 2 });
    expect(two.inFlight.max).toBe(2);
  });

  it('isolates failures: the others load, and each failure is logged naming the plugin and its error', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        new PluginSpec(NS, 'init_errors', ThrowsOnInitPlugin),
        new PluginSpec(NS, 'good', GoodPlugin),
        new PluginSpec(NS, 'load_errors', ThrowsOnLoadPlugin),
        new PluginSpec(NS, 'shouldnotload', ShouldNotLoadPlugin),
        new PluginSpec(NS, 'alsogood', GoodPlugin),
      ]),
    });

    const plugins = await manager.loadAll();

    expect(plugins).toEqual([manager.getContainer('good').plugin, manager.getContainer('alsogood').plugin]);
    const errors = logged.entries.filter((e) => e.level === 'error').map((e) => e.message);
    expect(errors).toHaveLength(2);
    expect(errors.find((m) => m.includes(`${NS}:init_errors`))).toContain('controlled constructor fail');
    expect(errors.find((m) => m.includes(`${NS}:load_errors`))).toContain('controlled load fail');
    // a disabled plugin is not an error (plux logs it at debug)
    expect(errors.some((m) => m.includes('shouldnotload'))).toBe(false);
  });

  it('with propagateExceptions, throws the first error (first listed and first to happen)', async () => {
    const slowFailure = new PluginSpec(NS, 'slow_failure', () => {
      const plugin = new DummyPlugin();
      plugin.load = async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('second failure');
      };
      return plugin;
    });
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        new PluginSpec(NS, 'good', GoodPlugin),
        new PluginSpec(NS, 'load_errors', ThrowsOnLoadPlugin),
        slowFailure,
      ]),
    });

    await expect(manager.loadAll({ propagateExceptions: true, concurrency: 3 })).rejects.toThrow(
      'controlled load fail',
    );
  });

  it('with propagateExceptions, a disabled plugin is skipped, not thrown', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        new PluginSpec(NS, 'shouldnotload', ShouldNotLoadPlugin),
        new PluginSpec(NS, 'good', GoodPlugin),
      ]),
    });

    const plugins = await manager.loadAll({ propagateExceptions: true });
    expect(plugins).toEqual([manager.getContainer('good').plugin]);
  });

  it('an empty namespace loads nothing', async () => {
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([]) });
    await expect(manager.loadAll()).resolves.toEqual([]);
  });
});
