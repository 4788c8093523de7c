// Over 300 lines on purpose: one class, PluginManager, whose methods share its private state and caches.
import type { EntryPoint, PluginFinder } from '../core/entry-point.js';
import { isPluginError, PluginDisabled, PluginException, pluginNotFound } from '../core/errors.js';
import type { LifecycleHook, PluginLifecycleListener } from '../core/listener.js';
import { log } from '../core/log.js';
import {
  createPlugin,
  defaultSpecResolver,
  describeValue,
  isPluginSpec,
  type Plugin,
  type PluginSpec,
  type PluginSpecResolver,
} from '../core/plugin.js';
import type { NamespaceArgument, NamespacePlugin, PluginName, RegisteredPlugin } from '../core/registry.js';
import { Container, type PluginContainer } from './container.js';
import { findDisabledRule } from './disabled.js';
import { globalPluginFilter, type PluginFilter } from './filter.js';
import { IndexPluginFinder } from './finder.js';
import { rememberDistribution } from './metadata.js';
import { importModule, specFromModule, type ModuleOutcome } from './resolve-entry-point.js';

export type { PluginContainer } from './container.js';

/** Options of {@link PluginManager}. */
export interface PluginManagerOptions {
  /** The arguments passed to every plugin's `load(...loadArgs)`. */
  loadArgs?: unknown[];
  /** Listeners notified of every lifecycle step. */
  listeners?: PluginLifecycleListener | PluginLifecycleListener[];
  /** Where plugins come from; default: the index finder over the packages visible from `cwd`. */
  finder?: PluginFinder;
  /** Filters that can disable a plugin before it is created; default `[globalPluginFilter]`. */
  filters?: PluginFilter[];
  /** Where package resolution starts; default `process.cwd()`. */
  cwd?: string;
  /**
   * Turns each entry point's export into a spec (plux's `spec_resolver`); default: a {@link PluginSpecResolver}.
   * Give a subclass to accept plugin shapes of your own.
   */
  specResolver?: PluginSpecResolver;
}

/** Options of {@link PluginManager.loadAll}. */
export interface LoadAllOptions {
  /** Throw the first error instead of logging it and going on. Default false. */
  propagateExceptions?: boolean;
  /** How many plugins load at the same time. Default 1: one after another, in listing order, as in plux. */
  concurrency?: number;
}

/**
 * Finds the plugins of one namespace and drives each through plux's lifecycle: resolved (its module imported) →
 * init (created by its factory) → loaded (`load(...loadArgs)` returned).
 *
 * Listing (`listNames`, `exists`, `listEntryPoints`) reads the package indexes only and imports nothing; `load`
 * imports the one module that holds the plugin. One plugin's failure never stops the others.
 *
 * @example
 * ```ts
 * const services = new PluginManager<ServicePlugin>('acme.services', { loadArgs: [config] });
 * console.log(services.listNames());       // ['dynamodb', 's3'] — nothing imported yet
 * const s3 = await services.load('s3');    // imports s3's module, creates and loads the plugin
 * ```
 *
 * With the `PluginRegistry` augmented (`plux types`), the namespace alone gives the types: in
 * `new PluginManager('acme.services')`, `load('s3')` resolves to the S3 plugin's own type, `listNames()` to the
 * registered names, and an unknown namespace or name does not compile. `N` is the namespace when it is registered,
 * else `string`; a function that takes any manager declares `PluginManager<P, any>`.
 */
export class PluginManager<P extends Plugin = Plugin, N extends string = string> {
  readonly namespace: N;
  readonly loadArgs: unknown[];
  readonly listeners: PluginLifecycleListener[];
  readonly filters: PluginFilter[];
  readonly finder: PluginFinder;
  readonly specResolver: PluginSpecResolver;
  #containers?: Map<string, Container<P>>;
  /** One import per module, shared by the plugins it holds. */
  readonly #modules = new Map<string, Promise<ModuleOutcome>>();

