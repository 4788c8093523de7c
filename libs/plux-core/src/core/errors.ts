import { ERROR_KINDS } from './brand.js';

const PLUX_ERROR_CLASSES = new Set(['PluginException', 'PluginDisabled', 'PluginNotFound']);

/**
 * Base class of every error plux raises about a plugin.
 *
 * `name` is the class name (`"PluginDisabled"`), so the plugin's name lives in {@link PluginException.pluginName}.
 * `instanceof` works across copies of `@plux/core`: it checks a registered brand, not the prototype chain.
 *
 * @example
 * ```ts
 * throw new PluginException('cannot reach the database', 'acme.services', 'dynamodb', { cause: err });
 * ```
 */
export class PluginException extends Error {
  /** The namespace of the plugin the error is about, if known. */
  readonly namespace?: string;
  /** The name of the plugin the error is about, if known. */
  readonly pluginName?: string;

  constructor(message: string, namespace?: string, pluginName?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    if (namespace !== undefined) this.namespace = namespace;
    if (pluginName !== undefined) this.pluginName = pluginName;
    Object.defineProperty(this, ERROR_KINDS, { value: errorKinds(new.target) });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as Record<symbol, unknown>)[ERROR_KINDS];
    // Across copies, plux's own classes are recognised by name; any other subclass by its prototype chain, so two
    // unrelated user classes that share a name never pass for each other.
    if (Array.isArray(kinds) && PLUX_ERROR_CLASSES.has(this.name)) return kinds.includes(this.name);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * Raised when a plugin is not loaded on purpose: a filter matched it, its `shouldLoad()` returned false, a listener
 * disabled it, or `PLUX_DISABLED` names it. Every later `load` of that plugin raises it again.
 *
 * Message: `plugin <namespace>:<name> is disabled[, reason: <reason>]`.
 */
export class PluginDisabled extends PluginException {
  /** Why the plugin is disabled, e.g. `Load condition for plugin was false`. */
  readonly reason?: string;

  constructor(namespace: string, pluginName: string, reason?: string) {
    const message = `plugin ${namespace}:${pluginName} is disabled${reason ? `, reason: ${reason}` : ''}`;
    super(message, namespace, pluginName);
    if (reason !== undefined) this.reason = reason;
  }
}

/** Raised when a namespace has no plugin of the requested name; the message lists the names that do exist. */
export class PluginNotFound extends PluginException {}

/** Builds the standard `PluginNotFound` for `namespace:name`, listing what the namespace does hold. */
export function pluginNotFound(
  namespace: string,
  name: string,
  available: readonly string[],
  skipped?: string,
): PluginNotFound {
  const known = available.length
    ? `available: ${available.join(', ')}`
    : 'the namespace has no plugins (is the package installed, and does its plux.json list them?)';
  const why = skipped ? `; an index entry of that name was skipped: ${skipped}` : '';
  return new PluginNotFound(
    `no plugin named ${name} in namespace ${namespace}; ${known}${why}`,
    namespace,
    name,
  );
}

/** Whether `error` is a plux error of the given class name, from any copy of `@plux/core`. */
export function isPluginError(error: unknown, kind = 'PluginException'): error is PluginException {
  if (typeof error !== 'object' || error === null) return false;
  const kinds = (error as Record<symbol, unknown>)[ERROR_KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}

function errorKinds(target: abstract new (...args: never[]) => unknown): string[] {
  const kinds: string[] = [];
  for (let c: unknown = target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
    kinds.push((c as { name: string }).name);
  }
  return kinds;
}
