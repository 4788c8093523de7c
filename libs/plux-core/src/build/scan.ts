import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import picomatch from 'picomatch';

import { DiscoveryError } from './errors.js';
import { createLeftOverCheck } from './left-overs.js';
import { builtEntryOf, packageLabel, type PackageJsonFile } from './package-json.js';
import { compareStrings } from '../utils/compare.js';
import { isDirectory } from '../utils/fs.js';
import { isWithin } from '../utils/paths.js';
import { relativePosix } from '../utils/posix.js';

/** The module files discovery imports: `.js`, `.mjs` and `.cjs`. */
const MODULE_FILE = /\.(?:js|mjs|cjs)$/;
/** Test files are never imported: they expect a test runner around them. */
const TEST_FILE = /\.(?:spec|test)\.(?:js|mjs|cjs)$/;
/** Folders never entered: dependencies, tests, and dot-folders (`.cache`, `.git`). */
const SKIPPED_FOLDER = /^(?:node_modules|__tests__|\..*)$/;

/**
 * The absolute folder discovery scans: `path` (relative to the root) when given, else the folder of the package's
 * built entry (`exports["."]`, else `main`).
 *
 * @throws DiscoveryError when there is no such folder, it lies outside the root, or package.json names no entry.
 */
export function resolveScanFolder(root: string, pkg: PackageJsonFile, path?: string): string {
  const label = packageLabel(pkg, root);
  let folder: string;
  if (path !== undefined) {
    folder = resolve(root, path);
    if (!isDirectory(folder)) {
      throw new DiscoveryError(
        `${label}: the folder to scan, ${path}, does not exist in ${root}; build the package first or fix --path`,
      );
    }
  } else {
    const entry = builtEntryOf(pkg.json);
    if (!entry) {
      throw new DiscoveryError(
        `${label}: cannot tell which folder to scan: package.json has neither exports["."] nor main; pass --path (e.g. --path dist)`,
      );
    }
    folder = dirname(resolve(root, entry));
    if (!isDirectory(folder)) {
      throw new DiscoveryError(
        `${label}: the built entry ${entry} is not there (${relative(root, folder) || '.'} is missing); build the package first, or pass --path`,
      );
    }
  }
  const real = realpathSync(folder);
  if (!isWithin(realpathSync(root), real)) {
    throw new DiscoveryError(`${label}: the folder to scan, ${folder}, is outside the package root ${root}`);
  }
  return real;
}

/** Options of {@link listModules}. */
export interface ListModulesOptions {
  /** Globs relative to the scanned folder; when given, only modules that match are imported. */
  include?: readonly string[];
  /** Globs relative to the scanned folder; a module that matches is never imported (exclude wins). */
  exclude?: readonly string[];
  /**
   * The package root. When given, a module whose source no longer exists (the output of a deleted source, which
   * `tsc` never removes) is left out and reported in `warnings` (see `left-overs.ts`).
   */
  root?: string;
}

/** The result of {@link listModules}. */
export interface ModuleListing {
  /** Absolute real paths of the modules to import, sorted by their path relative to the folder. */
  files: string[];
  /** Things the caller should be told about, e.g. a symlink that leads out of the folder. */
  warnings: string[];
}

/**
 * Lists the module files under `folder` that discovery imports. A glob that matches a folder (`internal`,
 * `internal/**`) matches everything in it; an excluded folder is not even read. Symlinks are followed only while
 * they stay inside `folder`, and a file reached twice is listed once.
 *
 * @throws DiscoveryError when a glob is not a valid pattern.
 */
export function listModules(folder: string, options: ListModulesOptions = {}): ModuleListing {
  const include = options.include?.length ? compileGlobs(options.include, 'include') : undefined;
  const exclude = options.exclude?.length ? compileGlobs(options.exclude, 'exclude') : undefined;
  const seen = new Set<string>();
  const found: { rel: string; file: string }[] = [];
  const warnings: string[] = [];
  const leftOver = options.root === undefined ? undefined : createLeftOverCheck(options.root);
  const root = options.root;
  const base = resolve(folder);

  const walk = (dir: string, relDir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const path = join(dir, entry.name);
      const kind = kindOf(entry, path);
      if (kind === 'other') continue;
      if (kind === 'dir' && SKIPPED_FOLDER.test(entry.name)) continue;
      if (exclude?.(rel)) continue;
      const real = safeRealpath(path);
      if (!real) continue;
      if (!isWithin(base, real)) {
        warnings.push(`skipped ${rel}: it is a symlink to ${real}, outside the scanned folder`);
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (kind === 'dir') {
        walk(path, rel);
      } else if (MODULE_FILE.test(entry.name) && !TEST_FILE.test(entry.name) && (!include || include(rel))) {
        const stale = leftOver?.(real);
        if (stale && root !== undefined) {
          const module = toModulePath(root, real);
          const source = relativePosix(root, stale.source);
          warnings.push(
            `${module} is left over from an earlier build: its source ${source} no longer exists, so it is not ` +
              `indexed; delete it, or delete the build output and build again`,
          );
          continue;
        }
        found.push({ rel, file: real });
      }
    }
  };
  walk(folder, '');
  found.sort((a, b) => compareStrings(a.rel, b.rel));
  return { files: found.map((f) => f.file), warnings };
}

/** `./dist/services.js`: a module's path (absolute) as the index writes it, relative to the package root. */
export function toModulePath(root: string, file: string): string {
  return `./${relativePosix(root, file)}`;
}

/** A matcher that is true when a relative path, or one of the folders it lies in, matches one of the globs. */
function compileGlobs(globs: readonly string[], option: string): (rel: string) => boolean {
  let isMatch: (path: string) => boolean;
  try {
    const patterns = globs.map((g) => g.replace(/^\.\//, ''));
    isMatch = picomatch(patterns, { dot: true });
  } catch (error) {
    throw new DiscoveryError(`${option}: ${(error as Error).message} (got ${JSON.stringify(globs)})`, {
      cause: error,
    });
  }
  return (rel) => {
    if (isMatch(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) {
      if (isMatch(rel.slice(0, i))) return true;
    }
    return false;
  };
}

function kindOf(entry: Dirent, path: string): 'file' | 'dir' | 'other' {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // a dangling symlink
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
