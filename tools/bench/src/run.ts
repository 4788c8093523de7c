import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { FIGURES, type PairFigure } from './figures.js';
import { DEFAULT_BUILD_SHAPE } from './fixtures/build.js';
import { DEFAULT_NX_MANY_SHAPE } from './fixtures/nx-many.js';
import { Fixtures, type Shapes } from './fixtures/index.js';
import { DEFAULT_RUNTIME_SHAPE } from './fixtures/runtime.js';
import { BenchError, measurePair, runCase, stats, type Sample } from './harness.js';
import { judge, type FigureResult } from './report.js';

/** Options of {@link runBenchmark}. */
export interface BenchOptions {
  repoRoot: string;
  /** Where fixtures are written (a fresh temp folder). */
  tmp: string;
  /** Small shapes and few rounds: every figure, in well under a minute. */
  quick: boolean;
  /** Measured rounds per figure (after one discarded warm-up round). */
  rounds: number;
  /** Only these figure ids (R3 needs R1 and R2). */
  only?: string[];
  /** Also run each subject once with `--cpu-prof`, writing profiles here. */
  profileDir?: string;
  log: (message: string) => void;
}

/** Everything `npm run bench` writes to its JSON file. */
export interface BenchReport {
  meta: Record<string, unknown>;
  results: FigureResult[];
}

/** The shapes of the full run and of `--quick`. */
export function shapesFor(quick: boolean): Shapes {
  if (!quick) {
    return {
      runtime: DEFAULT_RUNTIME_SHAPE,
      runtimeLarge: { ...DEFAULT_RUNTIME_SHAPE, packages: 10_000 },
      runtimeReal: { ...DEFAULT_RUNTIME_SHAPE, realWorld: true },
      build: DEFAULT_BUILD_SHAPE,
      nx: DEFAULT_BUILD_SHAPE,
      nxMany: DEFAULT_NX_MANY_SHAPE,
    };
  }
  return {
    runtime: { ...DEFAULT_RUNTIME_SHAPE, packages: 400 },
    runtimeLarge: { ...DEFAULT_RUNTIME_SHAPE, packages: 1000 },
    runtimeReal: { ...DEFAULT_RUNTIME_SHAPE, packages: 400, realWorld: true },
    build: { ...DEFAULT_BUILD_SHAPE, modules: 60 },
    nx: { ...DEFAULT_BUILD_SHAPE, modules: 60 },
    nxMany: { ...DEFAULT_NX_MANY_SHAPE, projects: 10 },
  };
}

/**
 * Measures every figure and judges it. A figure whose processes fail is reported with its error and the others
 * still run; a missed target is a result, not an error.
 */
export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const shapes = shapesFor(options.quick);
  const fixtures = new Fixtures({
    tmp: options.tmp,
    repoRoot: options.repoRoot,
    pluxCoreDir: join(options.repoRoot, 'libs', 'plux-core'),
    shapes,
    log: options.log,
  });
  const wanted = (id: string) => !options.only || options.only.includes(id);
  const results: FigureResult[] = [];
  const started = Date.now();
  const figures = FIGURES.filter(
    (figure) => wanted(figure.id) || (wanted('R3') && (figure.id === 'R1' || figure.id === 'R2')),
  );
  // Every fixture first: by the time a figure needs one to be older than the finder's racy window, it is.
  for (const figure of figures) {
    try {
      figure.cases(fixtures);
    } catch {
      // reported by measureFigure, which builds the cases again
    }
  }
  for (const figure of figures) {
    results.push(await measureFigure(figure, fixtures, options));
    if (figure.id === 'R2' && wanted('R3')) results.push(deriveR3(results));
  }
  return {
    meta: {
      date: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadavgAtStart: loadavg(),
      commit: gitCommit(options.repoRoot),
      quick: options.quick,
      rounds: options.rounds,
      shapes,
      fixtures: fixtures.generated,
      timing:
        'in-process: performance.now() inside a fresh node process around the work only, after its imports; ' +
        'whole process: spawn to exit, measured by the harness. JavaScript is cold in every sample (fresh ' +
        'process); files are in the OS page cache (fixtures were just written).',
    },
    results,
  };
}

