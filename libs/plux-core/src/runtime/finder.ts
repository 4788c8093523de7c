/**
 * The default {@link PluginFinder}: the merged index of every package visible from a folder, read from the
 * packages' `plux` fields (an index file or an inline index) without importing anything.
 */
import { resolve } from 'node:path';

import type { Distribution, EntryPoint, PluginFinder } from '../core/entry-point.js';
import { log } from '../core/log.js';
import { EntryPointsCache, WatchRecorder } from './cache.js';
import {
  deserializeIndex,
  type IndexView,
  type MergedIndex,
  serializeIndex,
  type ShadowedEntryPoint,
} from './merged-index.js';
import { registerDistribution } from './metadata.js';
import { type PackageIndex, type ReadContext, readPackageIndex } from './package-index.js';
import { findVisiblePackages, findWorkspaceRoot, type WorkspaceRoot } from './workspace.js';

/** Options of {@link IndexPluginFinder}. */
export interface IndexPluginFinderOptions {
  /** Where package resolution starts; default `process.cwd()`. */
  cwd?: string;
  /** Use the on-disk cache in `<root>/node_modules/.cache/plux/`; default: on unless `PLUX_NO_CACHE=1`. */
  cache?: boolean;
}

export type { ShadowedEntryPoint } from './merged-index.js';

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
    return [...this.#ask((view) => view.findPlugins(namespace))];
  }

  /** Every visible entry point, sorted by namespace, then name. */
  listEntryPoints(): EntryPoint[] {
    return [...this.#ask((view) => view.listEntryPoints())];
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

  #get(readCache = true): IndexView {
    if (this.#scan) return this.#scan;
    const useCache = this.#cache ?? !/^(1|true|yes|on)$/i.test(process.env['PLUX_NO_CACHE'] ?? '');
    const scan = loadIndexScan(this.cwd, { useCache, readCache });
    for (const problem of scan.problems) warnOnce(problem);
    for (const warning of shadowWarnings(scan.shadowed)) warnOnce(warning);
    return (this.#scan = scan);
  }

  /** Asks the view; a section of the cache that turns out corrupt only now makes it scan (and rewrite) instead. */
  #ask<T>(question: (view: IndexView) => T): T {
    const view = this.#get();
    try {
      return question(view);
    } catch (error) {
      if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
      log.debug(`index cache of ${this.cwd} has a corrupt section (${error.message}), rescanning`);
      this.#scan = undefined;
      return question(this.#get(false));
    }
  }
}

/** Reads the merged index visible from `cwd`, from the on-disk cache when it is fresh. */
function loadIndexScan(cwd: string, options: { useCache: boolean; readCache: boolean }): IndexView {
  const root = findWorkspaceRoot(cwd);
  if (!root) return viewOf(mergeIndexes([], []));
  const cache = options.useCache ? EntryPointsCache.at(root.dir) : undefined;
  const cached = options.readCache ? cache?.read() : undefined;
  if (cached !== undefined) {
    try {
      return deserializeIndex(cached, registerDistribution);
    } catch (error) {
      log.debug(`index cache miss (${cache!.file}): ${(error as Error).message}, rebuilding`);
    }
  }
  cache?.prepare();
  const started = performance.now();
  const recorder = new WatchRecorder();
  const scan = scanIndexes(root, recorder);
  log.debug(`index scanned from ${root.dir} in ${(performance.now() - started).toFixed(1)} ms`);
  const { data, sections } = serializeIndex(scan);
  cache?.write(data, recorder, sections);
  for (const distribution of scan.distributions) registerDistribution(distribution);
  return viewOf(scan);
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
