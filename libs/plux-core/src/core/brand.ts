/**
 * Brands that identify plux objects across copies of `@plux/core`.
 *
 * Two versions of `@plux/core` can sit side by side in one `node_modules` tree; a plugin built against one must be
 * recognised by the manager of the other, so identity is a registered symbol (`Symbol.for`), never `instanceof`
 * alone.
 */

/** Static brand on the `Plugin` base class; subclasses inherit it through the constructor prototype chain. */
export const PLUGIN_CLASS = Symbol.for('plux.Plugin');
/** Brand on every `PluginSpec` instance. */
export const PLUGIN_SPEC = Symbol.for('plux.PluginSpec');
/** Brand on the callable that `plugin()` returns. */
export const FUNCTION_PLUGIN = Symbol.for('plux.FunctionPlugin');
/** Brand on plux errors: the names of the error classes in the instance's class chain. */
export const ERROR_KINDS = Symbol.for('plux.PluginException.kinds');

export function hasBrand(value: unknown, brand: symbol): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return (value as Record<symbol, unknown>)[brand] === true;
}
