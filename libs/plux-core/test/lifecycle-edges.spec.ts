/**
 * Lifecycle edges found in review: a verdict reached by one path holds on the others, a factory that returns
 * something that is not a plugin, nonsense options, and identity across copies of @plux/core.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PLUGIN_SPEC } from '../src/core/brand.js';
import {
  type FunctionPlugin,
  PluginDisabled,
  PluginException,
  PluginManager,
  PluginSpec,
  plugin,
} from '../src/index.js';
import { captureLog, GoodPlugin, StaticPluginFinder } from './support/doubles.js';

const NS = 'test.edges';
let logged: ReturnType<typeof captureLog>;
beforeEach(() => {
  logged = captureLog();
});
afterEach(() => logged.restore());

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

describe('identity across copies of @plux/core', () => {
  it('instanceof PluginSpec holds for a branded spec of another copy, and not for look-alikes', () => {
    const foreign = { namespace: NS, name: 'x', factory: GoodPlugin };
    expect(foreign).not.toBeInstanceOf(PluginSpec);
    Object.defineProperty(foreign, PLUGIN_SPEC, { value: true });
    expect(foreign).toBeInstanceOf(PluginSpec);
    expect(new PluginSpec(NS, 'y', GoodPlugin)).toBeInstanceOf(PluginSpec);
  });

  it('the brand is not an own enumerable field of a spec (it stays out of the declared type)', () => {
    const spec = new PluginSpec(NS, 'y', GoodPlugin);
    expect(Object.getOwnPropertySymbols(spec)).toEqual([]);
    expect(Object.keys(spec).sort()).toEqual(['factory', 'name', 'namespace']);
  });

  it('two unrelated subclasses of PluginException that share a name are not instances of each other', () => {
    const makeError = () => class CustomError extends PluginException {};
    const A = makeError();
    const B = makeError();
    expect(new B('b')).not.toBeInstanceOf(A);
    expect(new A('a')).toBeInstanceOf(A);
    expect(new A('a')).toBeInstanceOf(PluginException);
  });

  it('function plugins keep their load condition and load function without a declared private field', async () => {
    let ready = false;
    const hello = plugin(
      { namespace: NS, shouldLoad: () => ready, load: (who: string) => `loaded for ${who}` },
      function hello() {
        return 'hi';
      },
    );
    const manager = new PluginManager<FunctionPlugin<typeof hello>>(NS, {
      finder: new StaticPluginFinder([hello.pluginSpec]),
      loadArgs: ['tests'],
    });
    ready = true;
    const loaded = await manager.load('hello');
    expect(loaded.call()).toBe('hi');
    expect(manager.getContainer('hello').loadValue).toBe('loaded for tests');
    expect(Object.keys(loaded).sort()).toEqual(['fn', 'name', 'namespace']);
  });
});