async function measureFigure(
  figure: PairFigure,
  fixtures: Fixtures,
  options: BenchOptions,
): Promise<FigureResult> {
  const base = { id: figure.id, what: figure.what, timing: figure.timing, target: figure.target, notes: [] };
  const samples: Sample[] = [];
  try {
    const { baseline, subject } = figure.cases(fixtures);
    await figure.prepare?.(fixtures);
    const rounds = figure.rounds?.(options.rounds, options.quick) ?? options.rounds;
    const t0 = Date.now();
    options.log(`${figure.id}: ${rounds} rounds + warm-up, ${subject.label} vs ${baseline.label}`);
    samples.push(...(await measurePair(baseline, subject, { rounds })));
    const b = stats(samples, 'baseline');
    const s = stats(samples, 'subject');
    const result: FigureResult = {
      ...base,
      baselineLabel: baseline.label,
      subjectLabel: subject.label,
      baseline: b,
      subject: s,
      ...judge(figure.target, b, s),
      samples,
    };
    const cpu = (side: Sample['side']) => stats(samples, side, (x) => x.result?.cpuMs ?? NaN);
    if (figure.timing === 'in-process' && samples.every((x) => x.result?.cpuMs !== undefined)) {
      const [cb, cs] = [cpu('baseline'), cpu('subject')];
      result.cpu = { baseline: cb, subject: cs, ratio: cs.median / cb.median };
      result.notes.push(
        `CPU time (user + sys) medians: subject ${cs.median.toFixed(1)} ms, baseline ${cb.median.toFixed(1)} ms, ` +
          `ratio ${(cs.median / cb.median).toFixed(2)}× (steadier than wall time when the machine is busy)`,
      );
    }
    result.notes.push(...(figure.notes?.(fixtures) ?? []));
    const remark = figure.check?.(fixtures);
    if (remark) result.notes.push(`WARNING ${remark}`);
    if (figure.reportRss) {
      const rss = (side: Sample['side']) => stats(samples, side, (x) => x.result?.rssKb ?? NaN).median / 1024;
      result.notes.push(
        `peak RSS (median): subject ${rss('subject').toFixed(0)} MB, baseline ${rss('baseline').toFixed(0)} MB`,
      );
    }
    if (options.profileDir && subject.run.kind === 'child') {
      const dir = join(options.profileDir, figure.id);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await runCase(subject, ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`]);
      result.notes.push(`CPU profile of one subject run: ${dir}`);
    }
    options.log(
      `${figure.id}: ${result.result} (target ${result.targetText}) ${result.verdict}, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return result;
  } catch (error) {
    const message = error instanceof BenchError || error instanceof Error ? error.message : String(error);
    options.log(`${figure.id}: ERROR ${message}`);
    return { ...base, result: '—', targetText: '—', verdict: 'error', error: message, samples };
  }
}

/**
 * R3 from the import records of R1's and R2's subject processes: how many plugin modules were imported by
 * `listNames()` (cold and warm) and by `load()` of one plugin.
 */
function deriveR3(results: FigureResult[]): FigureResult {
  const r1 = results.find((r) => r.id === 'R1');
  const r2 = results.find((r) => r.id === 'R2');
  const base = {
    id: 'R3',
    what: 'plugin modules imported by `listNames()` / by `load(one)`',
    timing: 'count' as const,
    target: { kind: 'counts' as const, text: '0 / 1' },
    targetText: '0 / 1',
    notes: [] as string[],
    samples: [] as Sample[],
  };
  const pick = (r: FigureResult | undefined, key: 'imports' | 'importsAfterLoadOne') =>
    (r?.samples ?? []).filter((s) => s.side === 'subject').map((s) => s.result?.[key]);
  const cold = pick(r1, 'imports');
  const warm = pick(r2, 'imports');
  const loadOne = pick(r1, 'importsAfterLoadOne');
  if (cold.length === 0 || warm.length === 0 || loadOne.length === 0) {
    const error = 'R1 or R2 produced no samples, so there are no import records to count';
    return { ...base, result: '—', verdict: 'error', error };
  }
  const distinct = (values: (number | undefined)[]) => [...new Set(values)].join(',');
  const ok = [...cold, ...warm].every((n) => n === 0) && loadOne.every((n) => n === 1);
  base.notes.push(
    `over ${cold.length} cold and ${warm.length} warm processes: listNames() imported ${distinct(cold)} (cold), ` +
      `${distinct(warm)} (warm) plugin modules; load(one) brought the total to ${distinct(loadOne)}`,
  );
  return {
    ...base,
    result: `${distinct([...cold, ...warm])} / ${distinct(loadOne)}`,
    verdict: ok ? 'pass' : 'miss',
  };
}

/** The commit, marked when the measured package's sources differ from it (someone's work in progress). */
function gitCommit(repoRoot: string): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'libs/plux-core/src')
      ? `${commit} + uncommitted libs/plux-core/src`
      : commit;
  } catch {
    return undefined;
  }
}
