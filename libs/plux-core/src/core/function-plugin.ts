import { FUNCTION_PLUGIN } from './brand.js';
import { Plugin, PluginSpec, renamableFactories } from './plugin.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => any;

const conditions = new WeakMap<object, Pick<FunctionPluginOptions, 'shouldLoad' | 'load'>>();

/** Options of {@link plugin}. */
export interface FunctionPluginOptions {
  /** The namespace of the plugin. */
  namespace: string;
  /** The plugin's name; defaults to the function's name, else to the name it is exported under. */
  name?: string;
  /** A fixed answer to `shouldLoad()`, or a function that decides (may be async). Default: true. */
  shouldLoad?: boolean | (() => boolean | Promise<boolean>);
  /** Called by `load(...loadArgs)`; its result becomes the container's `loadValue`. Default: nothing. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load?: (...args: any[]) => unknown;
}

/** What a {@link FunctionPlugin} is created with, besides its function. */
export interface FunctionPluginInit extends Pick<FunctionPluginOptions, 'shouldLoad' | 'load'> {
  /** The plugin's namespace; default `''`. */
  namespace?: string;
  /** The plugin's name; default: the function's name. */
  name?: string;
}

/**
 * The plugin that wraps a function made a plugin with {@link plugin} (plux's `FunctionPlugin`). It is callable like
 * the function (plux's `__call__`): `(await manager.load('hello'))('world')`; `call(...)` does the same.
 *
 * @example
 * ```ts
 * const hello = await new PluginManager<FunctionPlugin<(who: string) => string>>('acme.cli').load('hello');
 * hello('world');                          // calls the function
 * hello.namespace; hello.name;             // 'acme.cli', 'hello'
 * ```
 */
// The interface below adds the call signature the constructor gives every instance (a class cannot declare it).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FunctionPlugin<F extends AnyFunction = AnyFunction> extends Plugin {
  /** The wrapped function. */
  declare readonly fn: F;
  /** The plugin's namespace. */
  declare readonly namespace: string;
  /** The plugin's name (also the callable's `name`). */
  declare readonly name: string;

  constructor(fn: F, init: FunctionPluginInit = {}) {
    super();
    // The instance is a function whose prototype chain is this class's, so it is callable and still an
    // `instanceof Plugin` with the brand (plux's FunctionPlugin defines __call__; JavaScript needs a function).
    const self = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
      return fn.apply(this, args) as ReturnType<F>;
    };
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperties(self, {
      fn: { value: fn, enumerable: true },
      namespace: { value: init.namespace ?? '', enumerable: true },
      name: { value: init.name ?? fn.name, enumerable: true, configurable: true },
      length: { value: fn.length, configurable: true },
    });
    // Kept out of the declared type (no private field) so two versions of @plux/core stay assignable.
    conditions.set(self, { shouldLoad: init.shouldLoad, load: init.load });
    return self as unknown as FunctionPlugin<F>;
  }

  /** Calls the wrapped function. */
  call(...args: Parameters<F>): ReturnType<F> {
    return this.fn(...args) as ReturnType<F>;
  }

  override shouldLoad(): boolean | Promise<boolean> {
    const { shouldLoad } = conditions.get(this) ?? {};
    if (shouldLoad === undefined) return true;
    return typeof shouldLoad === 'function' ? shouldLoad() : shouldLoad;
  }

  override load(...args: unknown[]): unknown {
    return conditions.get(this)?.load?.(...args);
  }
}

/** A {@link FunctionPlugin} is callable like its function. */
export interface FunctionPlugin<F extends AnyFunction = AnyFunction> {
  (...args: Parameters<F>): ReturnType<F>;
}

/**
 * Makes a function a plugin (plux's `@plugin` decorator). The result stays callable like `fn` and carries the
 * `pluginSpec` that discovery indexes; the manager's plugin for it is a {@link FunctionPlugin}, itself callable.
 *
 * @example
 * ```ts
 * export const deploy = plugin({ namespace: 'acme.cli' }, function deploy(stack: string) {
 *   return `deploying ${stack}`;
 * });
 * const cmd = await new PluginManager<FunctionPlugin<typeof deploy>>('acme.cli').load('deploy');
 * cmd('prod'); // 'deploying prod'
 * ```
 */
export function plugin<F extends AnyFunction>(
  options: FunctionPluginOptions,
  fn: F,
): F & { readonly pluginSpec: PluginSpec<FunctionPlugin<F>> } {
  if (typeof fn !== 'function') throw new TypeError(`plugin(${options?.namespace}): expected a function`);
  const { namespace, shouldLoad, load } = options;
  const name = options.name ?? fn.name;
  const create = (pluginName: string) =>
    new FunctionPlugin(fn, { namespace, name: pluginName, shouldLoad, load });
  const factory = function createFunctionPlugin() {
    return create(name);
  };
  renamableFactories.set(factory, create);
  const spec = new PluginSpec<FunctionPlugin<F>>(namespace, name, factory);
  const callable = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    return fn.apply(this, args) as ReturnType<F>;
  };
  Object.defineProperties(callable, {
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
    pluginSpec: { value: spec, enumerable: true },
    [FUNCTION_PLUGIN]: { value: true },
  });
  return callable as unknown as F & { readonly pluginSpec: PluginSpec<FunctionPlugin<F>> };
}
