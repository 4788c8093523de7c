import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { B4 } from './figure-b4.js';
import { SETTLE_MS, type Fixtures } from './fixtures/index.js';
import { COLD_TIMEOUT_MS } from './fixtures/nx-many.js';
import { runCase, type Case } from './harness.js';

/** What a figure is judged against. */
export type Target =
  /** subject median ≤ max × baseline median */
  | { kind: 'ratio'; max: number }
  /** subject median − baseline median ≤ maxMs */
  | { kind: 'delta'; maxMs: number }
  /** subject median ≤ maxMs (the baseline is shown for scale) */
  | { kind: 'absolute'; maxMs: number }
  /** no target: reported for what a user would ask; `show` says which number to print */
  | { kind: 'none'; show: 'ratio' | 'delta' };

/** A figure measured as a pair of cases, baseline and subject, alternated in fresh processes. */
export interface PairFigure {
  id: string;
  /** What the subject measures, as the table shows it. */
  what: string;
  /** `in-process` (timed inside the child, after its imports) or `whole process` (spawn to exit). */
  timing: 'in-process' | 'whole process';
  target: Target;
  /** Builds the two cases; may generate fixtures. */
  cases(fixtures: Fixtures): { baseline: Case; subject: Case };
  /** Runs once before the rounds (untimed), e.g. to fill a cache. */
  prepare?(fixtures: Fixtures): void | Promise<void>;
  /** Measured rounds for this figure, from the run's rounds (B2's processes take seconds each). */
  rounds?: (rounds: number, quick: boolean) => number;
  /** A remark on the measurement once it ran (e.g. the warm start did not hit the cache). */
  check?(fixtures: Fixtures): string | undefined;
  /** Facts to print under the table once the figure ran (e.g. a cold run measured during `prepare`). */
  notes?(fixtures: Fixtures): string[];
  /** Whether to report peak RSS of both sides. */
  reportRss?: boolean;
}

/** The namespace every run-time figure lists: 1/20 of the plugins (100 of 2,000 in the default shape). */
export const NAMESPACE = 'bench.ns0';

/** Removes the finder's on-disk cache of a fixture root, so the next start scans. */
export function removeIndexCache(root: string): void {
  rmSync(join(root, 'node_modules', '.cache', 'plux'), { recursive: true, force: true });
}

const floor = (manifest: string): Case => ({
  label: 'floor: readFileSync + JSON.parse of every package.json and index',
  run: { kind: 'child', args: { case: 'floor', manifest, namespace: NAMESPACE } },
});

const listCold = (manifest: string, loadOne = false): Case => ({
  label: 'cold listNames(), cache off',
  run: { kind: 'child', args: { case: 'list', manifest, namespace: NAMESPACE, cache: false, loadOne } },
});

const listWarm = (manifest: string): Case => ({
  label: 'warm listNames(), cache present',
  run: { kind: 'child', args: { case: 'list', manifest, namespace: NAMESPACE, cache: true } },
});

/**
 * Brings the index cache of every run-time fixture to its steady state, once: written by a first start, then (after
 * the finder's racy window, during which it double-checks fresh paths by content) read once more, which drops
 * those checks. That is the cache a user's every later start reads. All fixtures share one wait.
 */
async function primeIndexCaches(fixtures: Fixtures): Promise<void> {
  await fixtures.once('index caches', async () => {
    const all = fixtures.runtimeFixtures();
    for (const fixture of all) await fixtures.settle(fixture.root);
    for (const fixture of all) {
      removeIndexCache(fixture.root);
      await runCase(listWarm(fixture.manifest));
    }
    await sleep(SETTLE_MS);
    for (const fixture of all) {
      // One more warm start, with plux's debug log on, to know that the warm figures measure a cache hit.
      const { output } = await runCase({ ...listWarm(fixture.manifest), env: { PLUX_LOG: 'debug' } });
      const said = output.split('\n').filter((line) => /cache/i.test(line));
      fixtures.notes.set(
        fixture.root,
        said.some((line) => /cache hit/.test(line))
          ? undefined
          : `the settled warm start reported no cache hit, so the warm figure measures a scan (PLUX_LOG=debug: ${said.join(' / ') || 'nothing about the cache'})`,
      );
    }
  });
}

/** The note primeIndexCaches left for a fixture, when its warm start did not hit the cache. */
const cacheNote = (fixtures: Fixtures, root: string): string | undefined => fixtures.notes.get(root);

const nodeEval = (label: string, code: string, cwd: string): Case => ({
  label,
  cwd,
  run: { kind: 'command', command: process.execPath, args: ['--input-type=module', '-e', code] },
});

