/**
 * Port of plux's tests/test_listener.py (TestListener).
 *
 * Differences from plux, where DESIGN.md wins:
 * - hooks are camelCase (`onLoadBefore`), may be async, and `onLoadBefore` gets `loadArgs` only (no kwargs).
 * - managers take `listeners` (one or an array) instead of `listener`.
 */
import { describe, expect, it } from 'vitest';
import {
  CompositePluginLifecycleListener,
  PluginDisabled,
  PluginException,
  PluginManager,
  PluginSpec,
  type PluginLifecycleListener,
} from '../index.js';
import {
  captureLog,
  createMockListener,
  GoodPlugin,
  StaticPluginFinder,
} from '../../test/support/doubles.js';

const NS = 'test.plugins.dummy';

/** plux's `dummy_plugin_finder` fixture of test_listener.py: two plugins that load. */
function dummyPluginFinder() {
  return new StaticPluginFinder([
    new PluginSpec(NS, 'plugin1', GoodPlugin),
    new PluginSpec(NS, 'plugin2', GoodPlugin),
  ]);
}

describe('PluginLifecycleListener (plux TestListener)', () => {
  it('calls each hook of a composite listener once per plugin (test_listeners_called)', async () => {
    const listener = createMockListener();
    const manager = new PluginManager(NS, {
      finder: dummyPluginFinder(),
      listeners: new CompositePluginLifecycleListener([listener]),
    });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(2);

    expect(listener.onResolveAfter).toHaveBeenCalledTimes(2);
    expect(listener.onInitException).toHaveBeenCalledTimes(0);
    expect(listener.onInitAfter).toHaveBeenCalledTimes(2);
    expect(listener.onLoadBefore).toHaveBeenCalledTimes(2);
    expect(listener.onLoadAfter).toHaveBeenCalledTimes(2);
    expect(listener.onLoadException).toHaveBeenCalledTimes(0);
  });

  it('onInitAfter can disable a plugin by throwing PluginDisabled (test_on_init_after_can_disable_plugin)', async () => {
    const disableListener: PluginLifecycleListener = {
      onInitAfter(spec) {
        if (spec.name === 'plugin2')
          throw new PluginDisabled(spec.namespace, spec.name, 'decided during init');
      },
    };
    const manager = new PluginManager(NS, { finder: dummyPluginFinder(), listeners: disableListener });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(1);

    const error = await manager.load('plugin2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toMatch(/decided during init/);
  });

  it('onLoadBefore can disable a plugin by throwing PluginDisabled (test_on_load_before_can_disable_plugin)', async () => {
    // plux's hook also receives load_kwargs; here it gets (spec, plugin, loadArgs)
    const disableListener: PluginLifecycleListener = {
      onLoadBefore(spec, _plugin, _loadArgs) {
        if (spec.name === 'plugin2')
          throw new PluginDisabled(spec.namespace, spec.name, 'decided during load');
      },
    };
    const manager = new PluginManager(NS, { finder: dummyPluginFinder(), listeners: disableListener });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(1);

    const error = await manager.load('plugin2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toMatch(/decided during load/);
  });

  it('a PluginException thrown by onLoadAfter fails the load (test_on_after_before_with_error)', async () => {
    const failingListener: PluginLifecycleListener = {
      onLoadAfter(spec, _plugin, _loadResult) {
        if (spec.name === 'plugin2') throw new PluginException('error loading plugin 2');
      },
    };
    const manager = new PluginManager(NS, { finder: dummyPluginFinder(), listeners: failingListener });

    const log = captureLog(); // loadAll reports the failed plugin: keep that line out of the test output
    const plugins = await manager.loadAll().finally(() => log.restore());
    expect(plugins).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.message.split('\n')[0])).toEqual([
      'exception while loading plugin test.plugins.dummy:plugin2: PluginException: error loading plugin 2',
    ]);

    const error = await manager.load('plugin2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginException);
    expect(error).not.toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toMatch(/error loading plugin 2/);
  });

  it('passes the manager loadArgs to onLoadBefore and the load result to onLoadAfter', async () => {
    const listener = createMockListener();
    const spec = new PluginSpec(NS, 'answers', () => {
      const plugin = new GoodPlugin();
      plugin.load = (...args: unknown[]) => ({ answer: 42, args });
      return plugin;
    });
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([spec]),
      listeners: [listener],
      loadArgs: ['a', 1],
    });

    const plugin = await manager.load('answers');

    expect(listener.onLoadBefore).toHaveBeenCalledWith(spec, plugin, ['a', 1]);
    expect(listener.onLoadAfter).toHaveBeenCalledWith(spec, plugin, { answer: 42, args: ['a', 1] });
    expect(manager.getContainer('answers').loadValue).toEqual({ answer: 42, args: ['a', 1] });
  });

  it('addListener adds a listener that sees later loads', async () => {
    const listener = createMockListener();
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    await manager.load('plugin1');
    manager.addListener(listener);
    await manager.load('plugin2');

    expect(listener.onLoadAfter).toHaveBeenCalledTimes(1);
    expect(listener.onLoadAfter.mock.calls[0]?.[0]?.name).toBe('plugin2');
  });
});
