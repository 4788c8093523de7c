/**
 * The merged index as the on-disk cache stores it: a small header, then one section per namespace, so that a warm
 * start which lists one namespace parses that namespace only, however many packages are installed. Reading it back
 * trusts nothing in it: every package folder it names must be one a scan of the root reaches.
 */
import { basename, dirname, isAbsolute, normalize, sep } from 'node:path';

import type { Distribution, EntryPoint } from '../core/entry-point.js';
import { isBelow } from '../utils/paths.js';
import type { CachedData } from './cache.js';
import type { IndexView, MergedIndex } from './merged-index.js';
import { createLazyDistribution } from './metadata.js';
import { packageFolderOf, setPackageFolder } from './package-index.js';
import type { WatchRecord } from './watch.js';
import { requiredWatches } from './visible-packages.js';

/**
 * A package as the cache stores it; package.json is left out and read on demand. `folder` is the folder the scan
 * reached it through (a link in node_modules), when that is not its root.
 */
type DistTuple = [name: string, version: string, root: string, workspace: 0 | 1, folder?: string];
/** An entry point with everything it needs, for the few the header holds (the shadowed pairs). */
type FullEntry = [
  namespace: string,
  name: string,
  exportName: string,
  path: string,
  written: string,
  dist: DistTuple,
];

/** The header: the namespaces in section order, and what is reported on every start. */
interface Header {
  namespaces: string[];
  problems: string[];
  shadowed: [winner: FullEntry, loser: FullEntry, rule: string][];
}

/**
 * One namespace: its packages, its modules (the real path relative to the package, and how the index wrote it when
 * not `./<real>`), and its entries sorted by name.
 */
interface Section {
  d: DistTuple[];
  m: [dist: number, real: string, written?: string][];
  e: [name: string, exportName: string, module: number][];
}

/** Turns a merged index into the header and the sections {@link EntryPointsCache.write} stores. */
export function encodeIndex(index: MergedIndex): { data: Header; sections: string[] } {
  const namespaces: string[] = [];
  const sections: string[] = [];
  let section: Section | undefined;
  let dists = new Map<Distribution, number>();
  let modules = new Map<string, number>();
  for (const ep of index.entryPoints) {
    if (namespaces[namespaces.length - 1] !== ep.namespace) {
      if (section) sections.push(JSON.stringify(section));
      namespaces.push(ep.namespace);
      section = { d: [], m: [], e: [] };
      dists = new Map();
      modules = new Map();
    }
    const dist = ep.distribution!;
    let d = dists.get(dist);
    if (d === undefined) dists.set(dist, (d = section!.d.push(distTuple(dist)) - 1));
    const written = writtenModule(ep);
    const key = `${ep.module}\0${written}`;
    let m = modules.get(key);
    if (m === undefined) {
      const real = ep.module.slice(dist.root.length + 1);
      modules.set(key, (m = section!.m.push(written === `./${real}` ? [d, real] : [d, real, written]) - 1));
    }
    section!.e.push([ep.name, ep.export, m]);
  }
  if (section) sections.push(JSON.stringify(section));
  const full = (ep: EntryPoint): FullEntry => [
    ep.namespace,
    ep.name,
    ep.export,
    ep.module,
    writtenModule(ep),
    distTuple(ep.distribution!),
  ];
  return {
    data: {
      namespaces,
      problems: index.problems,
      shadowed: index.shadowed.map((s) => [full(s.winner), full(s.loser), s.rule]),
    },
    sections,
  };
}

/**
 * Reads back what {@link encodeIndex} produced. The header is checked now; a namespace's section is parsed and
 * checked when that namespace is first asked for. One package gives one `Distribution` object, whichever
 * namespace it is reached from.
 *
 * @param onDistribution called with each distribution as it is built (the finder registers them).
 * @throws TypeError when the header does not have the expected shape (the caller then scans).
 */