  constructor(namespace: NamespaceArgument<N>, options: PluginManagerOptions = {}) {
    this.namespace = namespace as N;
    this.loadArgs = options.loadArgs ?? [];
    const { listeners = [] } = options;
    this.listeners = Array.isArray(listeners) ? [...listeners] : [listeners];
    this.filters = options.filters ?? [globalPluginFilter];
    this.finder = options.finder ?? IndexPluginFinder.forCwd(options.cwd);
    this.specResolver = options.specResolver ?? defaultSpecResolver;
  }

  /** Adds a listener notified of the lifecycle steps from now on. */
  addListener(listener: PluginLifecycleListener): void {
    this.listeners.push(listener);
  }

  /** The names of the namespace's plugins, from the indexes only: imports no plugin module. */
  listNames(): PluginName<N>[] {
    return [...this.#index().keys()] as PluginName<N>[];
  }

  /** Whether the namespace has a plugin of that name; imports nothing. */
  exists(name: string): boolean {
    return this.#index().has(name);
  }

  /** The entry points of the namespace's plugins, each with its distribution; imports nothing. */
  listEntryPoints(): EntryPoint[] {
    return [...this.#index().values()].flatMap((c) => (c.entryPoint ? [c.entryPoint] : []));
  }

  /** The containers of the namespace's plugins, in listing order. */
  listContainers(): PluginContainer<NamespacePlugin<P, N>>[] {
    return [...this.#index().values()] as PluginContainer<NamespacePlugin<P, N>>[];
  }

  /** @throws PluginNotFound when the namespace has no plugin of that name. */
  getContainer<K extends PluginName<N>>(name: K): PluginContainer<RegisteredPlugin<P, N, K>> {
    return this.#require(name) as PluginContainer<RegisteredPlugin<P, N, K>>;
  }

  /** @throws PluginNotFound when the namespace has no plugin of that name. */
  isLoaded(name: PluginName<N>): boolean {
    return this.#require(name).isLoaded;
  }

  /**
   * Loads the plugin: imports its module, creates it, and calls `load(...loadArgs)`. Idempotent: once loaded, the
   * same instance is returned without calling `load` again; concurrent calls share one attempt.
   *
   * @throws PluginNotFound when the namespace has no plugin of that name.
   * @throws PluginDisabled when a filter, `shouldLoad()`, a listener or `PLUX_DISABLED` disabled it (every time).
   * @throws the import, factory or `load` error, also recorded on the container (every time).
   */
  load<K extends PluginName<N>>(name: K): Promise<RegisteredPlugin<P, N, K>>;
  load(name: string): Promise<P> {
    let container: Container<P>;
    try {
      container = this.#require(name);
    } catch (error) {
      return Promise.reject(error);
    }
    if (container.isLoaded) return Promise.resolve(container.plugin!);
    if (container.pending) return container.pending;
    if (container.isDisabled) {
      return Promise.reject(new PluginDisabled(this.namespace, name, container.disabledReason));
    }
    if (container.failure !== undefined) return Promise.reject(container.failure);
    container.pending = this.#loadContainer(container).finally(() => {
      container.pending = undefined;
    });
    return container.pending;
  }

  /**
   * Loads every plugin of the namespace that is not disabled and returns those that loaded, in listing order.
   * A plugin that fails is logged and skipped, unless `propagateExceptions` is set.
   */
  loadAll(options?: LoadAllOptions): Promise<NamespacePlugin<P, N>[]>;
  async loadAll(options: LoadAllOptions = {}): Promise<P[]> {
    const containers = [...this.#index().values()];
    const loaded = new Array<P | undefined>(containers.length);
    let firstError: { error: unknown } | undefined;
    let next = 0;
    const worker = async () => {
      while (next < containers.length && !(firstError && options.propagateExceptions)) {
        const i = next++;
        const container = containers[i]!;
        try {
          loaded[i] = await (this as unknown as PluginManager<P>).load(container.name);
        } catch (error) {
          if (isPluginError(error, 'PluginDisabled')) {
            log.debug(String((error as Error).message));
          } else if (options.propagateExceptions) {
            firstError ??= { error };
          } else {
            log.error(`exception while loading plugin ${this.namespace}:${container.name}`, error);
          }
        }
      }
    };
    const requested = options.concurrency ?? 1;
    const concurrency =
      Number.isFinite(requested) && requested >= 1 ? Math.min(Math.floor(requested), containers.length) : 1;
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (firstError) throw firstError.error;
    return loaded.filter((p): p is P => p !== undefined);
  }

  /** Resolves (imports) every plugin of the namespace and returns the specs that resolved. */
  listPluginSpecs(): Promise<PluginSpec<NamespacePlugin<P, N>>[]>;
  async listPluginSpecs(): Promise<PluginSpec<P>[]> {
    const specs: PluginSpec<P>[] = [];
    for (const container of this.#index().values()) {
      try {
        specs.push(await this.#resolve(container));
      } catch (error) {
        this.#settleFailure(container, error);
        if (isPluginError(error, 'PluginDisabled')) log.debug((error as Error).message);
        else log.error(`cannot resolve plugin ${this.namespace}:${container.name}`, error);
      }
    }
    return specs;
  }

  #importModule(entryPoint: EntryPoint): Promise<ModuleOutcome> {
    let outcome = this.#modules.get(entryPoint.module);
    if (!outcome) {
      outcome = importModule(entryPoint.module, entryPoint.distribution);
      this.#modules.set(entryPoint.module, outcome);
    }
    return outcome;
  }

  #index(): Map<string, Container<P>> {
    if (this.#containers) return this.#containers;
    const containers = new Map<string, Container<P>>();
    for (const item of this.finder.findPlugins(this.namespace)) {
      if (item.namespace !== this.namespace) continue;
      const previous = containers.get(item.name);
      if (previous) {
        log.warn(`plugin ${this.namespace}:${item.name} is provided twice by the finder; keeping the first`);
        continue;
      }
      containers.set(
        item.name,
        isPluginSpec(item)
          ? new Container<P>(item.name, { spec: item as PluginSpec<P> })
          : new Container<P>(item.name, { entryPoint: item }),
      );
    }
    return (this.#containers = containers);
  }

  #require(name: string): Container<P> {
    const container = this.#index().get(name);
    if (!container) throw pluginNotFound(this.namespace, name, this.listNames(), this.#skippedEntry(name));
    return container;
  }

  /** Why the finder left out an index entry of this name (a module not built yet, say), if it did. */
  #skippedEntry(name: string): string | undefined {
    const finder = this.finder as PluginFinder & { listProblems?(): string[] };
    if (typeof finder.listProblems !== 'function') return undefined;
    const marker = `plugin ${this.namespace}:${name}:`;
    return finder.listProblems().find((problem) => problem.includes(marker));
  }

  async #loadContainer(container: Container<P>): Promise<P> {
    const { namespace } = this;
    const { name } = container;
    try {
      const rule = findDisabledRule(namespace, name);
      if (rule) throw new PluginDisabled(namespace, name, `PLUX_DISABLED rule "${rule.rule}" matched`);

      const spec = await this.#resolve(container);

      for (const filter of this.filters) {
        if (filter(container.entryPoint ?? spec)) {
          throw new PluginDisabled(
            namespace,
            name,
            'A plugin filter disabled this plugin before it was initialized',
          );
        }
      }

      if (!container.isInit) {
        try {
          const created: unknown = await createPlugin(spec);
          if (!isPluginLike(created)) {
            throw new PluginException(
              `the factory of plugin ${namespace}:${name} returned ${describeValue(created)}, not a plugin; ` +
                'return an instance of a class extending Plugin (it needs shouldLoad() and load())',
              namespace,
              name,
            );
          }
          container.plugin = created as P;
          container.isInit = true;
          await this.#fire('onInitAfter', spec, container.plugin);
        } catch (error) {
          if (isPluginError(error, 'PluginDisabled')) throw error;
          container.initError = error;
          await this.#fire('onInitException', spec, error);
          throw error;
        }
      }
      const plugin = container.plugin!;

      try {
        if (!(await plugin.shouldLoad())) {
          throw new PluginDisabled(namespace, name, 'Load condition for plugin was false');
        }
        await this.#fire('onLoadBefore', spec, plugin, this.loadArgs);
        const result = await plugin.load(...this.loadArgs);
        await this.#fire('onLoadAfter', spec, plugin, result);
        container.loadValue = result;
        container.isLoaded = true;
        return plugin;
      } catch (error) {
        if (isPluginError(error, 'PluginDisabled')) throw error;
        container.loadError = error;
        await this.#fire('onLoadException', spec, plugin, error);
        throw error;
      }
    } catch (error) {
      this.#settleFailure(container, error);
      throw error;
    }
  }

  /** Records why a plugin will not load: every later `load` (or resolve) rethrows it. */
  #settleFailure(container: Container<P>, error: unknown): void {
    if (isPluginError(error, 'PluginDisabled')) {
      container.isDisabled = true;
      container.disabledReason = (error as PluginDisabled).reason;
    } else {
      container.failure = error;
    }
  }

