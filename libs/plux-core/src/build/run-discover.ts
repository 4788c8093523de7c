import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import picomatch from 'picomatch';

import { diffIndex, type IndexDiff } from './diff.js';
import { discoverPlugins, type DiscoverOptions, type DiscoverResult } from './discover.js';
import { DiscoveryError } from './errors.js';
import { validateIndexSchema } from './index-schema.js';
import { editPackageJsonText, readPackageJson, type PackageJsonFile } from './package-json.js';
import { isWithin } from '../utils/paths.js';
import { relativePosix } from '../utils/posix.js';
import { removeStaleTemps, writeAtomically } from './write-atomically.js';

/** Options of {@link runDiscover}: those of {@link discoverPlugins}, plus where the index goes. */
export interface RunDiscoverOptions extends DiscoverOptions {
  /** The index file, relative to `root` (or absolute). Default `plux.json`; `-` writes no file. */
  output?: string;
  /** Write nothing; report whether the index file is stale (a CI lint). */
  check?: boolean;
  /**
   * Point package.json at the index: set `"plux": "./plux.json"` and, when package.json has `files`, add the index
   * to it. Off by default: discovery never edits package.json unasked; it gives a hint instead.
   */
  updatePackage?: boolean;
}

/** What {@link runDiscover} did. */
export interface RunDiscoverResult {
  /** What discovery found. */
  result: DiscoverResult;
  /** The absolute path of the index file compared with (and written); undefined for `output: '-'`. */
  output?: string;
  /** The index file, when this run wrote it: it was missing or its bytes differed (never with `check`). */
  written?: string;
  /** How the index file on disk differs from the discovered plugins (before writing). */
  diff: IndexDiff;
  /**
   * The index file did not hold exactly the discovered bytes. Without `check` it has now been rewritten; with
   * `check` the caller should fail. Always false for `output: '-'`.
   */
  stale: boolean;
  /** Advice about package.json (no `plux` field, the index missing from `files`); empty when all is in place. */
  hints: string[];
  /** The package.json path, when `updatePackage` changed it. */
  packageUpdated?: string;
  /**
   * With `check`: how the index file on disk breaks `plux.schema.json` (not JSON, a bad entry …), one line each;
   * empty when it conforms or does not exist.
   */
  schemaProblems: string[];
}

/**
 * Discovers a package's plugins and writes (or, with `check`, verifies) its `plux.json`: what `plux discover` and
 * the Nx executor `@plux/nx:discover` both run. The file is written only when its bytes change, atomically (a temp
 * file renamed over it, through a symlink, keeping its mode), so its timestamp stays put when nothing changed;
 * temp files of earlier runs that were killed are removed. package.json is edited as text: only the `plux` field
 * and the `files` entry change, every other byte stays.
 *
 * @example
 * ```ts
 * const { stale, diff } = await runDiscover({ root: 'libs/services', check: true });
 * if (stale) throw new Error(`plux.json is stale: added ${diff.added.join(', ')}`);
 * ```
 * @throws DiscoveryError as {@link discoverPlugins} does, and when `check` is combined with `output: '-'` or
 *   `updatePackage`.
 */
export async function runDiscover(options: RunDiscoverOptions): Promise<RunDiscoverResult> {
  if (options.check && options.output === '-') {
    throw new DiscoveryError('check compares with an index file: it cannot be combined with output "-"');
  }
  if (options.check && options.updatePackage) {
    throw new DiscoveryError('check writes nothing: it cannot be combined with updatePackage');
  }
  const result = await discoverPlugins(options);
  const output = options.output === '-' ? undefined : resolve(result.root, options.output ?? 'plux.json');
  const previous = output === undefined ? undefined : readIfExists(output);
  const stale = output !== undefined && previous !== result.index;
  const diff = diffIndex(previous, result.index);
  const schemaProblems = options.check && previous !== undefined ? schemaProblemsOf(previous) : [];
  const run: RunDiscoverResult = { result, diff, stale, hints: [], schemaProblems };
  if (output === undefined) return run;
  run.output = output;
  if (stale && !options.check) {
    writeAtomically(output, result.index);
    run.written = output;
  } else if (!options.check) {
    removeStaleTemps(output); // what a killed earlier run left behind (a write does this itself)
  }
  if (!isWithin(result.root, output)) return run;

  const pkg = readPackageJson(result.root);
  const indexPath = relativePosix(result.root, output);
  if (options.updatePackage && updatePackageJson(pkg, indexPath)) run.packageUpdated = pkg.path;
  else if (!options.check) removeStaleTemps(pkg.path);
  run.hints = packageHints(readPackageJson(result.root), indexPath);
  return run;
}

/** What is missing in package.json for the runtime to find, and npm to publish, the index at `indexPath`. */
function packageHints(pkg: PackageJsonFile, indexPath: string): string[] {
  const hints: string[] = [];
  const field = pkg.json['plux'];
  const wanted = `./${indexPath}`;
  if (field === undefined) {
    hints.push(
      `package.json has no "plux" field, so the runtime will not find this index: add "plux": "${wanted}" ` +
        '(or run again with --update-package)',
    );
  } else if (typeof field === 'string') {
    if (normalize(field) !== indexPath) {
      hints.push(`package.json "plux" points to ${field}, not to the index just written (${wanted})`);
    }
  } else {
    hints.push(
      `package.json holds an inline index in "plux", which wins over ${wanted}: set "plux": "${wanted}"`,
    );
  }
  const files = pkg.json['files'];
  if (Array.isArray(files) && !coveredByFiles(files, indexPath)) {
    hints.push(
      `package.json "files" does not include ${indexPath}, so the published package would lack its index: add "${indexPath}"`,
    );
  }
  return hints;
}

/**
 * Sets the `plux` field and adds the index to `files`, editing package.json as text so that every other byte
 * stays; returns whether package.json changed.
 */
function updatePackageJson(pkg: PackageJsonFile, indexPath: string): boolean {
  const { json } = pkg;
  const plux = json['plux'];
  const files = json['files'];
  const text = editPackageJsonText(pkg.text, {
    plux: typeof plux === 'string' && normalize(plux) === indexPath ? undefined : `./${indexPath}`,
    appendToFiles: Array.isArray(files) && !coveredByFiles(files, indexPath) ? indexPath : undefined,
  });
  if (text === pkg.text) return false;
  writeAtomically(pkg.path, text);
  return true;
}

function coveredByFiles(files: unknown[], indexPath: string): boolean {
  return files.some((entry) => {
    if (typeof entry !== 'string' || entry.startsWith('!')) return false;
    const pattern = normalize(entry).replace(/\/$/, '');
    if (pattern === '' || pattern === indexPath || indexPath.startsWith(`${pattern}/`)) return true;
    try {
      return picomatch(pattern, { dot: true })(indexPath);
    } catch {
      return false;
    }
  });
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

function schemaProblemsOf(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  return validateIndexSchema(json);
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
