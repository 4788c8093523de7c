/**
 * The default {@link PluginFinder}: the merged index of every package visible from a folder, read from the
 * packages' `plux` fields (an index file or an inline index) without importing anything.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';

import type { Distribution, EntryPoint, PluginFinder } from '../core/entry-point.js';
import { log } from '../core/log.js';
import { checkModulePath, parseIndex } from '../core/plux-index.js';
import {
  deserializeIndex,
  type IndexView,
  type ShadowedEntryPoint,
  EntryPointsCache,
  type MergedIndex,
  serializeIndex,
  WatchRecorder,
} from './cache.js';
import { registerDistribution } from './metadata.js';
import {
  findVisiblePackages,
  findWorkspaceRoot,
  nameFromFolder,
  type PackageCandidate,
  TIER_RANK,
  type WorkspaceRoot,
} from './workspace.js';

/** Options of {@link IndexPluginFinder}. */
export interface IndexPluginFinderOptions {
  /** Where package resolution starts; default `process.cwd()`. */
  cwd?: string;
  /** Use the on-disk cache in `<root>/node_modules/.cache/plux/`; default: on unless `PLUX_NO_CACHE=1`. */
  cache?: boolean;
}

export type { ShadowedEntryPoint } from './cache.js';

/**
 * Finds plugins in the indexes of every package visible from `cwd`: the workspace packages of the enclosing
 * workspace, and the packages installed in `node_modules` of its root and of each workspace package (see DESIGN.md
 * "Run-time resolution"). Everything is synchronous and imports nothing; the first call scans (or reads the on-disk
 * cache), later calls answer from memory until {@link refresh}.
 *
 * When two packages declare the same `namespace:name`, a workspace package wins over the root's `node_modules`,
 * which wins over a workspace package's own `node_modules`; within one of those, the package name and then the
 * path decide. The loser is reported once, as a warning naming both packages, and never listed.
 *
 * @example
 * ```ts
 * const finder = IndexPluginFinder.forCwd();
 * finder.findPlugins('acme.services').map((ep) => ep.value); // ['@acme/services:./dist/s3.js#s3', …]
 * ```
 */
export class IndexPluginFinder implements PluginFinder {
  /** The folder package resolution starts from. */
  readonly cwd: string;
  readonly #cache: boolean | undefined;
  #scan?: IndexView;
  static readonly #shared = new Map<string, IndexPluginFinder>();

  constructor(options: IndexPluginFinderOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    this.#cache = options.cache;
  }

  /** The finder every {@link PluginManager} without its own finder shares for `cwd` (default `process.cwd()`). */
  static forCwd(cwd: string = process.cwd()): IndexPluginFinder {
    const key = resolve(cwd);
    let finder = IndexPluginFinder.#shared.get(key);
    if (!finder) IndexPluginFinder.#shared.set(key, (finder = new IndexPluginFinder({ cwd: key })));
    return finder;
  }

