/**
 * Reading one package's index: its package.json `plux` field (a path to `plux.json`, or the index inline), each
 * entry validated and its module checked to exist inside the package, symlinks resolved. Every problem is a
 * message naming the package, the file and the fix; nothing is imported.
 */
import { statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

import type { Distribution, EntryPoint } from '../core/entry-point.js';
import { checkModulePath, parseIndex } from '../core/plux-index.js';
import { isBelow } from '../utils/paths.js';
import { isRecord } from '../utils/records.js';
import { realFile, realPath } from './fs.js';
import { nxDiscoverCommand } from './nx-hint.js';
import { CAN_REFUSE_LINKS, FileRefusedError, readRegularFile, readRegularText } from './read-file.js';
import { nameFromFolder, type PackageCandidate, TIER_RANK } from './visible-packages.js';
import type { WatchRecorder } from './watch.js';

/** One package with a `plux` field, and the entries of its index that passed validation. */
export interface PackageIndex {
  distribution: Distribution;
  /** Precedence: the tier, then pnpm-hoisted after the top level; lower wins. */
  rank: number;
  entries: EntryPoint[];
}

/** What reading packages shares: the recorder for the cache, the problems, the packages already read. */
export interface ReadContext {
  recorder: WatchRecorder;
  problems: Set<string>;
  /** Real roots already read: a package reached twice (a workspace link, pnpm's links) counts once. */
  seen: Set<string>;
}

/**
 * Reads one folder's package.json and, when it has a `plux` field, its index. Packages without one cost a single
 * read (and no JSON parse unless the text mentions `"plux"`).
 */
export function readPackageIndex(
  candidate: PackageCandidate,
  context: ReadContext,
): PackageIndex | undefined {
  const { recorder, problems } = context;
  const file = candidate.dir + sep + 'package.json';
  // Files inside node_modules change through installs, which the install state and the folder listings already
  // capture; a workspace or linked package changes on its own, so the cache watches its files one by one.
  const watched = candidate.linked || candidate.tier === 'workspace';
  let text: string | undefined;
  try {
    // a watched file's text is kept for the cache's fingerprint; any other is only wanted when it mentions plux
    text = readRegularText(file, { wanted: watched ? undefined : mentionsPlux });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (watched) recorder.file(file, undefined);
    if (code === 'ELOOP') problems.add(`${candidate.dir} is a symlink loop; remove the link (skipped)`);
    else if (code !== 'ENOENT' && code !== 'ENOTDIR')
      problems.add(`cannot read ${file}: ${(error as Error).message} (skipped)`);
    return undefined;
  }
  if (text === undefined) return undefined;
  if (watched) recorder.file(file, text);
  if (candidate.tier !== 'workspace' && !mentionsPlux(text)) return undefined;
  let packageJson: Record<string, unknown>;
  try {
    packageJson = asRecord(JSON.parse(text), 'a package.json must hold a JSON object');
  } catch (error) {
    problems.add(
      `${realPath(file)}: malformed package.json (${(error as Error).message}); its plugins are not listed until ` +
        (candidate.tier === 'workspace' ? 'its JSON is fixed' : 'the package is reinstalled'),
    );
    return undefined;
  }
  if (!Object.hasOwn(packageJson, 'plux')) return undefined;
  const rootDir = candidate.realDir ?? candidate.dir;
  if (context.seen.has(rootDir)) return undefined;
  context.seen.add(rootDir);

  const name =
    typeof packageJson['name'] === 'string' && packageJson['name']
      ? packageJson['name']
      : nameFromFolder(rootDir);
  const version = typeof packageJson['version'] === 'string' ? packageJson['version'] : '0.0.0';
  const workspace = candidate.tier === 'workspace';
  const distribution: Distribution = { name, version, root: rootDir, packageJson, workspace };
  packageFolders.set(distribution, candidate.dir);
  const label = `${name}@${version} (${rootDir})`;
  // the hints are worked out once, and only when a problem needs them (in an Nx workspace they name the
  // package's Nx target)
  let nx: { command: string | undefined } | undefined;
  const nxCommand = () =>
    (nx ??= { command: workspace ? nxDiscoverCommand(rootDir, packageJson) : undefined }).command;
  const regenerate = () =>
    workspace ? regenerateHint(nxCommand()) : 'reinstall the package, or report it to its maintainers';

  const raw = readIndex(packageJson['plux'], { rootDir, file, label, regenerate, watched, context });
  if (raw === undefined) return undefined;
  const parsed = parseIndex(raw.index);
  // one package's bad entries are reported one by one up to a limit: a broken (or hostile) index of thousands of
  // entries must not flood every start's stderr, nor the cache that replays the report
  const entryProblems: string[] = parsed.problems.map(
    (problem) => `${label}, ${raw.source}: ${problem} (skipped); ${regenerate()}`,
  );

  const entries: EntryPoint[] = [];
  // Most entries of a package share a few modules: check each module once. parseIndex has ruled out absolute
  // paths and URLs, so plain concatenation is safe, and realpath does the normalising.
  const modules = new Map<string, { real: string | undefined; error?: string; inside: boolean }>();
  const rootPrefix = rootDir + sep;
  for (const plugin of parsed.plugins) {
    let module = modules.get(plugin.module);
    if (!module) {
      const path = rootPrefix + plugin.module;
      if (watched) recorder.presence(resolve(path));
      const { real, error } = realFile(path);
      module = { real, error: error?.message, inside: real !== undefined && real.startsWith(rootPrefix) };
      modules.set(plugin.module, module);
    }
    if (!module.inside) {
      const where = `${label}, ${raw.source}: plugin ${plugin.namespace}:${plugin.name}: module ${plugin.module}`;
      const command = nxCommand();
      const build = !workspace
        ? regenerate()
        : command
          ? `run \`${command}\` (it builds the package first)`
          : 'build the package, then run `plux discover` in it';
      entryProblems.push(
        module.error !== undefined
          ? `${where} cannot be read (${module.error}; skipped); make it readable, or ${regenerate()}`
          : module.real === undefined
            ? `${where} does not exist (skipped); ${build}`
            : `${where} resolves to ${module.real}, outside the package (skipped, never imported); ${regenerate()}`,
      );
      continue;
    }
    entries.push({
      namespace: plugin.namespace,
      name: plugin.name,
      module: module.real!,
      export: plugin.export,
      value: `${name}:${plugin.module}#${plugin.export}`,
      distribution,
    });
  }
  for (const problem of entryProblems.slice(0, MAX_PROBLEMS_PER_INDEX)) problems.add(problem);
  if (entryProblems.length > MAX_PROBLEMS_PER_INDEX) {
    const more = entryProblems.length - MAX_PROBLEMS_PER_INDEX;
    problems.add(
      `${label}, ${raw.source}: ${more} more entries skipped for the same kinds of reasons; ${regenerate()}`,
    );
  }
  return { distribution, rank: TIER_RANK[candidate.tier] * 2 + (candidate.hoisted ? 1 : 0), entries };
}

/** Whether a package.json may have a `plux` field: the JSON parse of most package.json files is saved. */
const mentionsPlux = (text: string): boolean => text.includes('"plux"');

/**
 * The folder each package was reached through, where the finder made the package: its own folder, or a link in a
 * `node_modules` folder (then its root is where the link leads). The load-time check resolves it again.
 */
const packageFolders = new WeakMap<Distribution, string>();

/** Records the folder `distribution` was reached through (see {@link packageFolderOf}). */
export function setPackageFolder(distribution: Distribution, folder: string): void {
  packageFolders.set(distribution, folder);
}

/** The folder the finder reached `distribution` through; undefined for a package the finder did not make. */
export function packageFolderOf(distribution: Distribution): string | undefined {
  return packageFolders.get(distribution);
}

/**
 * Why `distribution`, made by the finder (maybe from the on-disk cache), is not a package plux would find now, or
 * undefined when it is: the folder it was reached through must still resolve to its root, and the root must hold
 * a package.json. A cache, stale or forged, is never the authority on where a package lives.
 */
export function packageFolderProblem(distribution: Distribution): string | undefined {
  const folder = packageFolders.get(distribution);
  if (folder === undefined) return undefined;
  const { real, error } = realFile(folder);
  if (real === undefined) {
    return error ? `its folder ${folder} cannot be read (${error.message})` : `its folder ${folder} is gone`;
  }
  if (real !== distribution.root)
    return `its folder ${folder} resolves to ${real}, not to ${distribution.root}`;
  try {
    if (!statSync(distribution.root + sep + 'package.json').isFile()) throw new Error('not a file');
  } catch {
    return `${distribution.root} holds no package.json`;
  }
  return undefined;
}

/** How many skipped entries of one index are reported one by one; the rest are counted in one more message. */
export const MAX_PROBLEMS_PER_INDEX = 20;

interface IndexSource {
  rootDir: string;
  file: string;
  label: string;
  regenerate: () => string;
  watched: boolean;
  context: ReadContext;
}

/** The raw index a `plux` field designates (a path to a JSON file, or the index inline), or undefined. */
function readIndex(field: unknown, where: IndexSource): { index: unknown; source: string } | undefined {
  const { rootDir, file, label, regenerate, watched, context } = where;
  if (isRecord(field)) {
    return { index: field, source: `${file} ("plux" field)` };
  }
  if (typeof field !== 'string') {
    context.problems.add(
      `${label}: the "plux" field of ${file} must be the path of the index ("./plux.json") or the index itself, got ${JSON.stringify(field)}`,
    );
    return undefined;
  }
  const bad = checkModulePath(field);
  if (bad) {
    context.problems.add(
      `${label}: the "plux" field of ${file} is not a path inside the package: ${bad.replace(/^module /, '')}`,
    );
    return undefined;
  }
  const indexFile = resolve(rootDir, field);
  const cannotRead = (error: unknown) => {
    if (watched) context.recorder.file(indexFile, undefined);
    const code = (error as NodeJS.ErrnoException).code;
    context.problems.add(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${label}: the "plux" field of ${file} points at ${field}, which does not exist; ${regenerate()}`
        : `${label}: cannot read ${indexFile} (the "plux" field of ${file}): ${(error as Error).message}` +
            (error instanceof FileRefusedError ? ` (ignored); ${regenerate()}` : ''),
    );
    return undefined;
  };
  let text = readOwnIndex(indexFile, rootDir);
  if (text === undefined) {
    // where it really is first: a file outside the package is never opened (it could be anything, a FIFO included)
    const { real: realIndex, error } = realFile(indexFile);
    if (realIndex === undefined)
      return cannotRead(error ?? Object.assign(new Error('missing'), { code: 'ENOENT' }));
    if (!isBelow(rootDir, realIndex)) {
      if (watched) context.recorder.presence(indexFile);
      context.problems.add(
        `${label}: ${indexFile} resolves to ${realIndex}, outside the package (ignored); ${regenerate()}`,
      );
      return undefined;
    }
    try {
      text = readRegularFile(realIndex);
    } catch (error) {
      return cannotRead(error);
    }
  }
  if (watched) context.recorder.file(indexFile, text);
  try {
    return { index: JSON.parse(text) as unknown, source: indexFile };
  } catch (error) {
    context.problems.add(
      `${label}: ${indexFile} is malformed JSON (${(error as Error).message}); ${regenerate()}`,
    );
    return undefined;
  }
}

/**
 * The text of an index that lies in the package's own folder (`./plux.json`, the usual place) and is no symlink,
 * read without resolving its real path first: opened without following a link, the file read is the folder's own
 * entry, so inside the package (`rootDir` is a real path). Saves a realpath call per package on a cold scan.
 * Undefined when the index is elsewhere, is a link, or cannot be read this way: the caller then resolves it first
 * and reports what is wrong.
 */
function readOwnIndex(indexFile: string, rootDir: string): string | undefined {
  if (!CAN_REFUSE_LINKS || dirname(indexFile) !== rootDir) return undefined;
  try {
    return readRegularText(indexFile, { noFollow: true });
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(message);
  return value as Record<string, unknown>;
}

/** How to rewrite a workspace package's index: its Nx target inside an Nx workspace, else `plux discover`. */
function regenerateHint(nx: string | undefined): string {
  return nx
    ? `run \`${nx}\` to regenerate plux.json`
    : 'run `plux discover` in that package to regenerate plux.json';
}
