/**
 * One benchmark case, run in a fresh `node` process by the harness: `node child.js '<json CaseArgs>'`.
 *
 * Each case loads what it needs first (untimed), times only the work the figure is about with
 * `performance.now()`, checks the answer against the fixture's manifest (untimed), and prints one JSON line
 * (`CaseResult`) on stdout. `@plux/core` is resolved from the fixture folder, as an installed copy would be.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import type { BuildFixture } from './fixtures/build.js';
import type { RuntimeFixture } from './fixtures/runtime.js';
import { IMPORT_RECORD } from './fixtures/runtime.js';

/** The cases a child can run, with their arguments. */
export type CaseArgs =
  | { case: 'floor'; manifest: string; namespace: string }
  | { case: 'cache-floor'; manifest: string; namespace: string }
  | { case: 'list'; manifest: string; namespace: string; cache: boolean; loadOne?: boolean }
  | { case: 'load-all'; manifest: string; namespace: string }
  | { case: 'import-new'; manifest: string; namespace: string }
  | { case: 'load-warm'; manifest: string; namespace: string; mode: 'load' | 'load-all' | 'plain' }
  | { case: 'discover'; manifest: string }
  | { case: 'import-modules'; manifest: string; parallel?: boolean };

/** What a child prints: the timed span, its peak RSS, and case-specific facts the harness checks. */
export interface CaseResult {
  /** Milliseconds spent in the timed span. */
  ms: number;
  /** CPU time (user + system, all threads) spent during the timed span: steadier than `ms` on a loaded machine. */
  cpuMs: number;
  /** Peak resident set size of the whole process, in KiB (`process.resourceUsage().maxRSS`). */
  rssKb: number;
  /** How many things the case produced (names listed, plugins loaded, modules imported, plugins discovered). */
  count: number;
  /** Whether `count` and the content match what the fixture says they must be. */
  correct: boolean;
  /** Plugin modules imported by the end of the timed span (from the fixture's import record). */
  imports?: number;
  /** Plugin modules imported after loading one plugin (the `list` case with `loadOne`). */
  importsAfterLoadOne?: number;
}

/** The subset of `@plux/core` the cases use. */
interface PluxCore {
  PluginManager: new (
    namespace: string,
    options?: { cwd?: string; finder?: unknown },
  ) => {
    listNames(): string[];
    load(name: string): Promise<unknown>;
    loadAll(options?: { propagateExceptions?: boolean }): Promise<unknown[]>;
  };
  IndexPluginFinder: new (options: { cwd?: string; cache?: boolean }) => unknown;
}

/** The subset of `@plux/core/build` the cases use. */
interface PluxBuild {
  discoverPlugins(options: { root: string; path?: string; strict?: boolean }): Promise<unknown>;
}

