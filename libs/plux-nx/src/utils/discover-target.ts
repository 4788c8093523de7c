import type { NxJsonConfiguration, ProjectConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import type * as NxInternals from 'nx/src/devkit-internals';
import { normalizeOptions, type PluxPluginOptions } from '../plugins/options';
import { requireFromPluxNx } from './plux-packages';

/** The names nx.json registers `@plux/nx` by: the package name, or `plux` inside the plux repository. */
export const PLUGIN_NAMES: ReadonlySet<string> = new Set(['@plux/nx', 'plux']);

/** The executors of the discover target, by the same two names. */
const DISCOVER_EXECUTORS: ReadonlySet<string> = new Set([...PLUGIN_NAMES].map((name) => `${name}:discover`));

/** One registration of `@plux/nx` in nx.json `plugins`. */
export interface PluxRegistration {
  /** Its options (`{}` for a registration by name alone). */
  options: PluxPluginOptions;
  /** The globs of the config files (package.json) it is given; every one when absent. */
  include?: string[];
  /** The globs of the config files it is not given. */
  exclude?: string[];
}

/** The registrations of `@plux/nx` in nx.json, in their order. */
export function pluxRegistrations(nxJson: NxJsonConfiguration): PluxRegistration[] {
  const registrations: PluxRegistration[] = [];
  for (const plugin of nxJson.plugins ?? []) {
    if (typeof plugin === 'string') {
      if (PLUGIN_NAMES.has(plugin)) registrations.push({ options: {} });
    } else if (PLUGIN_NAMES.has(plugin.plugin)) {
      const { options, include, exclude } = plugin;
      registrations.push({ options: (options ?? {}) as PluxPluginOptions, include, exclude });
    }
  }
  return registrations;
}

/**
 * The name of the discover target that a registration of nx.json infers for the project at `projectRoot`: the
 * first registration whose `include` and `exclude` let the project's package.json through, as Nx filters the
 * files it gives a plugin. Undefined when none does (no registration, or every one leaves the project out).
 */
export function inferredDiscoverTargetName(
  nxJson: NxJsonConfiguration,
  projectRoot: string,
): string | undefined {
  const file = posix.join(projectRoot, 'package.json');
  const registration = pluxRegistrations(nxJson).find((r) => givenToPlugin(file, r));
  return registration && normalizeOptions(registration.options).targetName;
}

/**
 * The name of a discover target the project declares in its own configuration (project.json, or package.json's
 * `nx`): one that runs the discover executor without `check`.
 */
export function declaredDiscoverTargetName(project: ProjectConfiguration): string | undefined {
  return Object.entries(project.targets ?? {}).find(
    ([, target]) => DISCOVER_EXECUTORS.has(target.executor ?? '') && !target.options?.['check'],
  )?.[0];
}

/**
 * The name of the project's discover target, for hints: the one it declares, else the one nx.json's registration
 * for it infers, else `fallback` (the default name when nothing infers or declares one yet).
 */
export function discoverTargetName(
  nxJson: NxJsonConfiguration,
  project: ProjectConfiguration,
  fallback = normalizeOptions(undefined).targetName,
): string {
  return declaredDiscoverTargetName(project) ?? inferredDiscoverTargetName(nxJson, project.root) ?? fallback;
}

/** Whether Nx gives `file` to a plugin registered with `registration`'s `include` and `exclude`. */
function givenToPlugin(file: string, { include, exclude }: PluxRegistration): boolean {
  if (!include?.length && !exclude?.length) return true;
  let internals: Partial<typeof NxInternals>;
  try {
    internals = requireFromPluxNx('nx/src/devkit-internals') as typeof NxInternals;
  } catch {
    internals = {};
  }
  // Nx's own filter (minimatch with dot files, `!` negations); an Nx without it gets the registration as a match
  if (typeof internals.findMatchingConfigFiles !== 'function') return true;
  return internals.findMatchingConfigFiles([file], include ?? [], exclude ?? []).length > 0;
}
