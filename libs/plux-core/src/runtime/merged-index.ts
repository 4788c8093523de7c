/**
 * The merged index of one root (every visible entry point, after precedence) and its JSON form in the on-disk
 * cache: what {@link EntryPointsCache} stores, and the view the finder answers from.
 */
import { sep } from 'node:path';

import type { Distribution, EntryPoint } from '../core/entry-point.js';
import { createLazyDistribution } from './metadata.js';

/** Two packages declare the same `namespace:name`; `winner` is listed, `loser` is not. */
export interface ShadowedEntryPoint {
  /** The entry point that is listed. */
  winner: EntryPoint;
  /** The entry point of the package with lower precedence, never listed. */
  loser: EntryPoint;
}

/** What the cache stores: the merged index of one root. */
export interface MergedIndex {
  /** Every package with a `plux` field, in precedence order. */
  distributions: Distribution[];
  /** The listed entry points, sorted by namespace, then name. */
  entryPoints: EntryPoint[];
  shadowed: ShadowedEntryPoint[];
  problems: string[];
}

/**
 * {@link MergedIndex} as JSON: plain arrays (a name is never an object key), each module once, package.json left
 * out (read on demand), and an entry's module stored relative to its package unless symlinks make it differ.
 */
interface SerializedIndex {
  distributions: [name: string, version: string, root: string, workspace: 0 | 1][];
  /** dist, the module's real path relative to the root, and how the index wrote it when not `./<real>` */
  modules: [dist: number, real: string, written?: string][];
  entries: SerializedEntry[];
  losers: SerializedEntry[];
  shadowed: [winner: number, loser: number][];
  problems: string[];
}
type SerializedEntry = [namespace: string, name: string, exportName: string, module: number];

/** Turns a merged index into what {@link EntryPointsCache.write} stores. */
export function serializeIndex(index: MergedIndex): SerializedIndex {
  const distIndex = new Map(index.distributions.map((d, i) => [d, i]));
  const modules: SerializedIndex['modules'] = [];
  const moduleIndex = new Map<string, number>();
  const entry = (ep: EntryPoint): SerializedEntry => {
    const dist = ep.distribution!;
    const written = ep.value.slice(dist.name.length + 1, ep.value.length - ep.export.length - 1);
    const key = `${distIndex.get(dist)}\0${written}`;
    let module = moduleIndex.get(key);
    if (module === undefined) {
      moduleIndex.set(key, (module = modules.length));
      const real = ep.module.slice(dist.root.length + 1);
      modules.push(
        written === `./${real}` ? [distIndex.get(dist)!, real] : [distIndex.get(dist)!, real, written],
      );
    }
    return [ep.namespace, ep.name, ep.export, module];
  };
  const winnerIndex = new Map(index.entryPoints.map((ep, i) => [ep, i]));
  return {
    distributions: index.distributions.map((d) => [d.name, d.version, d.root, d.workspace ? 1 : 0]),
    modules,
    entries: index.entryPoints.map(entry),
    losers: index.shadowed.map((s) => entry(s.loser)),
    shadowed: index.shadowed.map((s, i) => [winnerIndex.get(s.winner)!, i]),
    problems: index.problems,
  };
}

/** A merged index that answers by namespace; the one read from the cache builds its entry points on demand. */
export interface IndexView {
  readonly distributions: Distribution[];
  readonly shadowed: ShadowedEntryPoint[];
  readonly problems: string[];
  /** The entry points of `namespace`, sorted by name (the view's own array: copy it before handing it out). */
  findPlugins(namespace: string): readonly EntryPoint[];
  /** Every entry point, sorted by namespace, then name (the view's own array). */
  listEntryPoints(): readonly EntryPoint[];
}

/**
 * Reads back what {@link serializeIndex} produced, lazily: distributions, modules and entry points are built when
 * first asked for, so a warm start that lists one namespace pays for that namespace only. Never throws on
 * unexpected content inside the arrays: a malformed item is left out (the file is only ever written whole, by
 * {@link serializeIndex}, so this takes a hand edit).
 *
 * @param onDistribution called with each distribution as it is built (the finder registers them).
 * @throws TypeError when the top-level shape is wrong (the caller then scans).
 */
