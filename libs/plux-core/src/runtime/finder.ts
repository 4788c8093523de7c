/**
 * The default {@link PluginFinder}: the merged index of every package visible from a folder, read from the
 * packages' `plux` fields (an index file or an inline index) without importing anything.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

import type { Distribution, EntryPoint, PluginFinder } from '../core/entry-point.js';
import { log } from '../core/log.js';
import { checkModulePath, parseIndex } from '../core/plux-index.js';
import { EntryPointsCache, WatchRecorder } from './cache.js';
import { createLazyDistribution, registerDistribution } from './metadata.js';
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

/** Two packages declare the same `namespace:name`; `winner` is listed, `loser` is not. */
export interface ShadowedEntryPoint {
  /** The entry point that is listed. */
  winner: EntryPoint;
  /** The entry point of the package with lower precedence, never listed. */
  loser: EntryPoint;
}

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
  #scan?: IndexScan;
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
    return [...(this.#get().byNamespace.get(namespace) ?? [])];
  }

  /** Every visible entry point, sorted by namespace, then name. */
  listEntryPoints(): EntryPoint[] {
    return [...this.#get().entryPoints];
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

  #get(): IndexScan {
    if (this.#scan) return this.#scan;
    const scan = loadIndexScan(this.cwd, this.#cache ?? process.env['PLUX_NO_CACHE'] !== '1');
    for (const distribution of scan.distributions) registerDistribution(distribution);
    for (const problem of scan.problems) warnOnce(problem);
    for (const warning of shadowWarnings(scan.shadowed)) warnOnce(warning);
    return (this.#scan = scan);
  }
}

/** The merged index of one root. */
interface IndexScan {
  distributions: Distribution[];
  entryPoints: EntryPoint[];
  byNamespace: Map<string, EntryPoint[]>;
  shadowed: ShadowedEntryPoint[];
  problems: string[];
}

/** Reads the merged index visible from `cwd`, from the on-disk cache when it is fresh. */
function loadIndexScan(cwd: string, useCache: boolean): IndexScan {
  const root = findWorkspaceRoot(cwd);
  if (!root) return mergeIndexes([], []);
  const cache = useCache ? EntryPointsCache.at(root.dir) : undefined;
  const cached = cache?.read();
  if (cached !== undefined) {
    try {
      return deserializeScan(cached);
    } catch {
      log.debug(`index cache miss (${cache!.file}): unexpected content, rebuilding`);
    }
  }
  cache?.prepare();
  const started = performance.now();
  const recorder = new WatchRecorder();
  const scan = scanIndexes(root, recorder);
  log.debug(`index scanned from ${root.dir} in ${(performance.now() - started).toFixed(1)} ms`);
  cache?.write(serializeScan(scan), recorder);
  return scan;
}

/** One package with a `plux` field, and the entries of its index that passed validation. */
interface PackageIndex {
  distribution: Distribution;
  rank: number;
  entries: EntryPoint[];
}

function scanIndexes(root: WorkspaceRoot, recorder: WatchRecorder): IndexScan {
  const visible = findVisiblePackages(root, recorder);
  const problems = new Set(visible.problems);
  const seen = new Set<string>();
  const packages: PackageIndex[] = [];
  for (const candidate of visible.candidates) {
    const found = readPackageIndex(candidate, { recorder, problems, seen });
    if (found) packages.push(found);
  }
  return mergeIndexes(packages, [...problems]);
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
  const file = join(candidate.dir, 'package.json');
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
    if (!watched) recorder.file(file, text);
    problems.add(
      `${realPath(file)}: malformed package.json (${(error as Error).message}); fix it, the package's plugins are not listed`,
    );
    return undefined;
  }
  if (!Object.hasOwn(packageJson, 'plux')) return undefined;
  recorder.file(file, text);
  const rootDir = realPath(candidate.dir);
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

  const raw = readIndex(packageJson['plux'], { rootDir, file, label, regenerate, context });
  if (raw === undefined) return undefined;
  const parsed = parseIndex(raw.index);
  for (const problem of parsed.problems)
    problems.add(`${label}, ${raw.source}: ${problem} (skipped); ${regenerate}`);

  const entries: EntryPoint[] = [];
  const realModules = new Map<string, string | undefined>();
  for (const plugin of parsed.plugins) {
    const where = `${label}, ${raw.source}: plugin ${plugin.namespace}:${plugin.name}`;
    const modulePath = resolve(rootDir, plugin.module);
    if (!realModules.has(modulePath)) {
      recorder.presence(modulePath);
      realModules.set(modulePath, realFileOrUndefined(modulePath));
    }
    const module = realModules.get(modulePath);
    if (module === undefined) {
      const build = workspace ? 'build the package, then run `plux discover` in it' : regenerate;
      problems.add(`${where}: module ${plugin.module} does not exist (skipped); ${build}`);
      continue;
    }
    if (!isInside(module, rootDir)) {
      problems.add(
        `${where}: module ${plugin.module} resolves to ${module}, outside the package (skipped, never imported); ${regenerate}`,
      );
      continue;
    }
    entries.push({
      namespace: plugin.namespace,
      name: plugin.name,
      module,
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
  context: ReadContext;
}

/** The raw index a `plux` field designates (a path to a JSON file, or the index inline), or undefined. */
function readIndex(field: unknown, where: IndexSource): { index: unknown; source: string } | undefined {
  const { rootDir, file, label, regenerate, context } = where;
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
    context.recorder.file(indexFile, undefined);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    context.problems.add(
      missing
        ? `${label}: the "plux" field of ${file} points at ${field}, which does not exist; ${regenerate}`
        : `${label}: cannot read ${indexFile} (the "plux" field of ${file}): ${(error as Error).message}`,
    );
    return undefined;
  }
  context.recorder.file(indexFile, text);
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
function mergeIndexes(packages: PackageIndex[], problems: string[]): IndexScan {
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
  return buildScan(
    packages.map((p) => p.distribution),
    [...winners.values()].flatMap((m) => [...m.values()]),
    shadowed,
    problems,
  );
}

function buildScan(
  distributions: Distribution[],
  entries: EntryPoint[],
  shadowed: ShadowedEntryPoint[],
  problems: string[],
): IndexScan {
  const entryPoints = entries.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  const byNamespace = new Map<string, EntryPoint[]>();
  for (const ep of entryPoints) {
    const list = byNamespace.get(ep.namespace);
    if (list) list.push(ep);
    else byNamespace.set(ep.namespace, [ep]);
  }
  return { distributions, entryPoints, byNamespace, shadowed, problems };
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

/** The merged index as the cache stores it: plain arrays, names never used as object keys. */
interface SerializedScan {
  distributions: [name: string, version: string, root: string, workspace: 0 | 1][];
  entries: SerializedEntry[];
  losers: SerializedEntry[];
  shadowed: [winner: number, loser: number][];
  problems: string[];
}
type SerializedEntry = [
  namespace: string,
  name: string,
  module: string,
  exportName: string,
  value: string,
  dist: number,
];

function serializeScan(scan: IndexScan): SerializedScan {
  const distIndex = new Map(scan.distributions.map((d, i) => [d, i]));
  const entry = (ep: EntryPoint): SerializedEntry => [
    ep.namespace,
    ep.name,
    ep.module,
    ep.export,
    ep.value,
    distIndex.get(ep.distribution!)!,
  ];
  const winnerIndex = new Map(scan.entryPoints.map((ep, i) => [ep, i]));
  return {
    distributions: scan.distributions.map((d) => [d.name, d.version, d.root, d.workspace ? 1 : 0]),
    entries: scan.entryPoints.map(entry),
    losers: scan.shadowed.map((s) => entry(s.loser)),
    shadowed: scan.shadowed.map((s, i) => [winnerIndex.get(s.winner)!, i]),
    problems: scan.problems,
  };
}

/** @throws TypeError when the cached data does not have the expected shape (then the caller rescans). */
function deserializeScan(data: unknown): IndexScan {
  const s = data as SerializedScan;
  const distributions = s.distributions.map(([name, version, root, workspace]) => {
    if (typeof name !== 'string' || typeof version !== 'string' || typeof root !== 'string')
      throw new TypeError();
    return createLazyDistribution({ name, version, root, workspace: workspace === 1 });
  });
  const entry = ([namespace, name, module, exportName, value, dist]: SerializedEntry): EntryPoint => {
    const distribution = distributions[dist];
    if (!distribution || [namespace, name, module, exportName, value].some((v) => typeof v !== 'string')) {
      throw new TypeError('unexpected cache content');
    }
    return { namespace, name, module, export: exportName, value, distribution };
  };
  const entries = s.entries.map(entry);
  const losers = s.losers.map(entry);
  const shadowed = s.shadowed.map(([w, l]) => ({ winner: entries[w]!, loser: losers[l]! }));
  if (shadowed.some((p) => !p.winner || !p.loser) || !s.problems.every((p) => typeof p === 'string')) {
    throw new TypeError('unexpected cache content');
  }
  return buildScan(distributions, entries, shadowed, [...s.problems]);
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
