import { FUNCTION_PLUGIN, hasBrand, PLUGIN_CLASS, PLUGIN_SPEC } from './brand.js';
import { PluginException } from './errors.js';

/**
 * A plugin: an object that a {@link PluginManager} creates and loads on demand.
 *
 * A subclass that sets both `static namespace` and `static pluginName` is a concrete plugin that discovery finds
 * and indexes; a subclass with only a namespace is an abstract base for the plugins of that namespace.
 *
 * @example
 * ```ts
 * export abstract class ServicePlugin extends Plugin {
 *   static override namespace = 'acme.services';
 * }
 * export class S3Plugin extends ServicePlugin {
 *   static override pluginName = 's3';
 *   override load(config: Config) { return startS3(config); }
 * }
 * ```
 */
export abstract class Plugin {
  /** The namespace the plugin belongs to; inherited by subclasses. */
  static namespace?: string;
  /** The plugin's name within its namespace. A class with both `namespace` and `pluginName` is discoverable. */
  static pluginName?: string;
  /** Free-form requirements (plux's `requirements`); plux itself does not interpret them. */
  static requirements?: string[];

  static readonly [PLUGIN_CLASS] = true;

  /**
   * `value instanceof Plugin` also holds for plugins built against another copy of `@plux/core` (their classes
   * carry the same registered brand). For subclasses, `instanceof` keeps its usual meaning.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (this !== Plugin || typeof value !== 'object' || value === null) return false;
    return hasBrand((value as { constructor?: unknown }).constructor, PLUGIN_CLASS);
  }

  /**
   * Whether the plugin should be loaded. Called after the plugin was created, before `load`; when it returns false
   * the plugin is disabled with the reason `Load condition for plugin was false`.
   */
  shouldLoad(): boolean | Promise<boolean> {
    return true;
  }

  /**
   * Loads the plugin with the manager's `loadArgs`. Its (awaited) return value becomes the container's `loadValue`.
   */
  load(...args: unknown[]): unknown {
    void args;
    return undefined;
  }
}

/** Anything a {@link PluginSpec} can create its plugin with: a `Plugin` class (constructed with `new`) or a function. */
export type PluginFactory<P extends Plugin = Plugin> = (new () => P) | (() => P | Promise<P>);

/**
 * Describes a plugin: its namespace, its name, and the factory that creates it. Exporting a `PluginSpec` from a
 * module is the most explicit way to declare a plugin.
 *
 * @example
 * ```ts
 * export const dynamodb = new PluginSpec('acme.services', 'dynamodb', () => new DynamoDbPlugin(defaultConfig));
 * ```
 */
export class PluginSpec<P extends Plugin = Plugin> {
  /** `instanceof PluginSpec` also holds for specs made by another copy of `@plux/core`. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, PLUGIN_SPEC);
  }

  /**
   * @throws TypeError when `namespace` or `name` is not a string, or `factory` is not a function.
   */
  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly factory: PluginFactory<P>,
  ) {
    if (typeof namespace !== 'string' || namespace === '') {
      throw new TypeError(`PluginSpec: namespace must be a non-empty string, got ${describe(namespace)}`);
    }
    if (typeof name !== 'string') {
      throw new TypeError(`PluginSpec(${namespace}): name must be a string, got ${describe(name)}`);
    }
    if (typeof factory !== 'function') {
      throw new TypeError(`PluginSpec(${namespace}:${name}): factory must be a function or a Plugin class`);
    }
  }

  toString(): string {
    return `PluginSpec(${this.namespace}:${this.name} = ${this.factory.name || 'anonymous'})`;
  }
}

// The brand lives on the prototype, outside the declared type, so that specs of two versions of @plux/core stay
// assignable to each other in TypeScript.
Object.defineProperty(PluginSpec.prototype, PLUGIN_SPEC, { value: true });

/** Whether `value` is a `PluginSpec` from any copy of `@plux/core`. */
export function isPluginSpec(value: unknown): value is PluginSpec {
  return hasBrand(value, PLUGIN_SPEC);
}

/** Whether `value` is a class extending `Plugin` (from any copy of `@plux/core`), abstract or concrete. */
export function isPluginClass(value: unknown): value is (abstract new () => Plugin) & typeof Plugin {
  return typeof value === 'function' && hasBrand(value, PLUGIN_CLASS);
}

/** Whether `value` is the result of `plugin()`, from any copy of `@plux/core`. */
export function isFunctionPlugin(value: unknown): value is { readonly pluginSpec: PluginSpec } {
  return typeof value === 'function' && hasBrand(value, FUNCTION_PLUGIN);
}

/**
 * Turns an exported value into a `PluginSpec`, the way both discovery and the runtime see plugins (plux's
 * `PluginSpecResolver`): a `PluginSpec` as it is, a concrete `Plugin` class as `new PluginSpec(ns, name, Class)`,
 * a `plugin()` function as its `pluginSpec`. Returns `undefined` for anything else, abstract bases included.
 *
 * @param fallbackName the name for a function plugin whose function has no name (an inline arrow): its export name.
 */
export function toPluginSpec(value: unknown, fallbackName?: string): PluginSpec | undefined {
  if (isPluginSpec(value)) return value;
  if (isFunctionPlugin(value)) {
    const spec = value.pluginSpec;
    if (spec.name === '' && fallbackName) return new PluginSpec(spec.namespace, fallbackName, spec.factory);
    return spec.name === '' ? undefined : spec;
  }
  if (isPluginClass(value)) {
    const { namespace, pluginName } = value;
    if (typeof namespace === 'string' && namespace && typeof pluginName === 'string' && pluginName) {
      return new PluginSpec(namespace, pluginName, value as unknown as new () => Plugin);
    }
  }
  return undefined;
}

/**
 * Like {@link toPluginSpec}, but raises a `PluginException` naming `source` when the value is not a plugin.
 *
 * @throws PluginException when `value` is not a `PluginSpec`, a concrete `Plugin` class or a `plugin()` function.
 */
export function resolvePluginSpec(value: unknown, options: { fallbackName?: string; source?: string } = {}) {
  const spec = toPluginSpec(value, options.fallbackName);
  if (spec) return spec;
  const where = options.source ? `${options.source}: ` : '';
  const hint = isPluginClass(value)
    ? 'a Plugin class needs both static namespace and static pluginName'
    : 'expected a PluginSpec, a Plugin class or a plugin() function';
  throw new PluginException(`${where}cannot resolve ${describe(value)} to a plugin: ${hint}`);
}

/**
 * Creates the plugin a spec describes: a `Plugin` class (or any class) with `new`, any other function called.
 * Whatever the factory returns (or its promise resolves to) is the plugin.
 */
export async function createPlugin<P extends Plugin>(spec: PluginSpec<P>): Promise<P> {
  const factory = spec.factory as unknown;
  if (isConstructor(factory)) return new factory();
  return await (factory as () => P | Promise<P>)();
}

function isConstructor(fn: unknown): fn is new () => never {
  if (typeof fn !== 'function') return false;
  if (hasBrand(fn, PLUGIN_CLASS)) return true;
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

export function describe(value: unknown): string {
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'an anonymous function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`;
  return `${typeof value} ${String(value)}`;
}
