import type { Distribution, EntryPoint } from '../core/entry-point.js';
import type { Plugin, PluginSpec } from '../core/plugin.js';
import { resolveDistribution } from './metadata.js';

/** The state of one plugin inside a {@link PluginManager} (plux's `PluginContainer`). */
export interface PluginContainer<P extends Plugin = Plugin> {
  /** The plugin's name. */
  readonly name: string;
  /** Where the plugin lives, when it came from an index. */
  readonly entryPoint?: EntryPoint;
  /** The plugin's spec, once resolved. */
  readonly spec?: PluginSpec<P>;
  /** The plugin, once created. */
  readonly plugin?: P;
  /** What the plugin's `load` returned. */
  readonly loadValue?: unknown;
  /** The module was imported and its export turned into a spec. */
  readonly isResolved: boolean;
  /** The spec's factory created the plugin. */
  readonly isInit: boolean;
  /** `load` returned. */
  readonly isLoaded: boolean;
  /** A filter, `shouldLoad()`, a listener or `PLUX_DISABLED` disabled the plugin. */
  readonly isDisabled: boolean;
  /** Why the plugin is disabled. */
  readonly disabledReason?: string;
  /** Why importing or resolving the plugin failed. */
  readonly resolveError?: unknown;
  /** Why creating the plugin failed. */
  readonly initError?: unknown;
  /** Why loading the plugin failed. */
  readonly loadError?: unknown;
  /**
   * The package that provides the plugin. (`| undefined` spelled out: the container computes it in a getter, and
   * under `exactOptionalPropertyTypes` a getter that may return undefined only implements a property typed so.)
   */
  readonly distribution?: Distribution | undefined;
}

/** The mutable state behind a {@link PluginContainer}, plus what the manager needs to make `load` single-flight. */
export class Container<P extends Plugin> implements PluginContainer<P> {
  entryPoint?: EntryPoint;
  spec?: PluginSpec<P>;
  plugin?: P;
  loadValue?: unknown;
  isResolved = false;
  isInit = false;
  isLoaded = false;
  isDisabled = false;
  disabledReason?: string;
  resolveError?: unknown;
  initError?: unknown;
  loadError?: unknown;
  /** The error every later `load` rethrows. */
  failure?: unknown;
  pending?: Promise<P>;
  resolving?: Promise<PluginSpec<P>>;
  resolveNotified = false;

  constructor(
    readonly name: string,
    from: { entryPoint?: EntryPoint; spec?: PluginSpec<P> },
  ) {
    if (from.entryPoint) this.entryPoint = from.entryPoint;
    if (from.spec) {
      this.spec = from.spec;
      this.isResolved = true;
    }
  }

  get distribution(): Distribution | undefined {
    return this.entryPoint?.distribution ?? (this.spec ? resolveDistribution(this.spec) : undefined);
  }
}