const cases: { [K in CaseArgs['case']]: (args: Extract<CaseArgs, { case: K }>) => Promise<CaseResult> } = {
  /** The floor of R1/R6: read every package.json and every index it points to, nothing else. */
  async floor({ manifest, namespace }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    const timer = startTimer();
    const names = floorListNames(fixture.root, namespace);
    const span = timer.stop();
    return result(span, names.length, sameNames(names, fixture.namespaces[namespace]?.names));
  },

  /**
   * The floor of a warm start (R6b): read the one cache file, parse its header, `stat` every path it watches (what
   * tells a warm start that nothing changed), and parse the namespace's section. No plux code runs.
   */
  async 'cache-floor'({ manifest, namespace }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    const folder = join(fixture.root, 'node_modules', '.cache', 'plux');
    const file = readdirSync(folder).find((name) => /^entry-points-v\d+\.json$/.test(name));
    if (!file) throw new Error(`bench child: no settled index cache in ${folder}`);
    const timer = startTimer();
    const names = cacheFloorListNames(join(folder, file), namespace);
    const span = timer.stop();
    return result(span, names.length, sameNames(names, fixture.namespaces[namespace]?.names));
  },

  async list({ manifest, namespace, cache, loadOne }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    const core = await importFrom<PluxCore>(fixture.root, '@plux/core');
    const timer = startTimer();
    const finder = new core.IndexPluginFinder({ cwd: fixture.root, cache });
    const manager = new core.PluginManager(namespace, { cwd: fixture.root, finder });
    const names = manager.listNames();
    const span = timer.stop();
    const out: CaseResult = {
      ...result(span, names.length, sameNames(names, fixture.namespaces[namespace]?.names)),
      imports: importRecord().length,
    };
    if (loadOne && names[0] !== undefined) {
      await manager.load(names[0]);
      out.importsAfterLoadOne = importRecord().length;
    }
    return out;
  },

  /** R4: `loadAll()` of one namespace through the default finder, after the names were listed. */
  async 'load-all'({ manifest, namespace }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    const core = await importFrom<PluxCore>(fixture.root, '@plux/core');
    const manager = new core.PluginManager(namespace, { cwd: fixture.root });
    const expected = fixture.namespaces[namespace]?.names ?? [];
    const listed = manager.listNames().length;
    const timer = startTimer();
    const plugins = await manager.loadAll({ propagateExceptions: true });
    const span = timer.stop();
    const modules = fixture.namespaces[namespace]?.modules.length ?? -1;
    const correct = listed === expected.length && plugins.length === expected.length;
    return {
      ...result(span, plugins.length, correct && importRecord().length === modules),
      imports: modules,
    };
  },

  /** R4's baseline: `import()` the namespace's modules and `new` each plugin class, with no plux in between. */
  async 'import-new'({ manifest, namespace }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    await importFrom(fixture.root, '@plux/core');
    const modules = fixture.namespaces[namespace]?.modules ?? [];
    const timer = startTimer();
    const instances: unknown[] = [];
    for (const { file, exports } of modules) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, new () => unknown>;
      for (const name of exports) instances.push(new mod[name]!());
    }
    const span = timer.stop();
    const expected = fixture.namespaces[namespace]?.names.length ?? -1;
    return result(span, instances.length, instances.length === expected);
  },

  /**
   * R7 / R8: `load(name)` of one plugin from each of the namespace's modules, one after another (R7), or
   * `loadAll()` of the namespace (R8), or — the baseline, `plain` — `import()` of those modules one after another.
   * Both sides reach the same state first, untimed: `@plux/core` imported, one plugin of another namespace loaded
   * through plux (so the module loader and plux's load path have run), the namespace's names listed. Only the
   * timed step differs.
   */
  async 'load-warm'({ manifest, namespace, mode }) {
    const fixture = readJson<RuntimeFixture>(manifest);
    const core = await importFrom<PluxCore>(fixture.root, '@plux/core');
    const [warmNamespace, warm] = Object.entries(fixture.namespaces).find(([ns]) => ns !== namespace)!;
    await new core.PluginManager(warmNamespace, { cwd: fixture.root }).load(warm.modules[0]!.names[0]!);
    const manager = new core.PluginManager(namespace, { cwd: fixture.root });
    const modules = fixture.namespaces[namespace]?.modules ?? [];
    const listed = manager.listNames().length;
    const timer = startTimer();
    let count = 0;
    if (mode === 'load-all') {
      count = (await manager.loadAll({ propagateExceptions: true })).length;
    } else if (mode === 'load') {
      for (const { names } of modules) count += (await manager.load(names[0]!)) ? 1 : 0;
    } else {
      for (const { file } of modules) count += (await import(pathToFileURL(file).href)) ? 1 : 0;
    }
    const span = timer.stop();
    const expected =
      mode === 'load-all' ? (fixture.namespaces[namespace]?.names.length ?? -1) : modules.length;
    const correct = listed > 0 && count === expected && importRecord().length === modules.length + 1;
    return result(span, count, correct);
  },

  /** B1: build-time discovery through the API. */
  async discover({ manifest }) {
    const fixture = readJson<BuildFixture>(manifest);
    const build = await importFrom<PluxBuild>(fixture.root, '@plux/core/build');
    const timer = startTimer();
    const discovered = await build.discoverPlugins({ root: fixture.root, path: fixture.path });
    const span = timer.stop();
    const count = countDiscovered(discovered);
    return result(span, count, count === fixture.expectedPlugins);
  },

  /**
   * B1's baseline: `import()` every module of the package in one process — one after another in path order, the
   * order discovery uses, or all at once (`parallel`, X3).
   */
  async 'import-modules'({ manifest, parallel }) {
    const fixture = readJson<BuildFixture>(manifest);
    await importFrom(fixture.root, '@plux/core');
    const urls = [...fixture.files].sort(compareStrings).map((file) => pathToFileURL(file).href);
    const timer = startTimer();
    if (parallel) await Promise.all(urls.map((url) => import(url)));
    else for (const url of urls) await import(url);
    const span = timer.stop();
    return result(span, urls.length, true);
  },
};