/** R7 / R8: plux's loads against plain `import()` of the same modules, both sides in the same state before. */
const warmLoads = (manifest: string, mode: 'load' | 'load-all'): { baseline: Case; subject: Case } => ({
  baseline: {
    label: '`import()` of the same modules one after another',
    run: { kind: 'child', args: { case: 'load-warm', manifest, namespace: NAMESPACE, mode: 'plain' } },
  },
  subject: {
    label: mode === 'load-all' ? '`loadAll()`' : '`load(name)` per module',
    run: { kind: 'child', args: { case: 'load-warm', manifest, namespace: NAMESPACE, mode } },
  },
});

/** B3's first, uncached runs, measured once while preparing it. */
let coldRuns: { target: string; ms: number; rssKb?: number }[] = [];

/** Every timed figure, in the order they run. R3 is derived from R1's and R2's runs (see `deriveR3`). */
export const FIGURES: PairFigure[] = [
  {
    id: 'R1',
    what: 'cold `listNames()` of one namespace, no cache',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.2 },
    cases: (f) => ({ baseline: floor(f.runtime().manifest), subject: listCold(f.runtime().manifest, true) }),
  },
  {
    id: 'R2',
    what: 'warm `listNames()` (cache present)',
    timing: 'in-process',
    target: { kind: 'ratio', max: 0.1 },
    prepare: primeIndexCaches,
    check: (f) => cacheNote(f, f.runtime().root),
    cases: (f) => ({ baseline: listCold(f.runtime().manifest), subject: listWarm(f.runtime().manifest) }),
  },
  {
    id: 'R1r',
    what: 'R1 on a real-world tree (1–3 KB manifests, 40% scoped, nested `node_modules`, very large indexes)',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.2 },
    cases: (f) => ({
      baseline: floor(f.runtimeReal().manifest),
      subject: listCold(f.runtimeReal().manifest),
    }),
  },
  {
    id: 'R2r',
    what: 'R2 on the real-world tree',
    timing: 'in-process',
    target: { kind: 'ratio', max: 0.1 },
    prepare: primeIndexCaches,
    check: (f) => cacheNote(f, f.runtimeReal().root),
    cases: (f) => ({
      baseline: listCold(f.runtimeReal().manifest),
      subject: listWarm(f.runtimeReal().manifest),
    }),
  },
  {
    id: 'R4',
    what: '`loadAll()` of one namespace (names listed first, untimed)',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.25 },
    prepare: primeIndexCaches,
    cases: (f) => ({
      baseline: {
        label: '`import()` of the same modules + `new` of each class',
        run: {
          kind: 'child',
          args: { case: 'import-new', manifest: f.runtime().manifest, namespace: NAMESPACE },
        },
      },
      subject: {
        label: '`loadAll()`',
        run: {
          kind: 'child',
          args: { case: 'load-all', manifest: f.runtime().manifest, namespace: NAMESPACE },
        },
      },
    }),
  },
  {
    id: 'R7',
    what: "`load(name)` of one plugin from each of a namespace's 10 modules (loader and plux warm)",
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.3 },
    prepare: primeIndexCaches,
    cases: (f) => warmLoads(f.runtime().manifest, 'load'),
  },
  {
    id: 'R8',
    what: '`loadAll()` of a namespace (100 plugins in 10 modules; loader and plux warm)',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.3 },
    prepare: primeIndexCaches,
    cases: (f) => warmLoads(f.runtime().manifest, 'load-all'),
  },
  {
    id: 'R5',
    what: '`node -e "await import(\'@plux/core\')"`',
    timing: 'whole process',
    // A ratio to a bare start of the same node, not milliseconds: both scale with the machine.
    target: { kind: 'ratio', max: 1.6 },
    cases: (f) => ({
      baseline: nodeEval('`node -e ""`', '', f.runtime().root),
      subject: nodeEval("`await import('@plux/core')`", "await import('@plux/core');", f.runtime().root),
    }),
  },
  {
    id: 'R6a',
    what: 'R1 at N = 10,000: cold `listNames()`, no cache',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.2 },
    reportRss: true,
    cases: (f) => ({
      baseline: floor(f.runtimeLarge().manifest),
      subject: listCold(f.runtimeLarge().manifest),
    }),
  },
  {
    id: 'R6b',
    what: 'R2 at N = 10,000: warm `listNames()`',
    timing: 'in-process',
    // Against the least a warm start must do in the same run (not milliseconds), so it means the same anywhere.
    target: { kind: 'ratio', max: 3 },
    reportRss: true,
    prepare: primeIndexCaches,
    check: (f) => cacheNote(f, f.runtimeLarge().root),
    cases: (f) => ({
      baseline: {
        label: 'floor: read the cache file, parse its header, stat its watched paths, parse the section',
        run: {
          kind: 'child',
          args: { case: 'cache-floor', manifest: f.runtimeLarge().manifest, namespace: NAMESPACE },
        },
      },
      subject: listWarm(f.runtimeLarge().manifest),
    }),
  },
  {
    id: 'B1',
    what: 'discovery of the M-module package (`discoverPlugins`)',
    timing: 'in-process',
    target: { kind: 'ratio', max: 1.3 },
    cases: (f) => ({
      baseline: {
        label: '`import()` of every module in path order, one process',
        run: { kind: 'child', args: { case: 'import-modules', manifest: f.build().manifest } },
      },
      subject: {
        label: '`discoverPlugins()`',
        run: { kind: 'child', args: { case: 'discover', manifest: f.build().manifest } },
      },
    }),
  },
  {
    id: 'B2',
    what: '`nx run <p>:plux-discover`, cached',
    timing: 'whole process',
    target: { kind: 'ratio', max: 1.1 },
    rounds: (rounds, quick) => (quick ? Math.min(rounds, 2) : rounds),
    prepare: async (f) => {
      await f.settle(f.nx().root);
      await f.nx().prime();
    },
    cases: (f) => ({ baseline: f.nx().run('noop'), subject: f.nx().run('plux-discover') }),
  },
  {
    id: 'B3',
    what: '`nx run-many -t plux-discover` over a workspace of many plux projects, cached',
    timing: 'whole process',
    target: { kind: 'ratio', max: 1.1 },
    // each sample is one nx process over every project (several seconds)
    rounds: (rounds, quick) => Math.min(rounds, quick ? 2 : 5),
    reportRss: true,
    prepare: async (f) => {
      await f.settle(f.nxMany().root);
      await f.once('nx-many cold', async () => {
        const { projects } = f.nxMany();
        f.options.log(
          `B3: first, uncached run-many of plux-discover, then noop, over ${projects} projects, once each ` +
            `(the long part; limit ${COLD_TIMEOUT_MS / 60_000} min each)`,
        );
        coldRuns = await f.nxMany().cold();
        for (const { target, ms } of coldRuns)
          f.options.log(`B3: cold run-many -t ${target}: ${(ms / 1000).toFixed(1)} s`);
      });
    },
    notes: (f) =>
      coldRuns.map(
        ({ target, ms, rssKb }) =>
          `cold (first, uncached) \`nx run-many -t ${target}\` over ${f.nxMany().projects} projects: ` +
          `${(ms / 1000).toFixed(1)} s${rssKb ? `, peak RSS ${(rssKb / 1024).toFixed(0)} MB` : ''}`,
      ),
    cases: (f) => ({ baseline: f.nxMany().runMany('noop'), subject: f.nxMany().runMany('plux-discover') }),
  },
  {
    id: 'X1',
    what: 'whole process: import `@plux/core` and list one namespace (default finder, warm cache)',
    timing: 'whole process',
    target: { kind: 'none', show: 'delta' },
    prepare: primeIndexCaches,
    check: (f) => cacheNote(f, f.runtime().root),
    cases: (f) => ({
      baseline: nodeEval('`node -e ""`', '', f.runtime().root),
      subject: nodeEval(
        '`new PluginManager(ns).listNames()`',
        `const { PluginManager } = await import('@plux/core');\n` +
          `if (new PluginManager('${NAMESPACE}').listNames().length === 0) process.exit(3);`,
        f.runtime().root,
      ),
    }),
  },
  {
    id: 'X2',
    what: 'first start: `listNames()` with the cache on but absent (scan + write the cache)',
    timing: 'in-process',
    target: { kind: 'none', show: 'ratio' },
    cases: (f) => ({
      baseline: floor(f.runtime().manifest),
      subject: {
        ...listWarm(f.runtime().manifest),
        label: 'listNames(), cache absent',
        before: () => removeIndexCache(f.runtime().root),
      },
    }),
  },
  {
    id: 'X3',
    what: 'discovery (`discoverPlugins`) vs importing every module at once (`Promise.all`)',
    timing: 'in-process',
    target: { kind: 'none', show: 'ratio' },
    cases: (f) => ({
      baseline: {
        label: '`Promise.all` of `import()` of every module',
        run: {
          kind: 'child',
          args: { case: 'import-modules', manifest: f.build().manifest, parallel: true },
        },
      },
      subject: {
        label: '`discoverPlugins()`',
        run: { kind: 'child', args: { case: 'discover', manifest: f.build().manifest } },
      },
    }),
  },
  B4,
];
