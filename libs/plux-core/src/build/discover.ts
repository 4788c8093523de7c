import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  defaultSpecResolver,
  isFunctionPlugin,
  isPluginClass,
  type PluginSpecResolver,
} from '../core/plugin.js';
import { checkName, checkNamespace, serializeIndex, type IndexedPlugin } from '../core/plux-index.js';
import { printable } from '../core/printable.js';
import { chooseDefiningExport, ModuleGraph, type ExportSite } from './defining-module.js';
import { DiscoveryError } from './errors.js';
import { describeUntrusted, ImportGuard, ImportNotTrusted, importTimeoutOf } from './import-module.js';
import { packageLabel, readPackageJson } from './package-json.js';
import { listModules, resolveScanFolder, toModulePath } from './scan.js';
import { compareStrings } from '../utils/compare.js';
import { errorText } from '../utils/errors.js';

/** Options of {@link discoverPlugins}. */
export interface DiscoverOptions {
  /** The package root: the folder of its package.json. */
  root: string;
  /** The folder to scan, relative to `root`. Default: the folder of the built entry (`exports["."]`, else `main`). */
  path?: string;
  /**
   * Globs (picomatch) relative to the scanned folder; when given, only matching modules are imported. A glob that
   * matches a folder matches everything in it.
   */
  include?: string[];
  /**
   * Globs (picomatch) relative to the scanned folder; matching modules are never imported, and an excluded folder
   * is not even read. Exclude wins over include. Use it for modules with side effects on import.
   */
  exclude?: string[];
  /** Make a module that throws on import fatal (a {@link DiscoveryError}) instead of reporting and skipping it. */
  strict?: boolean;
  /**
   * Decides which exports are plugins and what their specs are; default: a `PluginSpecResolver`. Give the same
   * subclass the host's managers use, so the index lists the plugin shapes they accept.
   */
  specResolver?: PluginSpecResolver;
  /**
   * How long one module's import may take, in milliseconds, before discovery fails naming it (a top-level `await`
   * that never settles while something else keeps the process alive). Default: the `PLUX_IMPORT_TIMEOUT`
   * environment variable, else 30,000. An import that cannot settle at all (the event loop emptied) fails at once.
   */
  importTimeout?: number;
}

/** A module that threw when discovery imported it. */
export interface DiscoveryFailure {
  /** The module, relative to the package root (`./dist/broken.js`). */
  module: string;
  /** What it threw. */
  error: unknown;
}

/** What {@link discoverPlugins} found. */
export interface DiscoverResult {
  /** The plugins, sorted by namespace and name. */
  plugins: IndexedPlugin[];
  /** `serializeIndex(plugins)`: the exact bytes of `plux.json`. */
  index: string;
  /** The absolute (real) package root. */
  root: string;
  /** The absolute (real) folder that was scanned. */
  scanned: string;
  /** Every module discovery imported, relative to the root (`./dist/services.js`), in import order. */
  modules: string[];
  /** Modules that threw on import (only when not `strict`); their plugins are missing from the index. */
  failures: DiscoveryFailure[];
  /** Things worth telling the user that do not stop discovery, e.g. a plugin that is not a named export. */
  warnings: string[];
}

/**
 * Finds every plugin a package defines (plux's build-time `ModuleScanningPluginFinder`): imports each JavaScript
 * module under the scanned folder once, in path order, and turns every export into a plugin with the runtime's own
 * resolver (`PluginSpecResolver`, or `specResolver`): a `PluginSpec`, a `Plugin` class with `namespace` and `pluginName`, a `plugin()`
 * function (named by the function, else by its export). Abstract bases and other exports are ignored.
 *
 * A value exported by several modules (a barrel's `export * from`) is one plugin; the index names the module that
 * defines it (see `defining-module.ts`). Discovery runs the package's code: keep modules with side effects out
 * with `exclude`. It imports nothing outside the scanned folder itself; the modules it imports load their own
 * dependencies as usual.
 *
 * @example
 * ```ts
 * const { index, failures } = await discoverPlugins({ root: 'libs/services', exclude: ['internal/**'] });
 * ```
 * While a module is imported, `process.exit()` throws instead of ending the process and stdout is sent to stderr;
 * a module that calls `process.exit()`, or whose import does not settle, fails discovery whether or not `strict`
 * is set: the index it would give is incomplete.
 *
 * @throws DiscoveryError when two different exports have one (namespace, name), a plugin's namespace or name is
 *   not valid in an index, a module threw and `strict` is set, a module ended or stalled the import, the import
 *   timeout is not a positive number, or there is no folder to scan.
 */
