import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Distribution, EntryPoint } from '../core/entry-point.js';
import { PluginException } from '../core/errors.js';
import { thrownText } from '../core/log.js';
import {
  defaultSpecResolver,
  type Plugin,
  type PluginSpec,
  type PluginSpecResolver,
} from '../core/plugin.js';
import { nxDiscoverCommand } from './nx-hint.js';
import { packageFolderProblem } from './package-index.js';

/** What importing one module gave: its exports, or why there are none. Never a rejection. */
export type ModuleOutcome =
  | { exports: Record<string, unknown> }
  | { missing: unknown }
  | { outside: string }
  | { notPackage: string }
  | { failed: unknown };

/**
 * Imports a plugin module once its real path is known to lie inside its package, and the package to be one plux
 * would find now (checked here, symlinks resolved, since the tree may have changed since the index was read, and
 * the index may come from a stale or forged cache).
 */
export async function importModule(
  module: string,
  distribution: Distribution | undefined,
): Promise<ModuleOutcome> {
  let real: string;
  try {
    // One realpath(3) call: the JavaScript realpathSync lstats every component of the path, on every load.
    real = realpathSync.native(module);
  } catch (missing) {
    return { missing };
  }
  const root = distribution?.root;
  if (root !== undefined && real !== root && !real.startsWith(root + sep)) return { outside: real };
  const notPackage = distribution && packageFolderProblem(distribution);
  if (notPackage) return { notPackage };
  try {
    return { exports: (await import(pathToFileURL(real).href)) as Record<string, unknown> };
  } catch (failed) {
    return { failed };
  }
}

/** Turns an entry point's export into a spec, or explains, naming the plugin, its package and the fix. */
export function specFromModule<P extends Plugin>(
  entryPoint: EntryPoint,
  outcome: ModuleOutcome,
  resolver: PluginSpecResolver = defaultSpecResolver,
): PluginSpec<P> {
  const { namespace, name, module, value, distribution } = entryPoint;
  const where = distribution
    ? `package ${distribution.name}@${distribution.version}`
    : `entry point ${value}`;
  // read only on a failure: inside an Nx workspace a workspace package's index is rewritten by its Nx target
  const nxCommand = () =>
    distribution?.workspace === true
      ? nxDiscoverCommand(distribution.root, distribution.packageJson)
      : undefined;
  const regenerate = () => {
    const nx = nxCommand();
    return nx
      ? `run \`${nx}\` to regenerate its plux.json`
      : 'run `plux discover` in that package to regenerate its plux.json';
  };
  const fail = (message: string, cause?: unknown) =>
    new PluginException(message, namespace, name, cause === undefined ? undefined : { cause });
  if ('missing' in outcome) {
    const code = (outcome.missing as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && code !== 'ENOENT' && code !== 'ENOTDIR') {
      // a folder on the way that cannot be searched (EACCES), a symlink loop: the module may well be there
      throw fail(
        `cannot import plugin ${namespace}:${name}: module ${module} of ${where} cannot be read ` +
          `(${thrownText(outcome.missing)}); make it readable to this process`,
        outcome.missing,
      );
    }
    throw fail(
      `cannot import plugin ${namespace}:${name}: module ${module} of ${where} does not exist; ` +
        rebuild(nxCommand()),
      outcome.missing,
    );
  }
  if ('outside' in outcome) {
    throw fail(
      `refusing to import plugin ${namespace}:${name}: module ${module} resolves to ${outcome.outside}, ` +
        `outside ${where} (${distribution?.root})`,
    );
  }
  if ('notPackage' in outcome) {
    throw fail(
      `refusing to import plugin ${namespace}:${name}: module ${module} of ${where} is not in a package plux finds ` +
        `now: ${outcome.notPackage}; run again to rescan, or delete node_modules/.cache/plux if it persists`,
    );
  }
  if ('failed' in outcome) {
    throw fail(
      `cannot import plugin ${namespace}:${name} from ${module} (${where}): ${thrownText(outcome.failed)}`,
      outcome.failed,
    );
  }
  if (!Object.prototype.hasOwnProperty.call(outcome.exports, entryPoint.export)) {
    throw fail(
      `cannot resolve plugin ${namespace}:${name}: module ${module} (${where}) has no export "${entryPoint.export}"; ` +
        regenerate(),
    );
  }
  let spec: PluginSpec<P>;
  try {
    spec = resolver.resolve(outcome.exports[entryPoint.export], { fallbackName: name }) as PluginSpec<P>;
  } catch (cause) {
    throw fail(
      `cannot resolve plugin ${namespace}:${name}: export "${entryPoint.export}" of ${module} (${where}) is not a plugin: ` +
        `${thrownText(cause)}; ` +
        regenerate(),
      cause,
    );
  }
  if (spec.namespace !== namespace || spec.name !== name) {
    throw fail(
      `entry point ${value} is indexed as ${namespace}:${name} but its export is the plugin ` +
        `${spec.namespace}:${spec.name}; ${regenerate()}`,
    );
  }
  return spec;
}

function rebuild(nx: string | undefined): string {
  return nx
    ? `run \`${nx}\` (it rebuilds the package first)`
    : 'rebuild the package, or run `plux discover` in it to regenerate its plux.json';
}
