/**
 * Port of plux's tests/test_function_plugin.py, over the port of tests/plugins/sample_plugins.py
 * (test/support/sample-plugins.ts), and function plugins beyond it. A function plugin written into a real package is
 * in test/plux-port/function-plugin.spec.ts.
 *
 * Differences from plux, where DESIGN.md wins:
 * - `plugin(options, fn)` instead of the `@plugin(...)` decorator; `shouldLoad` instead of `should_load`.
 * - the loaded plugin is a `FunctionPlugin` and, as plux's (`__call__`), callable like its function; `call(...)`
 *   does the same. It carries `namespace` and `name`, as plux's does.
 * - plux monkeypatches the module function `load_condition`; ES module exports are read-only to importers, so the
 *   sample module keeps its condition on a mutable object.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import {
  FunctionPlugin,
  Plugin,
  PluginDisabled,
  PluginManager,
  plugin,
  type EntryPoint,
  type PluginSpec,
} from '../index.js';
import { ModuleScanningPluginFinder, StaticPluginFinder } from '../../test/support/doubles.js';
import * as samplePlugins from '../../test/support/sample-plugins.js';

/** plux's `sample_plugin_finder` fixture. */
function samplePluginFinder() {
  return new ModuleScanningPluginFinder([samplePlugins]);
}

/** The brand another copy of `@plux/core` recognises a plugin instance by: its class carries it. */
function isPluginInstanceBranded(value: unknown): boolean {
  const ctor = (value as { constructor?: Record<symbol, unknown> }).constructor;
  return ctor?.[Symbol.for('plux.Plugin')] === true;
}

describe('plugin() function plugins (plux test_function_plugin.py)', () => {
  afterEach(() => {
    samplePlugins.loadConditions.loadCondition = () => false;
  });

  it('loads function plugins, which call their function (test_load_functional_plugins)', async () => {
    const manager = new PluginManager<FunctionPlugin>('namespace_3', { finder: samplePluginFinder() });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(2);
    expect(manager.listNames().sort()).toEqual(['plugin_3', 'plugin_4']);

    const plugin3 = manager.getContainer('plugin_3').plugin;
    const plugin4 = manager.getContainer('plugin_4').plugin;
    expect(plugins).toContain(plugin3);
    expect(plugins).toContain(plugin4);
    expect(plugin3).toBeInstanceOf(FunctionPlugin);

    // plux calls the plugins directly: `plugin_3() == "foobar"`
    expect(plugin3!()).toBe('foobar');
    expect(plugin4!()).toBe('another');
    expect(plugin3?.call()).toBe('foobar');
    expect(plugin4?.call()).toBe('another');
  });

  it('a loaded function plugin is callable and carries its namespace and name (FunctionPlugin.__call__)', async () => {
    const manager = new PluginManager<FunctionPlugin<() => string>>('namespace_3', {
      finder: samplePluginFinder(),
    });

    const plugin3 = await manager.load('plugin_3');
    expect(typeof plugin3).toBe('function');
    expect(plugin3()).toBe('foobar');
    expect(plugin3.namespace).toBe('namespace_3');
    expect(plugin3.name).toBe('plugin_3');
    expect(plugin3.fn()).toBe('foobar');
    expect(plugin3).toBeInstanceOf(FunctionPlugin);
    expect(plugin3).toBeInstanceOf(Plugin);
    expect(isPluginInstanceBranded(plugin3)).toBe(true);
  });

  it('disables function plugins whose load condition is false (test_load_functional_plugins_with_load_condition_false)', async () => {
    const manager = new PluginManager('namespace_4', { finder: samplePluginFinder() });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(0);

    let error = await manager.load('plugin_5').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toBe(
      'plugin namespace_4:plugin_5 is disabled, reason: Load condition for plugin was false',
    );

    error = await manager.load('plugin_6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toBe(
      'plugin namespace_4:plugin_6 is disabled, reason: Load condition for plugin was false',
    );
  });

  it('evaluates a load condition function when loading (test_load_functional_plugins_with_load_condition_patchd)', async () => {
    samplePlugins.loadConditions.loadCondition = () => true;

    const manager = new PluginManager('namespace_4', { finder: samplePluginFinder() });

    const plugins = await manager.loadAll();
    expect(plugins).toHaveLength(1);

    await expect(manager.load('plugin_5')).resolves.toBeInstanceOf(FunctionPlugin);

    const error = await manager.load('plugin_6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginDisabled);
    expect((error as Error).message).toBe(
      'plugin namespace_4:plugin_6 is disabled, reason: Load condition for plugin was false',
    );
  });
});

describe('plugin() beyond the plux tests', () => {
  it('the result stays callable like the function and carries its spec', () => {
    expect(samplePlugins.plugin3()).toBe('foobar');
    expect(samplePlugins.plugin3.pluginSpec.namespace).toBe('namespace_3');
    expect(samplePlugins.plugin3.pluginSpec.name).toBe('plugin_3');
    expect(samplePlugins.functionalPlugin.pluginSpec.name).toBe('plugin_4');
  });

  it('an async load condition is awaited', async () => {
    const lazy = plugin({ namespace: 'ns.async', shouldLoad: async () => false }, function lazy() {});
    const manager = new PluginManager('ns.async', { finder: new StaticPluginFinder([lazy.pluginSpec]) });

    await expect(manager.load('lazy')).rejects.toBeInstanceOf(PluginDisabled);
  });

  it('the load option is called with loadArgs and its result becomes the loadValue', async () => {
    const seen: unknown[][] = [];
    const withLoad = plugin(
      { namespace: 'ns.load', load: (...args: unknown[]) => (seen.push(args), 'loaded') },
      function withLoad() {},
    );
    const manager = new PluginManager('ns.load', {
      finder: new StaticPluginFinder([withLoad.pluginSpec as PluginSpec]),
      loadArgs: [1, 'two'],
    });

    await manager.load('withLoad');
    expect(seen).toEqual([[1, 'two']]);
    expect(manager.getContainer('withLoad').loadValue).toBe('loaded');
  });

  it('resolves function plugins from entry points into the sample module', async () => {
    const module = path.resolve(import.meta.dirname, '../../test/support/sample-plugins.ts');
    const entry = (name: string, exportName: string): EntryPoint => ({
      namespace: 'namespace_3',
      name,
      module,
      export: exportName,
      value: `@plux/core:./test/support/sample-plugins.ts#${exportName}`,
    });
    const manager = new PluginManager<FunctionPlugin>('namespace_3', {
      finder: new StaticPluginFinder([entry('plugin_3', 'plugin3'), entry('plugin_4', 'functionalPlugin')]),
    });

    expect((await manager.load('plugin_3')).call()).toBe('foobar');
    expect((await manager.load('plugin_4')).call()).toBe('another');
  });
});
