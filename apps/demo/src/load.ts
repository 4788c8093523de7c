import {
  PluginDisabled,
  pluginState,
  type Plugin,
  type PluginContainer,
  type PluginManager,
} from '@plux/core';

import type { PluginReport } from './report.js';

/** The state minicloud shows for a plugin: loaded, disabled (with the reason), failed (with the error). */
export type PluginState = 'loaded' | 'disabled' | 'failed' | 'available';

/**
 * Loads the named plugins one after another, in order. A plugin that is disabled or fails does not stop the others:
 * its container keeps the error, the report's listener has logged it, and disabled plugins are recorded in the
 * report with `explain`'s detail added to plux's reason.
 *
 * @returns the plugins that loaded, by name.
 */
export async function loadPlugins<P extends Plugin>(
  manager: PluginManager<P>,
  names: readonly string[],
  options: { report: PluginReport; explain?: (name: string, reason: string) => string },
): Promise<Map<string, P>> {
  const loaded = new Map<string, P>();
  for (const name of names) {
    try {
      loaded.set(name, await manager.load(name));
    } catch (error) {
      if (error instanceof PluginDisabled) {
        const reason = error.reason ?? 'disabled';
        options.report.disabled(manager.namespace, name, options.explain?.(name, reason) ?? reason);
      }
      // any other error was recorded on the container and reported to the listener by the manager
    }
  }
  return loaded;
}

/**
 * A container's state, in minicloud's words, and, for a disabled or failed plugin, why. plux works the state out
 * (`pluginState`); a plugin found or resolved but not loaded is `available`.
 */
export function stateOf(container: PluginContainer): { state: PluginState; reason?: string } {
  const state = pluginState(container);
  switch (state.state) {
    case 'loaded':
      return { state: 'loaded' };
    case 'disabled':
      return { state: 'disabled', reason: state.reason ?? 'disabled' };
    case 'failed':
      return {
        state: 'failed',
        reason: state.error instanceof Error ? state.error.message : String(state.error),
      };
    default:
      return { state: 'available' };
  }
}
