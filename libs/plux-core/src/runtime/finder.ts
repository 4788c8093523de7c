/**
 * The default {@link PluginFinder}: the merged index of every package visible from a folder, read from the
 * packages' `plux` fields (an index file or an inline index) without importing anything.
 */
import { relative, resolve, sep } from 'node:path';

import type { EntryPoint, PluginFinder, ShadowedEntryPoint } from '../core/entry-point.js';
import { isDebugEnabled, log } from '../core/log.js';
import { EntryPointsCache } from './cache.js';
import { decodeIndex, encodeIndex } from './cache-format.js';
import { type IndexView, type MergedIndex, mergeIndexes, shadowWarnings, viewOf } from './merged-index.js';
import { registerDistribution } from './metadata.js';
import { type PackageIndex, type ReadContext, readPackageIndex } from './package-index.js';
import { findVisiblePackages, type PackageCandidate } from './visible-packages.js';
import { DiscardingRecorder, WatchRecorder } from './watch.js';
import { findWorkspaceRoot, type WorkspaceRoot } from './workspace.js';

/** Options of {@link IndexPluginFinder}. */
export interface IndexPluginFinderOptions {
  /** Where package resolution starts; default `process.cwd()`. */
  cwd?: string;
  /** Use the on-disk cache in `<root>/node_modules/.cache/plux/`; default: on unless `PLUX_NO_CACHE=1`. */
  cache?: boolean;
}

export type { ShadowedEntryPoint } from '../core/entry-point.js';

/**
 * Finds plugins in the indexes of every package visible from `cwd`: the workspace packages of the enclosing
 * workspace, and the packages installed in `node_modules` of its root and of each workspace package (see DESIGN.md
 * "Run-time resolution"). Everything is synchronous and imports nothing; the first call scans (or reads the on-disk
 * cache), later calls answer from memory until {@link refresh}.
 *
 * When two packages declare the same `namespace:name`, a workspace package wins over the root's `node_modules`,
 * which wins over a workspace package's own `node_modules`; within one of those, the package name and then the
 * path decide. The loser is reported once, as a warning naming both packages and the rule that decided, and never
 * listed.
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
  if (!root) {
    warnOnce(
      `no plugins visible from ${cwd}: there is no package.json in it or any folder above it, so no package ` +
        'to read a plux index from; run the app from its package folder, or pass the manager a `cwd` inside it',
    );
    return viewOf(mergeIndexes([], []));
  }
  const view = readOrScan(root, options);
  if (view.namespaces.length === 0) warnOnce(noPluginsWarning(root.dir));
  return view;
}

/**
 * The warning for a tree where no package has a plugin index: the usual cause is a deploy that left out the
 * packages that provide plugins, or their `plux.json` (not built, not indexed, or not in `files`).
 */
function noPluginsWarning(rootDir: string): string {
  return (
    `no plugins visible from ${rootDir}: no package there or in its node_modules has a plux index with plugins. ` +
    'Index the packages that provide plugins (`plux discover`, or `nx run <project>:plux-discover`) before you ' +
    'build or deploy, and install them with their plux.json; PLUX_LOG=debug lists the folders read'
  );
}

function readOrScan(root: WorkspaceRoot, options: { useCache: boolean; readCache: boolean }): IndexView {
  const cache = options.useCache ? EntryPointsCache.at(root.dir) : undefined;
  const cached = options.readCache ? cache?.read() : undefined;
  if (cached !== undefined) {
    try {
      const view = decodeIndex(cached, registerDistribution);
      if (view.namespaces.length === 0)
        log.debug(`no plugins in the index cache ${cache!.file} (PLUX_NO_CACHE=1 rescans the folders)`);
      return view;
    } catch (error) {
      log.debug(`index cache miss (${cache!.file}): ${(error as Error).message}, rebuilding`);
    }
  }
  cache?.prepare();
  const started = performance.now();
  const recorder = cache ? new WatchRecorder() : new DiscardingRecorder();
  const scan = scanIndexes(root, recorder);
  log.debug(`index scanned from ${root.dir} in ${(performance.now() - started).toFixed(1)} ms`);
  if (cache) {
    // encoded only for a cache to write: with the cache off, a cold start never pays for it
    const { data, sections } = encodeIndex(scan);
    cache.write(data, recorder, sections);
  }
  for (const distribution of scan.distributions) registerDistribution(distribution);
  return viewOf(scan);
}

function scanIndexes(root: WorkspaceRoot, recorder: WatchRecorder): MergedIndex {
  const visible = findVisiblePackages(root, recorder);
  if (isDebugEnabled()) log.debug(describeFoldersRead(root.dir, visible.candidates));
  const context: ReadContext = { recorder, problems: new Set(visible.problems), seen: new Set() };
  const packages: PackageIndex[] = [];
  for (const candidate of visible.candidates) {
    const found = readPackageIndex(candidate, context);
    if (found) packages.push(found);
  }
  // sorted: folders are read in directory order, which differs between file systems
  return mergeIndexes(packages, [...context.problems].sort());
}

const reported = new Set<string>();

/** For `PLUX_LOG=debug`: the package folders a scan read, the workspace's by name, the installed ones by folder. */
function describeFoldersRead(rootDir: string, candidates: readonly PackageCandidate[]): string {
  const workspace: string[] = [];
  const installed = new Map<string, number>();
  for (const candidate of candidates) {
    const rel = relative(rootDir, candidate.dir) || '.';
    if (candidate.tier === 'workspace') {
      workspace.push(rel);
      continue;
    }
    // the node_modules folder the package sits in (a scoped one sits one level deeper)
    const at = rel.lastIndexOf(`node_modules${sep}`);
    const folder = at < 0 ? rel : rel.slice(0, at + 'node_modules'.length);
    installed.set(folder, (installed.get(folder) ?? 0) + 1);
  }
  const modules = [...installed].map(([folder, count]) => `${folder} (${count})`);
  return (
    `read ${rootDir}: workspace packages ${workspace.join(', ')}; ` +
    `installed packages ${modules.length > 0 ? modules.join(', ') : 'none (no node_modules)'}`
  );
}

function warnOnce(message: string): void {
  if (reported.has(message)) return;
  reported.add(message);
  log.warn(message);
}
