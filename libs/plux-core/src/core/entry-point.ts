import type { PluginSpec } from './plugin.js';

/** The package that provides a plugin (plux: the importlib `Distribution`). */
export interface Distribution {
  /** The package name from its package.json, e.g. `@acme/services`. */
  name: string;
  /** The package version from its package.json (`0.0.0` when it has none). */
  version: string;
  /** The absolute, real path of the package folder. */
  root: string;
  /** The parsed package.json. */
  packageJson: Record<string, unknown>;
  /** True for a package of the enclosing workspace, false for an installed one. */
  workspace: boolean;
}

/**
 * Where a plugin lives, read from a package's index without importing anything: the runtime counterpart of a
 * `plux.json` entry.
 */
export interface EntryPoint {
  /** The plugin's namespace. */
  namespace: string;
  /** The plugin's name. */
  name: string;
  /** The absolute path of the module that exports the plugin. */
  module: string;
  /** The name of the export that holds the plugin (`default` for a default export). */
  export: string;
  /** `<package>:<module>#<export>`, with the module relative to the package root; what `value` filters match. */
  value: string;
  /** The package that provides the plugin. */
  distribution?: Distribution;
}

/** Whether `value` is an {@link EntryPoint} (as opposed to a `PluginSpec`). */
export function isEntryPoint(value: unknown): value is EntryPoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EntryPoint).module === 'string' &&
    typeof (value as EntryPoint).export === 'string' &&
    typeof (value as EntryPoint).name === 'string'
  );
}

/**
 * Two packages declare the same `namespace:name`; `winner` is listed, `loser` is not.
 *
 * It lives here, not beside the merged index that computes it, because the finder's public type names it: a
 * declaration file the public entry reaches must not import the cache's `node:fs` types.
 */
export interface ShadowedEntryPoint {
  /** The entry point that is listed. */
  winner: EntryPoint;
  /** The entry point of the package with lower precedence, never listed. */
  loser: EntryPoint;
  /** The precedence rule that decided, in words: "a workspace package wins over …", or the name or path order. */
  rule: string;
}

/**
 * What a {@link PluginManager} asks for the plugins of a namespace. Entry points are resolved (imported) lazily by
 * the manager; items of other namespaces are ignored.
 */
export interface PluginFinder {
  findPlugins(namespace: string): Iterable<PluginSpec | EntryPoint>;
}
