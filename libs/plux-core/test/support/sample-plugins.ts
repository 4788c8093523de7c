/**
 * Port of plux's tests/plugins/sample_plugins.py: one module that declares plugins every way plux allows, next to
 * exports that are not plugins. The function-plugin tests load namespace_3 and namespace_4 from it.
 */
import { Plugin, PluginSpec, plugin } from '../../src/index.js';

/** Not discoverable: no namespace and no name. */
export abstract class AbstractSamplePlugin extends Plugin {}

/** Discoverable: a concrete class with a namespace and a name resolves to a `PluginSpec`. */
export class SimplePlugin extends AbstractSamplePlugin {
  static override namespace = 'namespace_2';
  static override pluginName = 'simple';

  invoked = false;

  override load(): void {
    this.invoked = true;
  }
}

/** A concrete stand-in for plux's `AbstractSamplePlugin` as a factory (TypeScript cannot `new` an abstract class). */
class SamplePlugin extends AbstractSamplePlugin {}

export const pluginSpec1 = new PluginSpec('namespace_1', 'plugin_1', SamplePlugin);
export const pluginSpec2 = new PluginSpec('namespace_1', 'plugin_2', SamplePlugin);

export const someMember = 'this string should not be interpreted as a plugin';

/** Discoverable through `plugin()`; its name is the function's name. */
export const plugin3 = plugin({ namespace: 'namespace_3' }, function plugin_3() {
  return 'foobar';
});

/** Discoverable through `plugin()` with an explicit name. */
export const functionalPlugin = plugin(
  { name: 'plugin_4', namespace: 'namespace_3' },
  function functionalPlugin() {
    return 'another';
  },
);

/**
 * What plugin_5's load condition asks. plux monkeypatches the module's `load_condition`; an ES module's exports
 * are read-only to its importers, so the condition lives on an object a test can change (and must restore).
 */
export const loadConditions = {
  loadCondition: (): boolean => false,
};

/** Its load condition is a function, evaluated when the manager loads it. */
export const functionalPluginWithLoadConditionFunction = plugin(
  { name: 'plugin_5', namespace: 'namespace_4', shouldLoad: () => loadConditions.loadCondition() },
  function functionalPluginWithLoadConditionFunction() {
    return 'not loading this one';
  },
);

/** Its load condition is a fixed `false`. */
export const functionalPluginWithLoadConditionBool = plugin(
  { name: 'plugin_6', namespace: 'namespace_4', shouldLoad: false },
  function functionalPluginWithLoadConditionBool() {
    return 'not loading this one either';
  },
);