export function decodeIndex(
  cached: CachedData,
  onDistribution: (distribution: Distribution) => void = () => {},
): IndexView {
  const header = cached.data as Header;
  if (
    !isStrings(header?.namespaces) ||
    !isStrings(header.problems) ||
    !Array.isArray(header.shadowed) ||
    new Set(header.namespaces).size !== header.namespaces.length
  ) {
    throw corrupt();
  }
  const isPackageFolder = packageFolderRule(cached.root, cached.watched);
  const distributions = new Map<string, Distribution>();
  const distributionOf = (tuple: unknown): Distribution => {
    const [name, version, root, workspace, reached] = Array.isArray(tuple) ? tuple : [];
    if (typeof name !== 'string' || typeof version !== 'string' || !isNormalPath(root)) throw corrupt();
    const folder = reached ?? root;
    if ((folder !== root && !isNormalPath(folder)) || !isPackageFolder(folder)) {
      throw corrupt(`${folder} is not a package folder a scan of ${cached.root} reaches`);
    }
    let distribution = distributions.get(root);
    if (!distribution) {
      distribution = createLazyDistribution({ name, version, root, workspace: workspace === 1 });
      // checked again when a module of it is imported: the folder must still resolve to this root
      setPackageFolder(distribution, folder);
      distributions.set(root, distribution);
      onDistribution(distribution);
    }
    return distribution;
  };
  const entry = (
    namespace: string,
    [name, exportName]: unknown[],
    module: { path: string; written: string; distribution: Distribution },
  ): EntryPoint => {
    if (typeof name !== 'string' || typeof exportName !== 'string') throw corrupt();
    const { path, written, distribution } = module;
    const value = `${distribution.name}:${written}#${exportName}`;
    return { namespace, name, module: path, export: exportName, value, distribution };
  };
  const fullEntry = (raw: unknown): EntryPoint => {
    const [namespace, name, exportName, path, written, dist] = Array.isArray(raw) ? raw : [];
    if (typeof namespace !== 'string' || typeof path !== 'string' || typeof written !== 'string')
      throw corrupt();
    return entry(namespace, [name, exportName], { path, written, distribution: distributionOf(dist) });
  };
  const shadowed = header.shadowed.map((pair) => {
    // a pair without its rule was written before the rule was kept: rescan rather than guess it
    if (!Array.isArray(pair) || typeof pair[2] !== 'string') throw corrupt();
    return { winner: fullEntry(pair[0]), loser: fullEntry(pair[1]), rule: pair[2] };
  });

  const sectionIndex = new Map(header.namespaces.map((ns, i) => [ns, i]));
  const byNamespace = new Map<string, EntryPoint[]>();
  const findPlugins = (namespace: string): EntryPoint[] => {
    let list = byNamespace.get(namespace);
    if (list) return list;
    const index = sectionIndex.get(namespace);
    list = index === undefined ? [] : readSection(namespace, cached.section(index));
    byNamespace.set(namespace, list);
    return list;
  };
  const readSection = (namespace: string, text: string | undefined): EntryPoint[] => {
    if (text === undefined) throw corrupt();
    const section = JSON.parse(text) as Section;
    if (!Array.isArray(section?.d) || !Array.isArray(section.m) || !Array.isArray(section.e)) throw corrupt();
    const dists = section.d.map(distributionOf);
    const modules = section.m.map((raw) => {
      const [d, real, written] = Array.isArray(raw) ? raw : [];
      const distribution = typeof d === 'number' ? dists[d] : undefined;
      if (!distribution || typeof real !== 'string') throw corrupt();
      const path = distribution.root + sep + real;
      return { path, written: typeof written === 'string' ? written : `./${real}`, distribution };
    });
    return section.e.map((raw) => {
      const module = Array.isArray(raw) && typeof raw[2] === 'number' ? modules[raw[2]] : undefined;
      if (!module) throw corrupt();
      return entry(namespace, raw, module);
    });
  };
  let all: EntryPoint[] | undefined;
  return {
    namespaces: [...header.namespaces].sort(),
    shadowed,
    problems: [...header.problems],
    findPlugins,
    listEntryPoints: () => (all ??= header.namespaces.flatMap(findPlugins)),
  };
}

