import { FUNCTION_PLUGIN, hasBrand, PLUGIN_CLASS, PLUGIN_SPEC } from './brand.js';
import { PluginException } from './errors.js';

/**
 * A plugin: an object that a {@link PluginManager} creates and loads on demand.
 *
 * A subclass that sets both `static namespace` and `static pluginName` is a concrete plugin that discovery finds
 * and indexes; a subclass with only a namespace is an abstract base for the plugins of that namespace. A base may
 * narrow `load`'s parameters: the base and the managers of its namespace agree on the `loadArgs` (plux's informal
 * contract between a plugin and its manager).
 *
 * Keep the module that defines a plugin light, and import what the plugin needs inside `load()`: a manager imports
 * the plugin's module to create it, and every module that module imports statically is loaded with it, even when
 * the plugin turns out disabled. `shouldLoad()` runs after the module was imported and the plugin created, so it
 * cannot save that import; it decides whether `load()` runs.
 *
 * @example
 * ```ts
 * export abstract class ServicePlugin extends Plugin {
 *   static override namespace = 'acme.services';
 *   abstract override load(config: Config): Promise<Service>;
 * }
 * export class S3Plugin extends ServicePlugin {
 *   static override pluginName = 's3';
 *   override shouldLoad() {
 *     return process.env['S3_DISABLED'] !== '1';
 *   }
 *   override async load(config: Config) {
 *     // the heavy code is imported only when the plugin loads, not when its module is imported
 *     const { startS3 } = await import('./s3/server.js');
 *     return startS3(config);
 *   }
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
    if (this !== Plugin || (typeof value !== 'object' && typeof value !== 'function') || value === null)
      return false;
    return hasBrand((value as { constructor?: unknown }).constructor, PLUGIN_CLASS);
  }

  /**
   * Whether the plugin should be loaded. Called after its module was imported and the plugin created, before
   * `load`; when it returns false the plugin is disabled with the reason `Load condition for plugin was false`.
   * Keep it cheap, and keep what only `load` needs out of the module's static imports.
   */
  shouldLoad(): boolean | Promise<boolean> {
    return true;
  }

  /**
   * Loads the plugin with the manager's `loadArgs`. Its (awaited) return value becomes the container's `loadValue`.
   * The place for heavy imports: `const { start } = await import('./server.js')`.
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
      throw new TypeError(
        `PluginSpec: namespace must be a non-empty string, got ${describeValue(namespace)}`,
      );
    }
    if (typeof name !== 'string') {
      throw new TypeError(`PluginSpec(${namespace}): name must be a string, got ${describeValue(name)}`);
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
 * The factories of `plugin()` specs, each able to make its plugin under another name: a function plugin named after
 * its export (an inline arrow has no name of its own) carries that name. Filled by `function-plugin.ts`.
 *
 * @internal
 */
export const renamableFactories = new WeakMap<object, (name: string) => Plugin>();

/** What a {@link PluginSpecResolver} knows about where a value comes from. */
export interface PluginSpecResolveContext {
  /**
   * The name for a function plugin whose function has no name (an inline arrow): the name of its export, or of
   * its index entry.
   */
  fallbackName?: string;
  /** Where the value comes from, for the error message (`./dist/s3.js#s3`). */
  source?: string;
}

/**
 * Turns a module's export into a {@link PluginSpec} (plux's `PluginSpecResolver`): a `PluginSpec` as it is, a
 * concrete `Plugin` class as `new PluginSpec(ns, name, Class)`, a `plugin()` function as its `pluginSpec`. Discovery
 * and the {@link PluginManager} both see plugins through it.
 *
 * A host that accepts its own plugin shapes subclasses it and hands it to its managers (`specResolver`) and to
 * discovery (`discoverPlugins({ specResolver })`), so the indexes and the runtime agree on what a plugin is.
 *
 * @example
 * ```ts
 * class RouteResolver extends PluginSpecResolver {
 *   override resolve(source: unknown, context?: PluginSpecResolveContext): PluginSpec {
 *     if (isRoute(source)) return new PluginSpec('acme.routes', source.path, () => new RoutePlugin(source));
 *     return super.resolve(source, context);
 *   }
 * }
 * new PluginManager('acme.routes', { specResolver: new RouteResolver() });
 * ```
 */
export class PluginSpecResolver {
  /**
   * The spec of `source`.
   *
   * @throws PluginException when `source` is not a `PluginSpec`, a concrete `Plugin` class or a `plugin()` function.
   */
  resolve(source: unknown, context: PluginSpecResolveContext = {}): PluginSpec {
    const spec = toPluginSpec(source, context.fallbackName);
    if (spec) return spec;
    const where = context.source ? `${context.source}: ` : '';
    const hint = isPluginClass(source)
      ? 'a Plugin class needs both static namespace and static pluginName'
      : 'expected a PluginSpec, a Plugin class or a plugin() function';
    throw new PluginException(`${where}cannot resolve ${describeValue(source)} to a plugin: ${hint}`);
  }
}

/**
 * What the default {@link PluginSpecResolver} makes of `value`, or `undefined` when it is not a plugin (abstract
 * bases included).
 *
 * @param fallbackName the name for a function plugin whose function has no name (an inline arrow): its export name.
 */
export function toPluginSpec(value: unknown, fallbackName?: string): PluginSpec | undefined {
  if (isPluginSpec(value)) return value;
  if (isFunctionPlugin(value)) {
    const spec = value.pluginSpec;
    if (spec.name === '' && fallbackName) {
      const create = renamableFactories.get(spec.factory);
      return new PluginSpec(spec.namespace, fallbackName, create ? () => create(fallbackName) : spec.factory);
    }
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
export function resolvePluginSpec(value: unknown, options: PluginSpecResolveContext = {}): PluginSpec {
  return defaultSpecResolver.resolve(value, options);
}

/** The resolver of managers and discovery that are given none. */
export const defaultSpecResolver = new PluginSpecResolver();

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

/** A value as an error message names it: `function S3`, `"text"`, `an object (Map)`, `number 42`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'an anonymous function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`;
  return `${typeof value} ${String(value)}`;
}
