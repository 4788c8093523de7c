/**
 * How a consumer reaches a plugin's type from outside its package: an import specifier that TypeScript resolves
 * (the package's own name, through its `exports` map), and the export's name there. Reads package.json and
 * `.d.ts` files only; imports nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { EntryPoint } from '../../core/entry-point.js';
import { isBelow } from '../../utils/paths.js';
import { relativePosix } from '../../utils/posix.js';

/** Where a plugin's type can be imported from, or why it cannot. */
export type Reach = { specifier: string; exportName: string } | { unreachable: string };

/** Conditions TypeScript takes when it resolves an `exports` map for a type import, in its order of preference. */
const TYPE_CONDITIONS = ['types', 'import', 'node', 'module-sync', 'default', 'require'];

/** The import specifier and export name that give `entryPoint`'s export to a consumer, or why there is none. */
export function reachExport(entryPoint: EntryPoint): Reach {
  const dist = entryPoint.distribution;
  if (!dist) return { unreachable: 'its package is unknown' };
  const moduleRel = relativePosix(dist.root, entryPoint.module);
  const moduleTypes = typesFileOf(entryPoint.module);
  if (!moduleTypes) {
    return { unreachable: `./${moduleRel} has no type declarations beside it (no .d.ts)` };
  }
  const exportsField = dist.packageJson['exports'];
  const subpaths = subpathsOf(exportsField);

  // 1. the package's root entry: the module itself, or a barrel that re-exports the export under its name
  const rootTypes = rootTypesOf(dist.root, dist.packageJson, subpaths);
  if (rootTypes && reexports(rootTypes, entryPoint.export, moduleTypes, new Set())) {
    return { specifier: dist.name, exportName: entryPoint.export };
  }
  // 2. a subpath of the exports map that leads to the module
  if (subpaths) {
    for (const [subpath, target] of subpaths) {
      if (subpath === '.') continue;
      const match = matchSubpath(subpath, target, dist.root, entryPoint.module, moduleTypes);
      if (match) return { specifier: `${dist.name}/${match}`, exportName: entryPoint.export };
    }
    return {
      unreachable:
        `no entry of the "exports" map of ${dist.name} leads to ./${moduleRel}, and its root entry does not ` +
        `re-export ${entryPoint.export}; export it from the package (a barrel or an "exports" subpath)`,
    };
  }
  // 3. no exports map: every file of the package can be imported by its path
  return { specifier: `${dist.name}/${moduleRel}`, exportName: entryPoint.export };
}

/** The `.d.ts` beside a JavaScript module (`.d.mts` / `.d.cts` for `.mjs` / `.cjs`), if there is one. */
function typesFileOf(module: string): string | undefined {
  const candidates = /\.mjs$/.test(module)
    ? [module.replace(/\.mjs$/, '.d.mts')]
    : /\.cjs$/.test(module)
      ? [module.replace(/\.cjs$/, '.d.cts')]
      : /\.(js|jsx)$/.test(module)
        ? [module.replace(/\.jsx?$/, '.d.ts')]
        : /\.d\.[mc]?ts$/.test(module)
          ? [module]
          : [];
  return candidates.find((c) => existsSync(c));
}

/** The `exports` map as subpath → target, or undefined when the package has none. */
function subpathsOf(exportsField: unknown): Map<string, unknown> | undefined {
  if (exportsField === undefined || exportsField === null) return undefined;
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) return new Map([['.', exportsField]]);
  if (typeof exportsField !== 'object') return undefined;
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.')))
    return new Map(keys.filter((k) => k.startsWith('.')).map((k) => [k, map[k]]));
  return new Map([['.', exportsField]]);
}

/** The files a subpath's target may designate: every condition TypeScript could take, in preference order. */
function targetsOf(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (Array.isArray(target)) return target.flatMap(targetsOf);
  if (typeof target !== 'object' || target === null) return [];
  const map = target as Record<string, unknown>;
  const ordered = [
    ...TYPE_CONDITIONS.filter((c) => c in map),
    ...Object.keys(map).filter((c) => !TYPE_CONDITIONS.includes(c)),
  ];
  return ordered.flatMap((c) => targetsOf(map[c]));
}

/** The `.d.ts` of the package's root entry: `exports["."]`, else `types`/`typings`, else beside `main`. */
function rootTypesOf(
  root: string,
  packageJson: Record<string, unknown>,
  subpaths: Map<string, unknown> | undefined,
): string | undefined {
  const targets = subpaths
    ? targetsOf(subpaths.get('.'))
    : [packageJson['types'], packageJson['typings'], packageJson['main'] ?? './index.js'].filter(
        (t): t is string => typeof t === 'string',
      );
  for (const target of targets) {
    const file = insideRoot(root, target);
    const types =
      file && (/\.d\.[mc]?ts$/.test(file) ? (existsSync(file) ? file : undefined) : typesFileOf(file));
    if (types) return types;
  }
  return undefined;
}

/** The subpath (without `./`) under which `subpath`'s target designates the module, if it does. */
function matchSubpath(
  subpath: string,
  target: unknown,
  root: string,
  module: string,
  moduleTypes: string,
): string | undefined {
  for (const candidate of targetsOf(target)) {
    const star = candidate.indexOf('*');
    const keyStar = subpath.indexOf('*');
    if (star === -1 || keyStar === -1) {
      const file = insideRoot(root, candidate);
      if (file === module || file === moduleTypes) return subpath.slice(2);
      continue;
    }
    for (const wanted of [module, moduleTypes]) {
      const rel = `./${relativePosix(root, wanted)}`;
      const prefix = candidate.slice(0, star);
      const suffix = candidate.slice(star + 1);
      if (rel.startsWith(prefix) && rel.endsWith(suffix) && rel.length >= prefix.length + suffix.length) {
        const middle = rel.slice(prefix.length, rel.length - suffix.length);
        return (subpath.slice(0, keyStar) + middle + subpath.slice(keyStar + 1)).slice(2);
      }
    }
  }
  return undefined;
}

const STAR_EXPORT = /export\s*\*\s*from\s*['"]([^'"]+)['"]/g;
const NAMED_EXPORT = /export\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g;

/**
 * Whether the declarations in `file` export `name` as the export of `target` (`file` is `target`, or re-exports it
 * through `export * from` / `export { name } from` chains, as tsc writes barrels).
 */
function reexports(file: string, name: string, target: string, seen: Set<string>): boolean {
  if (file === target) return true;
  if (seen.has(file) || seen.size > 64) return false;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  for (const [, specifier] of text.matchAll(STAR_EXPORT)) {
    const next = resolveDeclaration(file, specifier!);
    if (next && reexports(next, name, target, seen)) return true;
  }
  for (const [, list, specifier] of text.matchAll(NAMED_EXPORT)) {
    for (const item of list!.split(',')) {
      const [original, alias] = item
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .map((s) => s.trim());
      if ((alias ?? original) !== name || !original) continue;
      const next = resolveDeclaration(file, specifier!);
      if (next && reexports(next, original, target, seen)) return true;
    }
  }
  return false;
}

/** The `.d.ts` a relative specifier in a declaration file designates. */
function resolveDeclaration(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = /\.[mc]?jsx?$/.test(base)
    ? [typesFileOf(base)]
    : [`${base}.d.ts`, `${base}/index.d.ts`, base];
  return candidates.find((c): c is string => c !== undefined && existsSync(c) && /\.d\.[mc]?ts$/.test(c));
}

function insideRoot(root: string, target: string): string | undefined {
  if (!target.startsWith('./')) return undefined;
  const file = resolve(root, target);
  return isBelow(root, file) ? file : undefined;
}