export function deserializeIndex(
  data: unknown,
  onDistribution: (distribution: Distribution) => void = () => {},
): IndexView {
  const s = data as SerializedIndex;
  const arrays = [s?.distributions, s?.modules, s?.entries, s?.losers, s?.shadowed, s?.problems];
  if (!arrays.every(Array.isArray)) throw new TypeError('unexpected cache content');

  const distributions: (Distribution | null | undefined)[] = [];
  const distributionAt = (i: number): Distribution | null => {
    let built = distributions[i];
    if (built === undefined) {
      const [name, version, root, workspace] = (s.distributions[i] as unknown[] | undefined) ?? [];
      built =
        typeof name === 'string' && typeof version === 'string' && typeof root === 'string'
          ? createLazyDistribution({ name, version, root, workspace: workspace === 1 })
          : null;
      if (built) onDistribution(built);
      distributions[i] = built;
    }
    return built;
  };
  type Module = { distribution: Distribution; written: string; path: string } | null;
  const modules: (Module | undefined)[] = [];
  const moduleAt = (i: number): Module => {
    let built = modules[i];
    if (built === undefined) {
      const [dist, real, written] = (s.modules[i] as unknown[] | undefined) ?? [];
      const distribution = typeof dist === 'number' ? distributionAt(dist) : null;
      built =
        distribution && typeof real === 'string'
          ? {
              distribution,
              written: typeof written === 'string' ? written : `./${real}`,
              path: distribution.root + sep + real,
            }
          : null;
      modules[i] = built;
    }
    return built;
  };
  const build = (raw: unknown): EntryPoint | null => {
    const [namespace, name, exportName, module] = Array.isArray(raw) ? raw : [];
    const m = typeof module === 'number' ? moduleAt(module) : null;
    if (!m || typeof namespace !== 'string' || typeof name !== 'string' || typeof exportName !== 'string') {
      return null;
    }
    const value = `${m.distribution.name}:${m.written}#${exportName}`;
    return { namespace, name, module: m.path, export: exportName, value, distribution: m.distribution };
  };

  // entries are stored sorted by namespace: each namespace is one run of indexes
  const runs = new Map<string, [start: number, end: number]>();
  for (let i = 0; i < s.entries.length; i++) {
    const namespace = (s.entries[i] as unknown[])?.[0];
    if (typeof namespace !== 'string') continue;
    const run = runs.get(namespace);
    if (!run) runs.set(namespace, [i, i + 1]);
    else run[1] = i + 1;
  }
  const entries: (EntryPoint | null | undefined)[] = [];
  const entryAt = (i: number) => (entries[i] === undefined ? (entries[i] = build(s.entries[i])) : entries[i]);
  const byNamespace = new Map<string, EntryPoint[]>();
  let all: EntryPoint[] | undefined;
  const shadowed: ShadowedEntryPoint[] = [];
  for (const pair of s.shadowed) {
    const winner = Array.isArray(pair) && typeof pair[0] === 'number' ? entryAt(pair[0]) : null;
    const loser = Array.isArray(pair) && typeof pair[1] === 'number' ? build(s.losers[pair[1]]) : null;
    if (winner && loser) shadowed.push({ winner, loser });
  }

  return {
    get distributions() {
      return s.distributions.map((_, i) => distributionAt(i)).filter((d): d is Distribution => d !== null);
    },
    shadowed,
    problems: s.problems.filter((p): p is string => typeof p === 'string'),
    findPlugins(namespace) {
      let list = byNamespace.get(namespace);
      if (!list) {
        const [start, end] = runs.get(namespace) ?? [0, 0];
        list = [];
        for (let i = start; i < end; i++) {
          const ep = entryAt(i);
          if (ep && ep.namespace === namespace) list.push(ep);
        }
        byNamespace.set(namespace, list);
      }
      return list;
    },
    listEntryPoints() {
      if (!all) {
        all = [];
        for (let i = 0; i < s.entries.length; i++) {
          const ep = entryAt(i);
          if (ep) all.push(ep);
        }
      }
      return all;
    },
  };
}
