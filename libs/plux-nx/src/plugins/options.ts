import type { DiscoverExecutorSchema } from '../executors/discover/schema';

/** Options of the `@plux/nx` plugin in nx.json (`"plugins": [{ "plugin": "@plux/nx", "options": { … } }]`). */
export interface PluxPluginOptions {
  /** Name of the inferred target. Default `plux-discover`. */
  targetName?: string;
  /**
   * Name of the inferred target that checks the index on disk is up to date (the executor with `check: true`, the
   * index among its inputs). Default `plux-check`.
   */
  checkTargetName?: string;
  /** Name of the project's build target that discovery runs after. Default `build`. */
  buildTargetName?: string;
  /** Executor options every inferred target starts from (a project.json target can still override them). */
  defaults?: DiscoverExecutorSchema;
  /** Name of the inferred target that writes the project's `PluginRegistry` types; `false` infers none. Default `plux-types`. */
  typesTargetName?: string | false;
}

/** The target name `@plux/nx` infers unless its options say otherwise. */
export const DEFAULT_TARGET_NAME = 'plux-discover';

/** The check target name `@plux/nx` infers unless its options say otherwise. */
export const DEFAULT_CHECK_TARGET_NAME = 'plux-check';

/** The target name of the typed-namespaces target unless nx.json's plugin options say otherwise. */
export const DEFAULT_TYPES_TARGET_NAME = 'plux-types';

/** The build target discovery runs after unless nx.json's plugin options say otherwise. */
export const DEFAULT_BUILD_TARGET_NAME = 'build';

/** {@link PluxPluginOptions} with every default filled in: what the inferred targets are built from. */
export type NormalizedPluxOptions = Required<PluxPluginOptions>;

/**
 * The plugin options with their defaults, read once per `createNodes` call (as Nx's own inference plugins do)
 * so that every target agrees on each name. Returns a new object: the options Nx passes are left as they are.
 */
export function normalizeOptions(options: PluxPluginOptions | undefined): NormalizedPluxOptions {
  return {
    targetName: options?.targetName ?? DEFAULT_TARGET_NAME,
    checkTargetName: options?.checkTargetName ?? DEFAULT_CHECK_TARGET_NAME,
    buildTargetName: options?.buildTargetName ?? DEFAULT_BUILD_TARGET_NAME,
    defaults: options?.defaults ?? {},
    typesTargetName: options?.typesTargetName ?? DEFAULT_TYPES_TARGET_NAME,
  };
}
