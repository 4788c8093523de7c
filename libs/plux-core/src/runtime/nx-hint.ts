/**
 * In an Nx workspace, the command that rewrites a workspace package's index is its Nx target
 * (`nx run <project>:plux-discover`), which builds the package first and is cached; elsewhere it is `plux discover`.
 * Read only when a hint is needed: a package whose index is fine costs nothing here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type Picomatch from 'picomatch';

import { relativePosix } from '../utils/posix.js';
import { isRecord } from '../utils/records.js';
import { parseJsonObject } from './fs.js';
import { localRequire } from './local-require.js';

/**
 * `nx run <project>:<target>` for the package at `packageRoot`, when an enclosing Nx workspace infers or declares
 * its discover target; undefined otherwise. The target is the one the project declares (a `@plux/nx:discover`
 * target without `check` in project.json or package.json's `nx`), else the one the first `@plux/nx` registration
 * of nx.json that is given this package (its `include` and `exclude` globs let the package.json through) infers.
 */
export function nxDiscoverCommand(
  packageRoot: string,
  packageJson: Record<string, unknown>,
): string | undefined {
  const project = readJson(join(packageRoot, 'project.json'));
  const workspace = findNxJson(packageRoot);
  if (!workspace) return undefined;
  const target =
    declaredTarget(project?.['targets']) ??
    declaredTarget(asRecord(packageJson['nx'])?.['targets']) ??
    inferredTarget(workspace, relativePosix(workspace.dir, join(packageRoot, 'package.json')));
  if (target === undefined) return undefined;
  const name = [project?.['name'], asRecord(packageJson['nx'])?.['name'], packageJson['name']].find(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  return name === undefined ? undefined : `nx run ${name}:${target}`;
}

/** The names nx.json registers `@plux/nx` by: the package name, or `plux` inside the plux repository. */
const PLUGIN_NAMES = new Set(['@plux/nx', 'plux']);

/** The discover executor, by either name. */
const DISCOVER_EXECUTORS = new Set([...PLUGIN_NAMES].map((name) => `${name}:discover`));

/** A discover target among `targets` (one that runs `@plux/nx:discover` without `check`). */
function declaredTarget(targets: unknown): string | undefined {
  return Object.entries(asRecord(targets) ?? {}).find(([, value]) => {
    const target = asRecord(value);
    return DISCOVER_EXECUTORS.has(String(target?.['executor'])) && !asRecord(target?.['options'])?.['check'];
  })?.[0];
}

/**
 * The target the first registration of `@plux/nx` that Nx gives `file` (the package.json, relative to the workspace
 * root) infers: Nx hands a plugin only the files its `include` globs match and its `exclude` globs do not.
 */
function inferredTarget(workspace: NxWorkspace, file: string): string | undefined {
  const plugins = Array.isArray(workspace.nxJson['plugins'])
    ? (workspace.nxJson['plugins'] as unknown[])
    : [];
  for (const plugin of plugins) {
    const registration = typeof plugin === 'string' ? { plugin } : asRecord(plugin);
    if (!PLUGIN_NAMES.has(String(registration?.['plugin']))) continue;
    if (
      !matchesAny(file, registration?.['include'], true) ||
      matchesAny(file, registration?.['exclude'], false)
    )
      continue;
    const targetName = asRecord(registration?.['options'])?.['targetName'];
    return typeof targetName === 'string' && targetName ? targetName : 'plux-discover';
  }
  return undefined;
}

/** Whether `file` matches one of `globs`; `whenNone` when there are none. */
function matchesAny(file: string, globs: unknown, whenNone: boolean): boolean {
  const patterns = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string') : [];
  if (patterns.length === 0) return whenNone;
  const picomatch = localRequire()('picomatch') as typeof Picomatch;
  return picomatch(patterns, { dot: true })(file);
}

interface NxWorkspace {
  dir: string;
  nxJson: Record<string, unknown>;
}

function findNxJson(from: string): NxWorkspace | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const nxJson = readJson(join(dir, 'nx.json'));
    if (nxJson) return { dir, nxJson };
    if (dirname(dir) === dir) return undefined;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return parseJsonObject(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
