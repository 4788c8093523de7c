/**
 * `PluginManager` on test doubles: the port of plux's tests/test_manager.py (TestPluginManager,
 * TestGlobalPluginFilter). plux's test_disable_value needs plugins imported from a real package (an entry point's
 * `value` names it): it lives in test/plux-port/filters.spec.ts.
 *
 * Differences from plux, where DESIGN.md wins:
 * - `load` and `loadAll` are async; `loadAll({ propagateExceptions })` instead of `load_all(propagate_exceptions)`.
 * - no `load_kwargs`: the manager passes `loadArgs` only, so plux's `{"foo": "bar"}` kwargs become one argument.
 * - an unknown name raises `PluginNotFound` (a `PluginException`), not `ValueError`.
 * - `PluginDisabled.name` is the class name; the plugin's name is `pluginName`.
 * - `add_exclusion(...)` / `exclusions.clear()` are `addExclusion({...})` / `exclusions.length = 0`.
 * - a `value` exclusion matches an entry point's `<package>:<module>#<export>`; a spec a finder hands over directly
 *   has no value (plux derives one from the factory's Python module).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  PluginDisabled,
  PluginException,
  PluginManager,
  PluginNotFound,
  PluginSpec,
  globalPluginFilter,
} from '../index.js';
import {
  captureLog,
  createMockListener,
  DummyPlugin,
  GoodPlugin,
  type LogEntry,
  ShouldNotLoadPlugin,
  StaticPluginFinder,
  ThrowsOnInitPlugin,
  ThrowsOnLoadPlugin,
} from '../../test/support/doubles.js';

const NS = 'test.plugins.dummy';

/** plux's `dummy_plugin_finder` fixture: five plugins of the namespace, one of another namespace. */
function dummyPluginFinder() {
  return new StaticPluginFinder([
    new PluginSpec(NS, 'shouldload', GoodPlugin),
    new PluginSpec(NS, 'shouldnotload', ShouldNotLoadPlugin),
    new PluginSpec(NS, 'load_errors', ThrowsOnLoadPlugin),
    new PluginSpec(NS, 'init_errors', ThrowsOnInitPlugin),
    new PluginSpec(NS, 'shouldalsoload', GoodPlugin),
    new PluginSpec('test.plugins.others', 'shouldload', DummyPlugin), // different namespace
  ]);
}

// loadAll logs the plugins that fail (plux logs them too): capture those lines instead of printing them among the
// test results, and fail on any other diagnostic
const EXPECTED_LOG =
  /^exception while loading plugin test\.plugins\.dummy:(load_errors: Error: controlled load fail|init_errors: Error: controlled constructor fail)$/;
let log: ReturnType<typeof captureLog>;
/** What plux reports at its default level (warn): first lines only, as the stack is shown at debug level only. */
const reported = (entries: LogEntry[]) =>
  entries.filter((e) => e.level !== 'debug').map((e) => e.message.split('\n')[0]);
beforeEach(() => {
  log = captureLog();
});
afterEach(() => {
  log.restore();
  for (const line of reported(log.entries)) expect(line).toMatch(EXPECTED_LOG);
});

/** The error `action` fails with, whether it throws or rejects. */
async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

