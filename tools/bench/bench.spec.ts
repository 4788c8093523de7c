import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BenchReport } from './src/run.js';
import type { FigureResult } from './src/report.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const FIGURE_IDS = [
  ...['R1', 'R2', 'R3', 'R1r', 'R2r', 'R4', 'R7', 'R8', 'R5', 'R6a', 'R6b'],
  ...['B1', 'B2', 'B3', 'X1', 'X2', 'X3', 'B4'],
];

/**
 * Keeps the benchmark from rotting: runs `npm run bench -- --quick` once, as a user would, and checks that it
 * produced every figure with plausible numbers. It never asserts that a target is met: timings on a shared machine
 * are not test results.
 */
describe('npm run bench -- --quick', () => {
  let dir: string;
  let report: BenchReport;
  let stdout: string;
  let exitCode: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plux-bench-spec-'));
    const out = join(dir, 'results.json');
    try {
      ({ stdout } = await promisify(execFile)('npm', ['run', 'bench', '--', '--quick', '--out', out], {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      }));
      exitCode = 0;
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      exitCode = failed.code ?? -1;
      stdout = `${failed.stdout ?? ''}\n${failed.stderr ?? ''}`;
    }
    if (!existsSync(out))
      throw new Error(`npm run bench wrote no report (exit code ${exitCode}):\n${stdout}`);
    report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const figure = (id: string): FigureResult => {
    const found = report.results.find((r) => r.id === id);
    if (!found) throw new Error(`figure ${id} is missing from the report`);
    return found;
  };

  it('exits 0 and measures every figure without an error', () => {
    const errors = report.results.filter((r) => r.verdict === 'error').map((r) => `${r.id}: ${r.error}`);
    expect(errors).toEqual([]);
    expect(exitCode, stdout).toBe(0);
    expect(report.results.map((r) => r.id)).toEqual(FIGURE_IDS);
  });

  it('prints the table with a verdict for every figure', () => {
    for (const id of FIGURE_IDS)
      expect(stdout).toMatch(new RegExp(`^\\| ${id} +\\|.*\\| (pass|miss|info) +\\|$`, 'm'));
  });

  it.each(FIGURE_IDS.filter((id) => id !== 'R3'))('%s: both sides have sane, finite timings', (id) => {
    const r = figure(id);
    for (const side of [r.baseline!, r.subject!]) {
      expect(side.n).toBeGreaterThanOrEqual(2);
      expect(side.min).toBeGreaterThan(0);
      expect(side.min).toBeLessThanOrEqual(side.median);
      expect(side.median).toBeLessThanOrEqual(side.max);
      expect(side.max).toBeLessThan(60_000);
    }
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.target.kind === 'none' ? ['info'] : ['pass', 'miss']).toContain(r.verdict);
  });

  it('alternates the sides after a discarded warm-up round', () => {
    const samples = figure('R1').samples;
    expect(samples.filter((s) => s.warmup)).toHaveLength(2);
    const firstSides = [1, 2].map((round) => samples.find((s) => s.round === round)!.side);
    expect(firstSides).toEqual(['baseline', 'subject']);
  });

  it('R3: listing imports no plugin module and loading one imports exactly one', () => {
    expect(figure('R3').result).toBe('0 / 1');
  });

  it('B3 runs the whole many-project workspace cold once, then from the cache, and reports both', () => {
    const notes = figure('B3').notes.join('\n');
    expect(notes).toMatch(
      /cold \(first, uncached\) `nx run-many -t plux-discover` over \d+ projects: [\d.]+ s/,
    );
    expect(notes).toMatch(/cold \(first, uncached\) `nx run-many -t noop`/);
    expect(figure('B3').subjectLabel).toMatch(/`nx run-many -t plux-discover` over \d+ projects, cached/);
  });

  it('R6b and R5 are judged against baselines of the same run, not milliseconds', () => {
    expect(figure('R6b').target).toEqual({ kind: 'ratio', max: expect.any(Number) });
    expect(figure('R6b').baselineLabel).toMatch(/read the cache file/);
    expect(figure('R5').target.kind).toBe('ratio');
  });

  it('the child processes checked their answers against the fixtures', () => {
    const r1 = figure('R1').samples.filter((s) => s.side === 'subject');
    expect(r1.every((s) => s.result?.correct === true && s.result.count > 0)).toBe(true);
    expect(figure('R6a').notes.join()).toMatch(/peak RSS \(median\): subject \d+ MB/);
  });
});