  async #resolve(container: Container<P>): Promise<PluginSpec<P>> {
    // A verdict reached earlier (by load or listPluginSpecs) stands, whichever path asks again.
    if (container.isDisabled)
      throw new PluginDisabled(this.namespace, container.name, container.disabledReason);
    if (container.failure !== undefined) throw container.failure;
    if (container.spec) {
      if (!container.resolveNotified) {
        container.resolveNotified = true;
        await this.#notifyResolved(container, container.spec);
      }
      return container.spec;
    }
    if (container.resolving) return container.resolving;
    const entryPoint = container.entryPoint!;
    container.resolving = (async () => {
      let spec: PluginSpec<P>;
      try {
        spec = specFromModule<P>(entryPoint, await this.#importModule(entryPoint), this.specResolver);
      } catch (error) {
        container.resolveError = error;
        await this.#fire('onResolveException', this.namespace, entryPoint, error);
        throw error;
      }
      container.spec = spec;
      container.isResolved = true;
      container.resolveNotified = true;
      if (entryPoint.distribution) rememberDistribution(spec, entryPoint.distribution);
      await this.#notifyResolved(container, spec);
      return spec;
    })();
    try {
      return await container.resolving;
    } finally {
      container.resolving = undefined;
    }
  }

  /** `onResolveAfter`; a `PluginException` from it fails the resolve stage like an import error would. */
  async #notifyResolved(container: Container<P>, spec: PluginSpec<P>): Promise<void> {
    try {
      await this.#fire('onResolveAfter', spec);
    } catch (error) {
      if (isPluginError(error, 'PluginDisabled')) throw error;
      container.resolveError = error;
      container.isResolved = false;
      if (container.entryPoint)
        await this.#fire('onResolveException', this.namespace, container.entryPoint, error);
      throw error;
    }
  }

  /**
   * Calls `hook` on every listener. A listener's error is logged and swallowed, except a `PluginException`, which
   * fails the stage (a `PluginDisabled` disables the plugin).
   */
  #fire<H extends LifecycleHook>(
    hook: H,
    ...args: Parameters<NonNullable<PluginLifecycleListener[H]>>
  ): Promise<void> | undefined {
    // No listeners (the common case): no promise, no extra turns of the event loop per lifecycle step.
    return this.listeners.length === 0 ? undefined : this.#fireEach(hook, args);
  }

  async #fireEach(hook: LifecycleHook, args: unknown[]): Promise<void> {
    for (const listener of this.listeners) {
      const fn = listener[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== 'function') continue;
      try {
        await fn.apply(listener, args);
      } catch (error) {
        if (isPluginError(error)) throw error;
        log.error(`error while calling ${hook}`, error);
      }
    }
  }
}

function isPluginLike(value: unknown): value is Plugin {
  // a FunctionPlugin is a function
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const { shouldLoad, load } = value as Partial<Plugin>;
  return typeof shouldLoad === 'function' && typeof load === 'function';
}