function distTuple(d: Distribution): DistTuple {
  const folder = packageFolderOf(d);
  return folder === undefined || folder === d.root
    ? [d.name, d.version, d.root, d.workspace ? 1 : 0]
    : [d.name, d.version, d.root, d.workspace ? 1 : 0, folder];
}

/**
 * Decides from a cache's watch list which folders may hold the packages it lists, so that the cache, stale or
 * forged, is never the authority on where a package lives. The list must cover what every scan of `root` watches
 * (or the cache is not read at all), and a package folder must be one a scan reaches: the root, a workspace package
 * (a folder inside the root, outside every node_modules, whose package.json is watched), or an entry (`name` or
 * `@scope/name`) of a scanned node_modules folder: the root's, pnpm's `.pnpm/node_modules`, a workspace package's.
 *
 * @throws TypeError when the watch list lacks what every scan watches.
 */
function packageFolderRule(root: string, watched: readonly WatchRecord[]): (folder: string) => boolean {
  // the few paths every scan watches are checked now; the sets of every watched file and folder are built on the
  // first question only (a warm start that asks about no package, or reads no section, never builds them)
  const required = new Map(requiredWatches(root).map(([kind, path]) => [path, kind]));
  for (const [kind, path] of watched) if (required.get(path) === kind) required.delete(path);
  for (const path of required.keys()) throw corrupt(`the cache does not watch ${path}`);
  let sets: { files: Set<string>; folders: Set<string> } | undefined;
  const watchedSets = () => {
    if (sets) return sets;
    sets = { files: new Set(), folders: new Set() };
    for (const [kind, path] of watched) {
      if (kind === 'f') sets.files.add(path);
      else if (kind === 'd') sets.folders.add(path);
    }
    return sets;
  };
  const rootModules = root + sep + 'node_modules';
  const pnpmModules = rootModules + sep + '.pnpm' + sep + 'node_modules';
  // the set first: most folders asked about are installed packages, whose package.json is not watched
  const isWorkspaceFolder = (dir: string) =>
    dir === root ||
    (watchedSets().files.has(dir + sep + 'package.json') &&
      isBelow(root, dir) &&
      !dir.slice(root.length).split(sep).includes('node_modules'));
  const isModulesFolder = (dir: string) =>
    watchedSets().folders.has(dir) &&
    (dir === rootModules ||
      dir === pnpmModules ||
      (basename(dir) === 'node_modules' && dirname(dir) !== root && isWorkspaceFolder(dirname(dir))));
  return (folder) => {
    if (isWorkspaceFolder(folder)) return true;
    if (basename(folder).startsWith('.')) return false;
    let parent = dirname(folder);
    if (basename(parent).startsWith('@')) {
      if (!watchedSets().folders.has(parent)) return false;
      parent = dirname(parent);
    }
    return isModulesFolder(parent);
  };
}

/** An absolute path with no `.`/`..` segments or doubled separators, as a scan records them. */
function isNormalPath(path: unknown): path is string {
  if (typeof path !== 'string') return false;
  // POSIX: the same answer as normalize() without building a new string, for every package of a section
  if (sep === '/') {
    return (
      path.length > 1 &&
      path.charCodeAt(0) === 47 &&
      path.charCodeAt(path.length - 1) !== 47 &&
      !path.includes('//') &&
      !path.includes('/./') &&
      !path.includes('/../') &&
      !path.endsWith('/.') &&
      !path.endsWith('/..')
    );
  }
  return isAbsolute(path) && normalize(path) === path && !path.endsWith(sep);
}

/** The module as the index wrote it, recovered from `value` (`<package>:<module>#<export>`). */
function writtenModule(ep: EntryPoint): string {
  return ep.value.slice(ep.distribution!.name.length + 1, ep.value.length - ep.export.length - 1);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function corrupt(why = 'unexpected cache content'): TypeError {
  return new TypeError(why);
}
