/**
 * plux: find the plugins of a namespace at run time without importing them, and load each one only when asked.
 *
 * @packageDocumentation
 */
export {
  Plugin,
  PluginSpec,
  type PluginFactory,
  isPluginSpec,
  isPluginClass,
  isFunctionPlugin,
  PluginSpecResolver,
  type PluginSpecResolveContext,
} from './core/plugin.js';
export {
  plugin,
  FunctionPlugin,
  type FunctionPluginOptions,
  type FunctionPluginInit,
} from './core/function-plugin.js';
export type {
  PluginRegistry,
  RegisteredNamespace,
  NamespaceArgument,
  PluginName,
  RegisteredPlugin,
  NamespacePlugin,
  InferPlugin,
} from './core/registry.js';
export { PluginException, PluginDisabled, PluginNotFound } from './core/errors.js';
export { type PluginLifecycleListener, CompositePluginLifecycleListener } from './core/listener.js';
export type { EntryPoint, Distribution, PluginFinder } from './core/entry-point.js';
export type { PluxIndex, PluxIndexEntry } from './core/plux-index.js';
export {
  PluginManager,
  type PluginManagerOptions,
  type LoadAllOptions,
  type PluginContainer,
} from './runtime/manager.js';
export { pluginState, type PluginState } from './runtime/plugin-state.js';
export {
  type PluginFilter,
  type PluginMatcher,
  type MatchingPluginFilter,
  createMatchingPluginFilter,
  globalPluginFilter,
} from './runtime/filter.js';
export { resolveDistribution } from './runtime/metadata.js';
export { IndexPluginFinder, type IndexPluginFinderOptions } from './runtime/finder.js';
export { version } from './version.js';
