/**
 * The lifecycle rules DESIGN.md adds to plux for an async runtime: `load` is idempotent and single-flight, the
 * events come in a fixed order, and listener errors are swallowed except plux's own exceptions.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  PluginDisabled,
  PluginException,
  PluginManager,
  PluginSpec,
  type Plugin,
  type PluginLifecycleListener,
} from '../index.js';
import {
  captureLogInEachTest,
  createMockListener,
  deferred,
  DummyPlugin,
  GoodPlugin,
  StaticPluginFinder,
  ThrowsOnLoadPlugin,
} from '../../test/support/doubles.js';

const NS = 'test.lifecycle';

/** A spec of a {@link GoodPlugin} whose factory is a spy. */
function countedSpec(name = 'counted') {
  const factory = vi.fn(() => new GoodPlugin());
  return { spec: new PluginSpec(NS, name, factory), factory };
}

const logged = captureLogInEachTest();

describe('PluginManager.load', () => {
  it('is idempotent: a second load returns the same instance without calling factory or load again', async () => {
    const { spec, factory } = countedSpec();
    const manager = new PluginManager<GoodPlugin>(NS, { finder: new StaticPluginFinder([spec]) });

    const first = await manager.load('counted');
    const second = await manager.load('counted');

    expect(second).toBe(first);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(first.loadCalls).toHaveLength(1);
    expect(manager.isLoaded('counted')).toBe(true);
    expect(manager.getContainer('counted').plugin).toBe(first);
  });

  it('is single-flight: concurrent loads run the factory and load once and share the instance', async () => {
    const gate = deferred();
    const loadSpy = vi.fn(async () => {
      await gate.promise;
      return 'done';
    });
    const factory = vi.fn(() => Object.assign(new DummyPlugin(), { load: loadSpy }));
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'slow', factory)]),
    });

    const calls = [manager.load('slow'), manager.load('slow'), manager.loadAll(), manager.load('slow')];
    await vi.waitFor(() => expect(loadSpy).toHaveBeenCalled());
    expect(manager.isLoaded('slow')).toBe(false); // load has not settled yet
    gate.resolve();
    const [a, b, all, c] = await Promise.all(calls);

    expect(factory).toHaveBeenCalledTimes(1);
    expect(loadSpy).toHaveBeenCalledTimes(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(all).toEqual([a]);
    expect(manager.getContainer('slow').loadValue).toBe('done');
  });

  it('runs the lifecycle in order: resolve, init, shouldLoad, load-before, load, load-after', async () => {
    const events: string[] = [];
    class RecordingPlugin extends DummyPlugin {
      constructor() {
        super();
        events.push('factory');
      }
      override shouldLoad() {
        events.push('shouldLoad');
        return true;
      }
      override load(...args: unknown[]) {
        events.push(`load(${args.join(',')})`);
        return super.load(...args);
      }
    }
    const listener: PluginLifecycleListener = {
      onResolveAfter: () => void events.push('onResolveAfter'),
      onInitAfter: () => void events.push('onInitAfter'),
      onLoadBefore: () => void events.push('onLoadBefore'),
      onLoadAfter: () => void events.push('onLoadAfter'),
    };
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'recording', RecordingPlugin)]),
      listeners: listener,
      loadArgs: ['x', 'y'],
    });

    await manager.load('recording');

    expect(events).toEqual([
      'onResolveAfter',
      'factory',
      'onInitAfter',
      'shouldLoad',
      'onLoadBefore',
      'load(x,y)',
      'onLoadAfter',
    ]);
  });

  it('awaits an async factory, shouldLoad and load', async () => {
    class AsyncPlugin extends DummyPlugin {
      override async shouldLoad() {
        await new Promise((r) => setTimeout(r, 5));
        return true;
      }
      override async load() {
        await new Promise((r) => setTimeout(r, 5));
        return 'async result';
      }
    }
    const spec = new PluginSpec(NS, 'async', async () => new AsyncPlugin());
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([spec]) });

    const plugin = await manager.load('async');

    expect(plugin).toBeInstanceOf(AsyncPlugin);
    expect(manager.getContainer('async').loadValue).toBe('async result');
  });

  it('a plugin whose load threw rejects again on a later load', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'fails', ThrowsOnLoadPlugin)]),
    });

    await expect(manager.load('fails')).rejects.toThrow('controlled load fail');
    await expect(manager.load('fails')).rejects.toThrow('controlled load fail');
    expect(manager.isLoaded('fails')).toBe(false);
  });
});

/** The hooks that run while a plugin is being resolved, created or loaded. */
const STAGE_HOOKS = ['onResolveAfter', 'onInitAfter', 'onLoadBefore', 'onLoadAfter'] as const;

/** A listener whose `hook` throws `error` for every plugin. */
function throwingListener(hook: (typeof STAGE_HOOKS)[number], error: () => unknown): PluginLifecycleListener {
  return {
    [hook]: () => {
      throw error();
    },
  };
}

