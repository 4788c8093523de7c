import type { EntryPoint } from './entry-point.js';
import type { Plugin, PluginSpec } from './plugin.js';

/**
 * Hooks into the lifecycle of the plugins of a {@link PluginManager}. Every hook is optional and may be async.
 *
 * A hook's error is logged and swallowed, except a `PluginException`: a `PluginDisabled` disables the plugin with
 * its reason, any other `PluginException` fails that stage of that plugin like the plugin's own error would.
 */
export interface PluginLifecycleListener {
  /** An entry point could not be imported or did not hold a plugin. */
  onResolveException?(namespace: string, entryPoint: EntryPoint, error: unknown): void | Promise<void>;
  /** A plugin's spec was resolved (its module imported), or handed over by a finder. */
  onResolveAfter?(spec: PluginSpec): void | Promise<void>;
  /** The spec's factory failed. */
  onInitException?(spec: PluginSpec, error: unknown): void | Promise<void>;
  /** The spec's factory created the plugin. */
  onInitAfter?(spec: PluginSpec, plugin: Plugin): void | Promise<void>;
  /** `load` is about to be called with these arguments. */
  onLoadBefore?(spec: PluginSpec, plugin: Plugin, loadArgs: unknown[]): void | Promise<void>;
  /** `load` returned (its promise settled) with `loadResult`. */
  onLoadAfter?(spec: PluginSpec, plugin: Plugin, loadResult: unknown): void | Promise<void>;
  /** `load` threw. */
  onLoadException?(spec: PluginSpec, plugin: Plugin, error: unknown): void | Promise<void>;
}

/** The names of the hooks of {@link PluginLifecycleListener}. */
export type LifecycleHook = keyof PluginLifecycleListener;

/**
 * A listener that forwards every hook to several listeners in order (plux's `CompositePluginLifecycleListener`).
 * Errors propagate to the manager, which applies the usual rules.
 */
export class CompositePluginLifecycleListener implements Required<PluginLifecycleListener> {
  readonly listeners: PluginLifecycleListener[];

  constructor(listeners: Iterable<PluginLifecycleListener> = []) {
    this.listeners = [...listeners];
  }

  /** Adds a listener after the others (plux's `add_listener`); it receives the hooks fired from now on. */
  addListener(listener: PluginLifecycleListener): void {
    this.listeners.push(listener);
  }

  async onResolveException(namespace: string, entryPoint: EntryPoint, error: unknown) {
    for (const l of this.listeners) await l.onResolveException?.(namespace, entryPoint, error);
  }
  async onResolveAfter(spec: PluginSpec) {
    for (const l of this.listeners) await l.onResolveAfter?.(spec);
  }
  async onInitException(spec: PluginSpec, error: unknown) {
    for (const l of this.listeners) await l.onInitException?.(spec, error);
  }
  async onInitAfter(spec: PluginSpec, plugin: Plugin) {
    for (const l of this.listeners) await l.onInitAfter?.(spec, plugin);
  }
  async onLoadBefore(spec: PluginSpec, plugin: Plugin, loadArgs: unknown[]) {
    for (const l of this.listeners) await l.onLoadBefore?.(spec, plugin, loadArgs);
  }
  async onLoadAfter(spec: PluginSpec, plugin: Plugin, loadResult: unknown) {
    for (const l of this.listeners) await l.onLoadAfter?.(spec, plugin, loadResult);
  }
  async onLoadException(spec: PluginSpec, plugin: Plugin, error: unknown) {
    for (const l of this.listeners) await l.onLoadException?.(spec, plugin, error);
  }
}