describe('PluginManager (plux TestPluginManager)', () => {
  it('loadAll loads every plugin that can load and returns them (test_load_all)', async () => {
    const manager = new PluginManager<DummyPlugin>(NS, { finder: dummyPluginFinder() });

    for (const name of ['shouldload', 'shouldalsoload', 'shouldnotload', 'load_errors', 'init_errors']) {
      expect(manager.isLoaded(name), name).toBe(false);
    }

    const plugins = await manager.loadAll();

    expect(manager.isLoaded('shouldload')).toBe(true);
    expect(manager.isLoaded('shouldalsoload')).toBe(true);
    expect(manager.isLoaded('shouldnotload')).toBe(false);
    expect(manager.isLoaded('load_errors')).toBe(false);
    expect(manager.isLoaded('init_errors')).toBe(false);

    expect(plugins).toHaveLength(2); // shouldload and shouldalsoload
    expect(plugins[0]?.constructor).toBe(GoodPlugin);
    expect(plugins[1]?.constructor).toBe(GoodPlugin);
    expect(plugins).toEqual([
      manager.getContainer('shouldload').plugin,
      manager.getContainer('shouldalsoload').plugin,
    ]);
    expect(reported(log.entries)).toEqual([
      'exception while loading plugin test.plugins.dummy:load_errors: Error: controlled load fail',
      'exception while loading plugin test.plugins.dummy:init_errors: Error: controlled constructor fail',
    ]);
  });

  it('listNames lists the plugins of its namespace only (test_list_names)', () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });
    const names = manager.listNames();

    expect(names).toHaveLength(5);
    expect(names).toEqual(
      expect.arrayContaining(['shouldload', 'shouldnotload', 'load_errors', 'init_errors', 'shouldalsoload']),
    );
  });

  it('exists answers for the names of its namespace (test_exists)', () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    for (const name of ['shouldload', 'shouldnotload', 'load_errors', 'init_errors', 'shouldalsoload']) {
      expect(manager.exists(name), name).toBe(true);
    }
    expect(manager.exists('foobar')).toBe(false);
  });

  it('calls load once per plugin, with loadArgs, across loadAll calls (test_load_all_load_is_only_called_once)', async () => {
    const finder = new StaticPluginFinder([
      new PluginSpec(NS, 'shouldload', GoodPlugin),
      new PluginSpec(NS, 'shouldalsoload', GoodPlugin),
    ]);
    // plux passes load_kwargs={"foo": "bar"}; TypeScript has no kwargs, so the object is one of the loadArgs.
    const manager = new PluginManager<DummyPlugin>(NS, { finder, loadArgs: [{ foo: 'bar' }] });

    let plugins = await manager.loadAll();
    expect(plugins).toHaveLength(2);
    expect(plugins[0]?.loadCalls).toHaveLength(1);
    expect(plugins[1]?.loadCalls).toHaveLength(1);
    expect(plugins[0]?.loadCalls[0]).toEqual([{ foo: 'bar' }]);

    plugins = await manager.loadAll();
    expect(plugins).toHaveLength(2);
    expect(plugins[0]?.loadCalls).toHaveLength(1);
    expect(plugins[1]?.loadCalls).toHaveLength(1);
  });

  it('load of an unknown name raises PluginNotFound (test_load_on_non_existing_plugin)', async () => {
    // plux raises ValueError; DESIGN.md: PluginNotFound, whose message names the namespace.
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([]) });

    const error = await errorOf(() => manager.load('foo'));
    expect(error).toBeInstanceOf(PluginNotFound);
    expect(error).toBeInstanceOf(PluginException);
    expect((error as Error).message).toMatch(/no plugin named foo in namespace test\.plugins\.dummy/);
  });

  it('PluginNotFound names the plugins that do exist, and getContainer raises it too', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    const error = await errorOf(() => manager.load('foo'));
    expect(error).toBeInstanceOf(PluginNotFound);
    expect((error as Error).message).toContain('shouldalsoload');
    expect(() => manager.getContainer('foo')).toThrow(PluginNotFound);
    expect(() => manager.isLoaded('foo')).toThrow(PluginNotFound);
  });

  it('load of an unknown name returns a rejected promise; it does not throw synchronously', async () => {
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder([]) });

    let result: Promise<unknown> | undefined;
    expect(() => (result = manager.load('foo'))).not.toThrow();
    await expect(result).rejects.toBeInstanceOf(PluginNotFound);
  });

  it('records init and load errors on the containers (test_load_all_container_has_errors)', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    const cShouldload = manager.getContainer('shouldload');
    const cShouldnotload = manager.getContainer('shouldnotload');
    const cLoadErrors = manager.getContainer('load_errors');
    const cInitErrors = manager.getContainer('init_errors');
    const cShouldalsoload = manager.getContainer('shouldalsoload');

    await manager.loadAll();

    expect(cShouldload.initError).toBeUndefined();
    expect(cShouldnotload.initError).toBeUndefined();
    // the plugin's own error, as it was thrown (plux: `type(...) is ValueError`)
    expect((cInitErrors.initError as Error).constructor).toBe(Error);
    expect((cInitErrors.initError as Error).message).toBe('controlled constructor fail');
    expect(cLoadErrors.initError).toBeUndefined();
    expect(cShouldalsoload.initError).toBeUndefined();

    expect(cShouldload.loadError).toBeUndefined();
    expect(cShouldnotload.loadError).toBeUndefined();
    expect(cInitErrors.loadError).toBeUndefined();
    expect((cLoadErrors.loadError as Error).constructor).toBe(Error);
    expect((cLoadErrors.loadError as Error).message).toBe('controlled load fail');
    expect(cShouldalsoload.loadError).toBeUndefined();
  });

  it('loadAll({ propagateExceptions: true }) throws the plugin error (test_load_all_propagate_exception)', async () => {
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([new PluginSpec(NS, 'load_errors', ThrowsOnLoadPlugin)]),
    });

    await expect(manager.loadAll({ propagateExceptions: true })).rejects.toThrow('controlled load fail');
  });

  it('load of a plugin whose shouldLoad() is false raises PluginDisabled (test_load_disabled_plugin)', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    const error = await manager.load('shouldnotload').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as PluginDisabled).namespace).toBe(NS);
    // plux: `ex.value.name`; here `name` is the class name and the plugin's name is `pluginName`
    expect((error as PluginDisabled).pluginName).toBe('shouldnotload');
    expect((error as PluginDisabled).name).toBe('PluginDisabled');
    expect((error as PluginDisabled).reason).toBe('Load condition for plugin was false');
  });

  it('notifies its listener of each init, init error and load (test_lifecycle_listener)', async () => {
    const listener = createMockListener();
    const manager = new PluginManager(NS, { finder: dummyPluginFinder(), listeners: listener });

    await manager.loadAll();

    expect(listener.onInitAfter).toHaveBeenCalledTimes(4);
    expect(listener.onInitException).toHaveBeenCalledTimes(1);
    expect(listener.onLoadAfter).toHaveBeenCalledTimes(2);

    // as plux: the last call is shouldalsoload's, since loadAll loads one plugin at a time (concurrency 1) in the
    // finder's order, and shouldalsoload is the last of the namespace
    const container = manager.getContainer('shouldalsoload');
    expect(listener.onLoadAfter).toHaveBeenLastCalledWith(container.spec, container.plugin, undefined);
  });
});