/** Lists a namespace's plugin names the cheapest way there is: `readFileSync` + `JSON.parse`, nothing else. */
export function floorListNames(root: string, namespace: string): string[] {
  const names: string[] = [];
  const nodeModules = join(root, 'node_modules');
  const visit = (dir: string) => {
    let pkg: { plux?: unknown };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { plux?: unknown };
    } catch {
      return;
    }
    let index = pkg.plux;
    if (typeof index === 'string') index = JSON.parse(readFileSync(join(dir, index), 'utf8'));
    const plugins = (index as { plugins?: Record<string, Record<string, unknown>> } | undefined)?.plugins;
    const entries = plugins?.[namespace];
    if (entries) names.push(...Object.keys(entries));
  };
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      const scope = join(nodeModules, entry.name);
      for (const name of readdirSync(scope)) visit(join(scope, name));
    } else {
      visit(join(nodeModules, entry.name));
    }
  }
  return names.sort();
}

/**
 * Lists a namespace's plugin names from plux's cache file with the least work a warm start can do: one read, the
 * header line parsed, one `statSync` per watched path, the namespace's section parsed.
 */
function cacheFloorListNames(file: string, namespace: string): string[] {
  const bytes = readFileSync(file);
  const newline = bytes.indexOf(10);
  const header = JSON.parse(bytes.toString('utf8', 0, newline)) as {
    watched: [string, string, string][];
    data: { namespaces: string[] };
    sections: number[];
  };
  for (const [, path] of header.watched) statSync(path, { throwIfNoEntry: false });
  const index = header.data.namespaces.indexOf(namespace);
  let start = newline + 1;
  for (let i = 0; i < index; i++) start += header.sections[i]! + 1;
  const section = JSON.parse(bytes.toString('utf8', start, start + header.sections[index]!)) as {
    e: [string, ...unknown[]][];
  };
  return section.e.map(([name]) => name).sort();
}

/** Counts the plugins in whatever `discoverPlugins` returns: an array, or an object holding one. */
function countDiscovered(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') {
    for (const key of ['plugins', 'specs', 'entries']) {
      const inner = (value as Record<string, unknown>)[key];
      if (Array.isArray(inner)) return inner.length;
    }
  }
  return -1;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function importRecord(): string[] {
  return ((globalThis as Record<string, unknown>)[IMPORT_RECORD] as string[] | undefined) ?? [];
}

async function importFrom<T>(root: string, specifier: string): Promise<T> {
  const require = createRequire(join(root, 'package.json'));
  return (await import(pathToFileURL(require.resolve(specifier)).href)) as T;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function sameNames(actual: string[], expected: string[] | undefined): boolean {
  if (!expected || actual.length !== expected.length) return false;
  const sorted = [...actual].sort();
  return sorted.every((name, i) => name === expected[i]);
}

/** Wall time and CPU time of a span. */
interface Span {
  ms: number;
  cpuMs: number;
}

function startTimer(): { stop(): Span } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    stop() {
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
  };
}

function result(span: Span, count: number, correct: boolean): CaseResult {
  return { ...span, rssKb: process.resourceUsage().maxRSS, count, correct };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as CaseArgs;
  const run = cases[args.case] as ((a: CaseArgs) => Promise<CaseResult>) | undefined;
  if (!run) throw new Error(`bench child: unknown case ${JSON.stringify(args.case)}`);
  const out = await run(args);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