  /** The entry points of `namespace`, sorted by name. Imports nothing. */
  findPlugins(namespace: string): EntryPoint[] {
    return [...this.#get().findPlugins(namespace)];
  }

  /** Every visible entry point, sorted by namespace, then name. */
  listEntryPoints(): EntryPoint[] {
    return [...this.#get().listEntryPoints()];
  }

  /** The entry points that lost to another package's entry point of the same `namespace:name`. */
  listShadowed(): ShadowedEntryPoint[] {
    return this.#get().shadowed.map((s) => ({ ...s }));
  }

  /** Every problem found while reading the indexes (each also logged once per process as a warning). */
  listProblems(): string[] {
    return [...this.#get().problems];
  }

  /** Forgets what was read, so the next call scans again (or reads the on-disk cache). */
  refresh(): void {
    this.#scan = undefined;
  }

  #get(): IndexView {
    if (this.#scan) return this.#scan;
    const scan = loadIndexScan(this.cwd, this.#cache ?? process.env['PLUX_NO_CACHE'] !== '1');
    for (const problem of scan.problems) warnOnce(problem);
    for (const warning of shadowWarnings(scan.shadowed)) warnOnce(warning);
    return (this.#scan = scan);
  }
}

/** Reads the merged index visible from `cwd`, from the on-disk cache when it is fresh. */
function loadIndexScan(cwd: string, useCache: boolean): IndexView {
  const root = findWorkspaceRoot(cwd);
  if (!root) return viewOf(mergeIndexes([], []));
  const cache = useCache ? EntryPointsCache.at(root.dir) : undefined;
  const cached = cache?.read();
  if (cached !== undefined) {
    try {
      return deserializeIndex(cached, registerDistribution);
    } catch {
      log.debug(`index cache miss (${cache!.file}): unexpected content, rebuilding`);
    }
  }
  cache?.prepare();
  const started = performance.now();
  const recorder = new WatchRecorder();
  const scan = scanIndexes(root, recorder);
  log.debug(`index scanned from ${root.dir} in ${(performance.now() - started).toFixed(1)} ms`);
  cache?.write(serializeIndex(scan), recorder);
  for (const distribution of scan.distributions) registerDistribution(distribution);
  return viewOf(scan);
}

/** One package with a `plux` field, and the entries of its index that passed validation. */
interface PackageIndex {
  distribution: Distribution;
  rank: number;
  entries: EntryPoint[];
}

function scanIndexes(root: WorkspaceRoot, recorder: WatchRecorder): MergedIndex {
  const visible = findVisiblePackages(root, recorder);
  const context: ReadContext = { recorder, problems: new Set(visible.problems), seen: new Set() };
  const packages: PackageIndex[] = [];
  for (const candidate of visible.candidates) {
    const found = readPackageIndex(candidate, context);
    if (found) packages.push(found);
  }
  // sorted: folders are read in directory order, which differs between file systems
  return mergeIndexes(packages, [...context.problems].sort());
}

interface ReadContext {
  recorder: WatchRecorder;
  problems: Set<string>;
  /** Real roots already read: a package reached twice (a workspace link, pnpm's links) counts once. */
  seen: Set<string>;
}

/**
 * Reads one folder's package.json and, when it has a `plux` field, its index. Packages without one cost a single
 * read (and no JSON parse unless the text mentions `"plux"`).
 */
function readPackageIndex(candidate: PackageCandidate, context: ReadContext): PackageIndex | undefined {
  const { recorder, problems } = context;
  const file = candidate.dir + sep + 'package.json';
  // Files inside node_modules change through installs, which the install state and the folder listings already
  // capture; a workspace or linked package changes on its own, so the cache watches its files one by one.
  const watched = candidate.linked || candidate.tier === 'workspace';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (watched) recorder.file(file, undefined);
    if (code === 'ELOOP') problems.add(`${candidate.dir} is a symlink loop; remove the link (skipped)`);
    else if (code !== 'ENOENT' && code !== 'ENOTDIR')
      problems.add(`cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
  if (watched) recorder.file(file, text);
  if (!text.includes('"plux"') && candidate.tier !== 'workspace') return undefined;
  let packageJson: Record<string, unknown>;
  try {
    packageJson = asRecord(JSON.parse(text), 'a package.json must hold a JSON object');
  } catch (error) {
    problems.add(
      `${realPath(file)}: malformed package.json (${(error as Error).message}); fix it, the package's plugins are not listed`,
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
  const label = `${name}@${version} (${rootDir})`;
  const regenerate = workspace
    ? 'run `plux discover` in that package to regenerate plux.json'
    : 'reinstall the package, or report it to its maintainers';

  const raw = readIndex(packageJson['plux'], { rootDir, file, label, regenerate, watched, context });
  if (raw === undefined) return undefined;
  const parsed = parseIndex(raw.index);
  for (const problem of parsed.problems)
    problems.add(`${label}, ${raw.source}: ${problem} (skipped); ${regenerate}`);

  const entries: EntryPoint[] = [];
  // Most entries of a package share a few modules: check each module once. parseIndex has ruled out absolute
  // paths and URLs, so plain concatenation is safe, and realpath does the normalising.
  const modules = new Map<string, { real: string | undefined; inside: boolean }>();
  const rootPrefix = rootDir + sep;
  for (const plugin of parsed.plugins) {
    let module = modules.get(plugin.module);
    if (!module) {
      const path = rootPrefix + plugin.module;
      if (watched) recorder.presence(resolve(path));
      const real = realFileOrUndefined(path);
      module = { real, inside: real !== undefined && real.startsWith(rootPrefix) };
      modules.set(plugin.module, module);
    }
    if (!module.inside) {
      const where = `${label}, ${raw.source}: plugin ${plugin.namespace}:${plugin.name}: module ${plugin.module}`;
      const build = workspace ? 'build the package, then run `plux discover` in it' : regenerate;
      problems.add(
        module.real === undefined
          ? `${where} does not exist (skipped); ${build}`
          : `${where} resolves to ${module.real}, outside the package (skipped, never imported); ${regenerate}`,
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
  return { distribution, rank: TIER_RANK[candidate.tier] * 2 + (candidate.hoisted ? 1 : 0), entries };
}

interface IndexSource {
  rootDir: string;
  file: string;
  label: string;
  regenerate: string;
  watched: boolean;
  context: ReadContext;
}

/** The raw index a `plux` field designates (a path to a JSON file, or the index inline), or undefined. */
function readIndex(field: unknown, where: IndexSource): { index: unknown; source: string } | undefined {
  const { rootDir, file, label, regenerate, watched, context } = where;
  if (typeof field === 'object' && field !== null && !Array.isArray(field)) {
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
  let text: string | undefined;
  try {
    text = readFileSync(indexFile, 'utf8');
  } catch (error) {
    if (watched) context.recorder.file(indexFile, undefined);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    context.problems.add(
      missing
        ? `${label}: the "plux" field of ${file} points at ${field}, which does not exist; ${regenerate}`
        : `${label}: cannot read ${indexFile} (the "plux" field of ${file}): ${(error as Error).message}`,
    );
    return undefined;
  }
  if (watched) context.recorder.file(indexFile, text);
  const realIndex = realFileOrUndefined(indexFile) ?? indexFile;
  if (!isInside(realIndex, rootDir)) {
    context.problems.add(
      `${label}: ${indexFile} resolves to ${realIndex}, outside the package (ignored); ${regenerate}`,
    );
    return undefined;
  }
  try {
    return { index: JSON.parse(text) as unknown, source: indexFile };
  } catch (error) {
    context.problems.add(
      `${label}: ${indexFile} is malformed JSON (${(error as Error).message}); ${regenerate}`,
    );
    return undefined;
  }
}

/** Applies the precedence rule: packages in rank order, then name, then path; the first `namespace:name` wins. */
function mergeIndexes(packages: PackageIndex[], problems: string[]): MergedIndex {
  packages.sort(
    (a, b) =>
      a.rank - b.rank ||
      compare(a.distribution.name, b.distribution.name) ||
      compare(a.distribution.root, b.distribution.root),
  );
  const winners = new Map<string, Map<string, EntryPoint>>();
  const shadowed: ShadowedEntryPoint[] = [];
  for (const pkg of packages) {
    for (const entry of pkg.entries) {
      let names = winners.get(entry.namespace);
      if (!names) winners.set(entry.namespace, (names = new Map()));
      const winner = names.get(entry.name);
      if (winner) shadowed.push({ winner, loser: entry });
      else names.set(entry.name, entry);
    }
  }
  const entryPoints = [...winners.values()]
    .flatMap((m) => [...m.values()])
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  return { distributions: packages.map((p) => p.distribution), entryPoints, shadowed, problems };
}

/** The {@link IndexView} of a freshly scanned index. */
function viewOf(index: MergedIndex): IndexView {
  const byNamespace = new Map<string, EntryPoint[]>();
  for (const ep of index.entryPoints) {
    const list = byNamespace.get(ep.namespace);
    if (list) list.push(ep);
    else byNamespace.set(ep.namespace, [ep]);
  }
  return {
    distributions: index.distributions,
    shadowed: index.shadowed,
    problems: index.problems,
    findPlugins: (namespace) => byNamespace.get(namespace) ?? [],
    listEntryPoints: () => index.entryPoints,
  };
}

/** One warning per pair of packages, naming the plugins the loser declares in vain. */
function shadowWarnings(shadowed: ShadowedEntryPoint[]): string[] {
  const pairs = new Map<string, { winner: Distribution; loser: Distribution; names: string[] }>();
  for (const { winner, loser } of shadowed) {
    const key = `${winner.distribution!.root}\0${loser.distribution!.root}`;
    let pair = pairs.get(key);
    if (!pair)
      pairs.set(key, (pair = { winner: winner.distribution!, loser: loser.distribution!, names: [] }));
    pair.names.push(`${loser.namespace}:${loser.name}`);
  }
  return [...pairs.values()].map(
    ({ winner, loser, names }) =>
      `${describe(loser)} declares ${names.join(', ')}, also declared by ${describe(winner)}; using ${winner.name}'s ` +
      `(a workspace package wins over the root's node_modules, which wins over a workspace package's own ` +
      `node_modules). Rename the plugins or remove one of the packages`,
  );
}

const reported = new Set<string>();

function warnOnce(message: string): void {
  if (reported.has(message)) return;
  reported.add(message);
  log.warn(message);
}

function describe(distribution: Distribution): string {
  return `${distribution.name}@${distribution.version} (${distribution.root})`;
}

function asRecord(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(message);
  return value as Record<string, unknown>;
}

function isInside(path: string, root: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function realPath(path: string): string {
  return realFileOrUndefined(path) ?? path;
}

function realFileOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