describe('globalPluginFilter (plux TestGlobalPluginFilter)', () => {
  afterEach(() => {
    globalPluginFilter.exclusions.length = 0;
  });

  it('an exclusion by namespace glob disables the plugins of that namespace (test_disable_namespace)', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    globalPluginFilter.addExclusion({ namespace: 'test.plugins.*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(false);
    expect(manager.isLoaded('shouldalsoload')).toBe(false);
    await expect(manager.load('shouldload')).rejects.toBeInstanceOf(PluginDisabled);
  });

  it('an exclusion that does not match the namespace disables nothing (test_non_matching_namespace)', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    globalPluginFilter.addExclusion({ namespace: 'test.plugins.dummy.*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(true);
    expect(manager.isLoaded('shouldalsoload')).toBe(true);
  });

  it('an exclusion by name glob disables the plugins of that name (test_disable_name)', async () => {
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    globalPluginFilter.addExclusion({ name: '*also*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(true);
    expect(manager.isLoaded('shouldalsoload')).toBe(false);
  });

  it('a value exclusion does not match a spec handed over without an entry point', async () => {
    // DESIGN.md: `value` is an entry point's; plux would derive one from the factory's module.
    const manager = new PluginManager(NS, { finder: dummyPluginFinder() });

    globalPluginFilter.addExclusion({ value: '*' });

    await manager.loadAll();
    expect(manager.isLoaded('shouldload')).toBe(true);
  });
});
