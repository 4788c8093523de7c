import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DiscoveryError } from './errors.js';

/** A package.json as discovery reads it: parsed, with the text kept so an update can keep its formatting. */
export interface PackageJsonFile {
  /** Absolute path of the package.json. */
  path: string;
  /** Its parsed content. */
  json: Record<string, unknown>;
  /** Its text as read. */
  text: string;
}

/**
 * Reads `<root>/package.json`.
 *
 * @throws DiscoveryError when the file is missing, is not JSON, or is not a JSON object.
 */
export function readPackageJson(root: string): PackageJsonFile {
  const path = join(root, 'package.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DiscoveryError(
        `${root} has no package.json: pass the package root (the folder of package.json)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DiscoveryError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DiscoveryError(`${path} must hold a JSON object`);
  }
  return { path, json: json as Record<string, unknown>, text };
}

/** The package's name for messages: its `name`, else its folder. */
export function packageLabel(pkg: PackageJsonFile, root: string): string {
  return typeof pkg.json['name'] === 'string' ? pkg.json['name'] : root;
}

/**
 * The module a package's `import` resolves to, from `exports["."]` (the first condition Node's `import()` would
 * take: `node`, `import`, `module-sync` or `default`, in the map's order, `require` as a last resort), else `main`.
 */
export function builtEntryOf(json: Record<string, unknown>): string | undefined {
  const fromExports = entryOfExports(json['exports']);
  if (fromExports) return fromExports;
  return typeof json['main'] === 'string' && json['main'] ? json['main'] : undefined;
}

const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

function entryOfExports(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const entry = entryOfExports(item);
      if (entry) return entry;
    }
    return undefined;
  }
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.'))) return entryOfExports(map['.']);
  for (const key of keys) {
    if (IMPORT_CONDITIONS.has(key)) {
      const entry = entryOfExports(map[key]);
      if (entry) return entry;
    }
  }
  return entryOfExports(map['require']);
}