export async function discoverPlugins(options: DiscoverOptions): Promise<DiscoverResult> {
  const timeoutMs = importTimeoutOf(options.importTimeout);
  const root = realpathOrThrow(resolve(options.root));
  const pkg = readPackageJson(root);
  const label = packageLabel(pkg, root);
  const scanned = resolveScanFolder(root, pkg, options.path);
  const listing = listModules(scanned, { include: options.include, exclude: options.exclude, root });
  const warnings = [...listing.warnings];
  const modules: string[] = [];
  const failures: DiscoveryFailure[] = [];
  const sitesByValue = new Map<unknown, ExportSite[]>();
  const valueOfKey = new Map<unknown, unknown>();
  const nestedPlugins: { module: string; path: string; value: unknown }[] = [];
  const resolver = options.specResolver ?? defaultSpecResolver;
  const untrusted: string[] = [];

  const guard = new ImportGuard({ timeoutMs });
  try {
    for (const file of listing.files) {
      const module = toModulePath(root, file);
      modules.push(module);
      let namespace: Record<string, unknown>;
      try {
        namespace = await guard.import(file, module);
      } catch (error) {
        if (!(error instanceof ImportNotTrusted)) {
          failures.push({ module, error });
          continue;
        }
        untrusted.push(describeUntrusted(module, error, timeoutMs));
        // A stalled module stays stalled: every module that imports it would wait out the timeout too.
        if (error.verdict.kind === 'stalled') break;
        continue;
      }
      for (const exportName of Object.keys(namespace)) {
        const value = readExport(namespace, exportName);
        if (isPluginClass(value) && value.pluginName && !value.namespace) {
          warnings.push(
            `${module}#${exportName}: class ${value.name} has pluginName but no namespace, so it is not a plugin`,
          );
        }
        if (!specOf(value, exportName, resolver)) {
          if (exportName === 'default') nestedPlugins.push(...pluginsInside(module, value, resolver));
          continue;
        }
        const key = identityOf(value);
        valueOfKey.set(key, value);
        const sites = sitesByValue.get(key);
        if (sites) sites.push({ file, exportName });
        else sitesByValue.set(key, [{ file, exportName }]);
      }
    }
  } finally {
    guard.dispose();
  }
  for (const { module, code } of guard.lateExits) {
    untrusted.push(
      `${module}: process.exit(${String(code ?? '')}) was called during discovery, from a timer or callback it started`,
    );
  }

  if (untrusted.length) {
    throw DiscoveryError.fromProblems(
      `${label}: discovery cannot finish, so the index would be incomplete; fix the module, or leave it out with exclude`,
      untrusted,
    );
  }
  if (options.strict && failures.length) {
    throw DiscoveryError.fromProblems(
      `${label}: ${failures.length} module(s) threw on import (strict mode); fix them or leave them out with exclude`,
      failures.map((f) => `${f.module}: ${errorText(f.error)}`),
      failures[0]!.error,
    );
  }
  for (const nested of nestedPlugins) {
    if (!sitesByValue.has(identityOf(nested.value))) {
      warnings.push(
        `${nested.module}: ${nested.path} is a plugin but not a named export, so it cannot be indexed; ` +
          'export it by name (ESM: export const x = …; CommonJS: exports.x = …)',
      );
    }
  }

  const graph = new ModuleGraph(root);
  const problems: string[] = [];
  const byKey = new Map<string, { plugin: IndexedPlugin; site: string }[]>();
  for (const [key, sites] of sitesByValue) {
    const value = valueOfKey.get(key);
    const site = chooseDefiningExport(sites, graph, value);
    const spec = specOf(value, site.exportName, resolver)!;
    const module = toModulePath(root, site.file);
    const where = `${module}#${site.exportName}`;
    const invalid = checkNamespace(spec.namespace) ?? checkName(spec.name);
    if (invalid) {
      problems.push(`${where}: plugin "${printable(`${spec.namespace}:${spec.name}`)}": ${invalid}`);
      continue;
    }
    const plugin: IndexedPlugin = {
      namespace: spec.namespace,
      name: spec.name,
      module,
      export: site.exportName,
    };
    const id = `${spec.namespace}:${spec.name}`;
    const same = byKey.get(id);
    if (same) same.push({ plugin, site: where });
    else byKey.set(id, [{ plugin, site: where }]);
  }
  for (const [id, found] of [...byKey].sort(([a], [b]) => compareStrings(a, b))) {
    if (found.length > 1) {
      const sites = found.map((f) => f.site).sort(compareStrings);
      problems.push(
        `duplicate plugin ${id}: exported by ${sites.join(' and ')}; give each a unique name, or export one value`,
      );
    }
  }
  if (problems.length) {
    throw DiscoveryError.fromProblems(`${label}: cannot write an index`, problems);
  }

  const plugins = [...byKey.values()]
    .map(([only]) => only!.plugin)
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  return { plugins, index: serializeIndex(plugins), root, scanned, modules, failures, warnings };
}

/** What makes two exports the same plugin: the value, or for a `plugin()` function the spec it carries. */
function identityOf(value: unknown): unknown {
  return isFunctionPlugin(value) ? value.pluginSpec : value;
}

/** The resolver's spec of an export, or undefined when it is not a plugin (or its static fields throw). */
function specOf(value: unknown, exportName: string, resolver: PluginSpecResolver) {
  try {
    return resolver.resolve(value, { fallbackName: exportName });
  } catch {
    return undefined;
  }
}

function readExport(namespace: Record<string, unknown>, name: string): unknown {
  try {
    return namespace[name];
  } catch {
    return undefined; // a binding still in its temporal dead zone (an import cycle that failed)
  }
}

/** Plugins held by the properties of a default-exported object (CommonJS `module.exports = { … }`). */
function pluginsInside(
  module: string,
  value: unknown,
  resolver: PluginSpecResolver,
): { module: string; path: string; value: unknown }[] {
  if (typeof value !== 'object' || value === null) return [];
  const found = [];
  for (const key of Object.keys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (specOf(item, key, resolver)) found.push({ module, path: `default.${key}`, value: item });
  }
  return found;
}

function realpathOrThrow(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw new DiscoveryError(`the package root ${path} does not exist`, { cause: error });
  }
}