describe('PluginManager listener errors', () => {
  it.each(STAGE_HOOKS)('a plain error thrown by %s is logged and swallowed', async (hook) => {
    const { spec } = countedSpec();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([spec]),
      listeners: throwingListener(hook, () => new Error(`listener broke in ${hook}`)),
    });

    await expect(manager.load('counted')).resolves.toBeInstanceOf(GoodPlugin);

    expect(manager.isLoaded('counted')).toBe(true);
    const errors = logged.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(hook);
    expect(errors[0]?.message).toContain(`listener broke in ${hook}`);
  });

  it('a rejected promise of an async hook is logged and swallowed too', async () => {
    const { spec } = countedSpec();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([spec]),
      listeners: { onInitAfter: async () => Promise.reject(new Error('async listener broke')) },
    });

    await expect(manager.load('counted')).resolves.toBeInstanceOf(GoodPlugin);
    expect(logged.entries.map((e) => e.message).join('\n')).toContain('async listener broke');
  });

  it('after a listener throws a plain error, the next listener is still called', async () => {
    const { spec } = countedSpec();
    const second = createMockListener();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([spec]),
      listeners: [throwingListener('onLoadAfter', () => new Error('first listener broke')), second],
    });

    await manager.load('counted');
    expect(second.onLoadAfter).toHaveBeenCalledTimes(1);
  });

  it('a plain error thrown by onLoadException is swallowed and load rejects with the plugin error', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'fails', ThrowsOnLoadPlugin)]),
      listeners: {
        onLoadException: () => {
          throw new Error('listener broke');
        },
      },
    });

    await expect(manager.load('fails')).rejects.toThrow('controlled load fail');
    expect(logged.entries.map((e) => e.message).join('\n')).toContain('listener broke');
  });

  it.each(STAGE_HOOKS)(
    'a PluginDisabled thrown by %s disables the plugin with its reason, for every later load',
    async (hook) => {
      const { spec, factory } = countedSpec();
      const listener = throwingListener(hook, () => new PluginDisabled(NS, 'counted', `vetoed in ${hook}`));
      const hookSpy = vi.spyOn(listener, hook);
      const manager = new PluginManager(NS, { finder: new StaticPluginFinder([spec]), listeners: listener });

      const first = await manager.load('counted').catch((e: unknown) => e);
      expect(first).toBeInstanceOf(PluginDisabled);
      expect((first as PluginDisabled).reason).toBe(`vetoed in ${hook}`);
      const container = manager.getContainer('counted');
      expect(container.isDisabled).toBe(true);
      expect(container.disabledReason).toBe(`vetoed in ${hook}`);
      expect(container.isLoaded).toBe(false);

      const calls = { factory: factory.mock.calls.length, hook: hookSpy.mock.calls.length };
      for (let i = 0; i < 2; i++) {
        const again = await manager.load('counted').catch((e: unknown) => e);
        expect(again).toBeInstanceOf(PluginDisabled);
        expect((again as PluginDisabled).reason).toBe(`vetoed in ${hook}`);
      }
      // disabled for good: nothing is tried again
      expect(factory).toHaveBeenCalledTimes(calls.factory);
      expect(hookSpy).toHaveBeenCalledTimes(calls.hook);
      await expect(manager.loadAll()).resolves.toEqual([]);
      expect(logged.entries.filter((e) => e.level === 'error')).toEqual([]);
    },
  );

  it.each([
    ['onResolveAfter', 'resolveError', undefined],
    ['onInitAfter', 'initError', 'onInitException'],
    ['onLoadBefore', 'loadError', 'onLoadException'],
    ['onLoadAfter', 'loadError', 'onLoadException'],
  ] as const)(
    'any other PluginException thrown by %s fails that stage (%s) like the plugin’s own error',
    async (hook, errorField, exceptionHook) => {
      const { spec } = countedSpec();
      const failure = new PluginException(`refused in ${hook}`, NS, 'counted');
      const observer = createMockListener();
      const manager = new PluginManager(NS, {
        finder: new StaticPluginFinder([spec]),
        listeners: [throwingListener(hook, () => failure), observer],
      });

      await expect(manager.load('counted')).rejects.toBe(failure);

      const container = manager.getContainer('counted');
      expect(container.isLoaded).toBe(false);
      expect(container.isDisabled).toBe(false);
      expect(container[errorField]).toBe(failure);
      if (exceptionHook === 'onInitException') {
        expect(observer.onInitException).toHaveBeenCalledWith(spec, failure);
      }
      if (exceptionHook === 'onLoadException') {
        expect(observer.onLoadException).toHaveBeenCalledWith(spec, container.plugin, failure);
      }
      await expect(manager.loadAll()).resolves.toEqual([]);
    },
  );
});

describe('a listener sees the plugin instance it is told about', () => {
  it('onInitAfter and onLoadAfter get the instance load returns', async () => {
    const listener = createMockListener();
    const { spec } = countedSpec();
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([spec]), listeners: listener });

    const plugin: Plugin = await manager.load('counted');

    expect(listener.onInitAfter).toHaveBeenCalledWith(spec, plugin);
    expect(listener.onLoadAfter).toHaveBeenCalledWith(spec, plugin, undefined);
  });
});
