import type { PluginContainer } from './container.js';

/**
 * Where one plugin of a `PluginManager` stands, worked out from its container:
 * - `found`: listed by an index, not imported yet;
 * - `resolved`: its module was imported and its export turned into a spec (maybe also created), not loaded;
 * - `loaded`: its `load` returned;
 * - `disabled`: a filter, `shouldLoad()`, a listener or `PLUX_DISABLED` disabled it, with plux's reason (when any);
 * - `failed`: a step threw: `resolve` (the import, or the export is not a plugin), `init` (the factory) or `load`,
 *   with the error as thrown.
 */
export type PluginState =
  | { state: 'found' | 'resolved' | 'loaded' }
  | { state: 'disabled'; reason: string | undefined }
  | { state: 'failed'; stage: 'resolve' | 'init' | 'load'; error: unknown };

/**
 * The state of the plugin `container` holds (see {@link PluginState}). The states exclude each other: a plugin is
 * disabled or fails before it loads, and the first step that failed is the one reported.
 *
 * @example
 * ```ts
 * const state = pluginState(manager.getContainer('s3'));
 * if (state.state === 'failed') console.error(`s3 failed in ${state.stage}:`, state.error);
 * ```
 */
export function pluginState(container: PluginContainer): PluginState {
  if (container.isDisabled) return { state: 'disabled', reason: container.disabledReason };
  if (container.resolveError !== undefined)
    return { state: 'failed', stage: 'resolve', error: container.resolveError };
  if (container.initError !== undefined)
    return { state: 'failed', stage: 'init', error: container.initError };
  if (container.loadError !== undefined)
    return { state: 'failed', stage: 'load', error: container.loadError };
  if (container.isLoaded) return { state: 'loaded' };
  return { state: container.isResolved && container.spec !== undefined ? 'resolved' : 'found' };
}
