import { FUNCTION_PLUGIN } from './brand.js';
import { Plugin, PluginSpec } from './plugin.js';

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

/**
 * The plugin that wraps a function made a plugin with {@link plugin}; calling `call` calls the function.
 */
export class FunctionPlugin<F extends AnyFunction = AnyFunction> extends Plugin {
  constructor(
    /** The wrapped function. */
    readonly fn: F,
    options: Pick<FunctionPluginOptions, 'shouldLoad' | 'load'> = {},
  ) {
    super();
    // Kept out of the declared type (no private field) so two versions of @plux/core stay assignable.
    conditions.set(this, options);
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

/**
 * Makes a function a plugin (plux's `@plugin` decorator). The result stays callable like `fn` and carries the
 * `pluginSpec` that discovery indexes; the manager's plugin for it is a {@link FunctionPlugin}.
 *
 * @example
 * ```ts
 * export const deploy = plugin({ namespace: 'acme.cli' }, function deploy(stack: string) {
 *   return `deploying ${stack}`;
 * });
 * const cmd = await new PluginManager<FunctionPlugin<typeof deploy>>('acme.cli').load('deploy');
 * cmd.call('prod');
 * ```
 */
export function plugin<F extends AnyFunction>(
  options: FunctionPluginOptions,
  fn: F,
): F & { readonly pluginSpec: PluginSpec<FunctionPlugin<F>> } {
  if (typeof fn !== 'function') throw new TypeError(`plugin(${options?.namespace}): expected a function`);
  const { shouldLoad, load } = options;
  const name = options.name ?? fn.name;
  const spec = new PluginSpec<FunctionPlugin<F>>(options.namespace, name, function createFunctionPlugin() {
    return new FunctionPlugin(fn, { shouldLoad, load });
  });
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
