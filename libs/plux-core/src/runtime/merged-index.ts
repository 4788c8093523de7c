/**
 * The merged index of one root: every visible entry point after precedence. When two packages declare the same
 * `namespace:name`, the package found in the better place wins (see {@link mergeIndexes}); the loser is kept, with
 * the rule that decided, for one warning per pair of packages.
 */
import type { Distribution, EntryPoint, ShadowedEntryPoint } from '../core/entry-point.js';
import { compareStrings } from '../utils/compare.js';
import type { PackageIndex } from './package-index.js';

export type { ShadowedEntryPoint } from '../core/entry-point.js';

/** The merged index of one root, as a scan produces it. */
export interface MergedIndex {
  /** Every package with a `plux` field, in precedence order. */
  distributions: Distribution[];
  /** The listed entry points, sorted by namespace, then name. */
  entryPoints: EntryPoint[];
  shadowed: ShadowedEntryPoint[];
  problems: string[];
}

/** A merged index that answers by namespace; the one read from the cache builds its entry points on demand. */
export interface IndexView {
  /** The namespaces that have plugins, sorted; empty when no visible package indexes any plugin. */
  readonly namespaces: readonly string[];
  readonly shadowed: ShadowedEntryPoint[];
  readonly problems: string[];
  /**
   * The entry points of `namespace`, sorted by name (the view's own array: copy it before handing it out).
   *
   * @throws TypeError when a cached section turns out corrupt (the finder then scans).
   */
  findPlugins(namespace: string): readonly EntryPoint[];
  /** Every entry point, sorted by namespace, then name (the view's own array). @throws TypeError like findPlugins. */
  listEntryPoints(): readonly EntryPoint[];
}

/** Applies the precedence rule: packages in rank order, then name, then path; the first `namespace:name` wins. */
export function mergeIndexes(packages: PackageIndex[], problems: string[]): MergedIndex {
  packages.sort(
    (a, b) =>
      a.rank - b.rank ||
      compareStrings(a.distribution.name, b.distribution.name) ||
      compareStrings(a.distribution.root, b.distribution.root),
  );
  // The rule depends on the two packages only: worded once per pair of packages, however many plugins the loser
  // declares in vain (a package installed twice shadows all of its entries).
  let ranks: Map<Distribution, number> | undefined;
  const rules = new Map<Distribution, Map<Distribution, string>>();
  const ruleOf = (winner: EntryPoint, loser: EntryPoint): string => {
    let byLoser = rules.get(winner.distribution!);
    if (!byLoser) rules.set(winner.distribution!, (byLoser = new Map()));
    let rule = byLoser.get(loser.distribution!);
    if (rule === undefined) {
      ranks ??= new Map(packages.map((p) => [p.distribution, p.rank]));
      byLoser.set(loser.distribution!, (rule = precedenceRule(ranks, winner, loser)));
    }
    return rule;
  };
  const winners = new Map<string, Map<string, EntryPoint>>();
  const shadowed: ShadowedEntryPoint[] = [];
  for (const pkg of packages) {
    for (const entry of pkg.entries) {
      let names = winners.get(entry.namespace);
      if (!names) winners.set(entry.namespace, (names = new Map()));
      const winner = names.get(entry.name);
      if (winner) shadowed.push({ winner, loser: entry, rule: ruleOf(winner, entry) });
      else names.set(entry.name, entry);
    }
  }
  const entryPoints = [...winners.values()]
    .flatMap((m) => [...m.values()])
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  return { distributions: packages.map((p) => p.distribution), entryPoints, shadowed, problems };
}

/** The {@link IndexView} of a freshly scanned index. */
export function viewOf(index: MergedIndex): IndexView {
  const byNamespace = new Map<string, EntryPoint[]>();
  for (const ep of index.entryPoints) {
    const list = byNamespace.get(ep.namespace);
    if (list) list.push(ep);
    else byNamespace.set(ep.namespace, [ep]);
  }
  return {
    namespaces: [...byNamespace.keys()].sort(),
    shadowed: index.shadowed,
    problems: index.problems,
    findPlugins: (namespace) => byNamespace.get(namespace) ?? [],
    listEntryPoints: () => index.entryPoints,
  };
}

/** Where a package was found, by its rank (see `readPackageIndex`: the tier, then pnpm-hoisted after the top level). */
const RANK_PLACES = [
  'a workspace package',
  'a workspace package',
  "a package in the root's node_modules",
  "a package in pnpm's hidden node_modules/.pnpm/node_modules",
  "a package in a workspace package's own node_modules",
  "a package in a workspace package's own node_modules",
];

/**
 * The rule that made `winner` win over `loser`, in words: where the packages were found when that differs, else
 * the package name, else the path (the order {@link mergeIndexes} sorts by).
 */
function precedenceRule(ranks: Map<Distribution, number>, winner: EntryPoint, loser: EntryPoint): string {
  const [w, l] = [winner.distribution!, loser.distribution!];
  const [wr, lr] = [ranks.get(w) ?? 0, ranks.get(l) ?? 0];
  const place = (rank: number) => RANK_PLACES[rank] ?? 'an installed package';
  if (wr !== lr) return `${place(wr)} wins over ${place(lr)}`;
  const both = place(wr)
    .replace(/^an? /, '')
    .replace(/package/, 'packages');
  if (w.name !== l.name)
    return `both are ${both}, so the package name decides: ${w.name} sorts before ${l.name}`;
  return `both are ${both} named ${w.name}, so the path decides: ${w.root} sorts before ${l.root}`;
}

/** One warning per pair of packages, naming the plugins the loser declares in vain and the rule that decided. */
export function shadowWarnings(shadowed: ShadowedEntryPoint[]): string[] {
  const pairs = new Map<
    string,
    { winner: Distribution; loser: Distribution; rule: string; names: string[] }
  >();
  for (const { winner, loser, rule } of shadowed) {
    const key = `${winner.distribution!.root}\0${loser.distribution!.root}`;
    let pair = pairs.get(key);
    if (!pair)
      pairs.set(key, (pair = { winner: winner.distribution!, loser: loser.distribution!, rule, names: [] }));
    pair.names.push(`${loser.namespace}:${loser.name}`);
  }
  return [...pairs.values()].map(
    ({ winner, loser, rule, names }) =>
      `${describeDistribution(loser)} declares ${names.join(', ')}, also declared by ${describeDistribution(winner)}; using ${winner.name}'s ` +
      `(${rule}). Rename the plugins or remove one of the packages`,
  );
}

/** A package as a warning names it: `name@version (root)`. */
function describeDistribution(distribution: Distribution): string {
  return `${distribution.name}@${distribution.version} (${distribution.root})`;
}
