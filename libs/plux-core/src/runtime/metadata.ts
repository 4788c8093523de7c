/**
 * Which package provides a plugin (plux's `runtime/metadata.py`, where the answer is an importlib `Distribution`).
 *
 * Python finds the distribution of a plugin from its factory's module. A JavaScript function does not know its
 * module, so the manager remembers the distribution of every plugin it resolves from an entry point, and a file
 * path or URL is looked up by walking up to the package.json that names its package.
 */
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Distribution } from '../core/entry-point.js';
import type { PluginSpec } from '../core/plugin.js';
import { parseJsonObject, realPath } from './fs.js';
import { readRegularFile } from './read-file.js';

const bySpec = new WeakMap<object, Distribution>();
const byRoot = new Map<string, Distribution>();

/**
 * The package that provides a plugin, or undefined when it cannot be told (plux's
 * `resolve_distribution_information`).
 *
 * - A `PluginSpec` resolved by a {@link PluginManager} from an index gives the package of that index entry.
 * - A file path or `file:` URL (e.g. `import.meta.url`) gives the nearest enclosing package with a name.
 *
 * @example
 * ```ts
 * resolveDistribution(import.meta.url)?.name;   // '@acme/services'
 * manager.getContainer('s3').distribution?.version;
 * ```
 */
export function resolveDistribution(target: PluginSpec | string): Distribution | undefined {
  if (typeof target !== 'string') {
    if (typeof target !== 'object' || target === null) return undefined;
    return (
      bySpec.get(target) ?? (typeof target.factory === 'function' ? bySpec.get(target.factory) : undefined)
    );
  }
  let path: string;
  try {
    path = target.startsWith('file:') ? fileURLToPath(target) : resolve(target);
  } catch {
    return undefined;
  }
  // a path that does not exist (yet) still belongs to the package around it
  path = realPath(path);
  for (let dir = path; ; dir = dirname(dir)) {
    const known = byRoot.get(dir);
    if (known) return known;
    const distribution = readDistribution(dir);
    if (distribution) return distribution;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Records which package provides `spec` (and its factory, so an equal spec made from the same factory finds it
 * too). The manager calls this when it resolves an entry point.
 */
export function rememberDistribution(spec: PluginSpec, distribution: Distribution): void {
  bySpec.set(spec, distribution);
  if (typeof spec.factory === 'function') bySpec.set(spec.factory, distribution);
}

/**
 * Makes `distribution` the answer for files inside its root, so that a path and an entry point of one package
 * give the same object. The finder calls this for every package it reads.
 */
export function registerDistribution(distribution: Distribution): void {
  byRoot.set(distribution.root, distribution);
}

/**
 * A {@link Distribution} whose `packageJson` is read from disk on first access: what a warm start, answered from
 * the cache, hands out without reading any package.json.
 */
export function createLazyDistribution(fields: Omit<Distribution, 'packageJson'>): Distribution {
  let packageJson: Record<string, unknown> | undefined;
  const { name, version, root, workspace } = fields;
  return {
    name,
    version,
    root,
    workspace,
    get packageJson() {
      return (packageJson ??= readPackageJson(root) ?? {});
    },
    set packageJson(value: Record<string, unknown>) {
      packageJson = value;
    },
  };
}

/** The distribution whose root is `dir`, when `dir` has a package.json with a name. */
function readDistribution(dir: string): Distribution | undefined {
  const packageJson = readPackageJson(dir);
  const name = packageJson?.['name'];
  if (!packageJson || typeof name !== 'string' || name === '') return undefined;
  const version = packageJson['version'];
  const distribution: Distribution = {
    name,
    version: typeof version === 'string' ? version : '0.0.0',
    root: dir,
    packageJson,
    // a package outside every node_modules folder is one the user works on, not one that was installed
    workspace: !dir.split(sep).includes('node_modules'),
  };
  byRoot.set(dir, distribution);
  return distribution;
}

function readPackageJson(dir: string): Record<string, unknown> | undefined {
  try {
    // bounded, regular files only: a FIFO or a link to /dev/zero named package.json must not hang the walk
    return parseJsonObject(readRegularFile(join(dir, 'package.json')));
  } catch {
    return undefined;
  }
}
