import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { CaseArgs, CaseResult } from './child.js';

/**
 * One side of a figure: a fresh process per sample. `in-process` cases run the child script and report the timed
 * span themselves; `wall` cases are timed from spawn to exit by the harness.
 */
export interface Case {
  /** Shown in the table, e.g. `floor: readFileSync + JSON.parse`. */
  label: string;
  /** `child`: `node child.js <args>`, timed inside; `command`: any command, timed from the outside. */
  run: { kind: 'child'; args: CaseArgs } | { kind: 'command'; command: string; args: string[] };
  cwd?: string;
  /** Extra variables for this case's environment (both sides of a figure should set the same ones). */
  env?: Record<string, string>;
  /** Runs before every sample of this case, untimed (e.g. delete a cache). */
  before?: () => void;
  /** The process's output must match this, or the sample is an error (e.g. nx must report a cache hit). */
  expectOutput?: RegExp;
  /** How long one process may take before it is killed and the figure fails; default 5 minutes. */
  timeoutMs?: number;
}

/** One measured process. */
export interface Sample {
  side: 'baseline' | 'subject';
  /** 0 is the discarded warm-up round. */
  round: number;
  warmup: boolean;
  ms: number;
  /** Everything a child case reported (absent for `command` cases). */
  result?: CaseResult;
}

/** min / median / max of the samples that count (warm-up excluded). */
export interface Stats {
  n: number;
  min: number;
  median: number;
  max: number;
}

/** How many rounds to run: one warm-up round (discarded), then `rounds` measured rounds. */
export interface PairOptions {
  rounds: number;
  /** Called after each sample, for progress output. */
  onSample?: (sample: Sample) => void;
}

/** What a command run under `/usr/bin/time -f '<marker>%M'` prints before its peak RSS in KiB. */
export const MAX_RSS_MARKER = 'PLUX_BENCH_MAXRSS_KB=';

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));

/**
 * Measures a baseline and a subject alternately, A B, B A, A B, … — the order flipped every other round so that
 * neither side always runs first — after one warm-up round that is recorded but not counted. Each sample is a fresh
 * process with the same environment.
 */
export function measurePair(baseline: Case, subject: Case, options: PairOptions): Sample[] {
  const samples: Sample[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    const order: ['baseline' | 'subject', Case][] = [
      ['baseline', baseline],
      ['subject', subject],
    ];
    if (round % 2 === 0 && round > 0) order.reverse();
    for (const [side, c] of order) {
      const { ms, result } = runCase(c);
      const sample: Sample = { side, round, warmup: round === 0, ms, ...(result ? { result } : {}) };
      samples.push(sample);
      options.onSample?.(sample);
    }
  }
  return samples;
}

/** Runs one case in a fresh process and returns its time (and the child's report, for child cases). */
export function runCase(
  c: Case,
  extraNodeArgs: string[] = [],
): { ms: number; result?: CaseResult; output: string } {
  c.before?.();
  const [command, args] =
    c.run.kind === 'child'
      ? [process.execPath, [...extraNodeArgs, CHILD_SCRIPT, JSON.stringify(c.run.args)]]
      : [c.run.command, c.run.args];
  const t0 = process.hrtime.bigint();
  const child = spawnSync(command, args, {
    cwd: c.cwd,
    env: childEnv(c.env),
    encoding: 'utf8',
    timeout: c.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (child.error) throw new BenchError(`${c.label}: could not run ${command}: ${child.error.message}`);
  if (child.status !== 0) {
    const output = `${child.stderr ?? ''}${child.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new BenchError(`${c.label}: exited with ${child.status ?? child.signal}:\n${output}`);
  }
  if (c.expectOutput && !c.expectOutput.test(`${child.stdout}${child.stderr}`)) {
    const output = `${child.stdout}${child.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new BenchError(`${c.label}: the output does not match ${String(c.expectOutput)}:\n${output}`);
  }
  const output = `${child.stdout}${child.stderr}`;
  if (c.run.kind === 'command') {
    // A command run under GNU time reports its peak RSS; keep it like a child case's.
    const rssKb = new RegExp(`${MAX_RSS_MARKER}(\\d+)`).exec(output)?.[1];
    if (rssKb === undefined) return { ms: wallMs, output };
    const result: CaseResult = { ms: wallMs, cpuMs: NaN, rssKb: Number(rssKb), count: 0, correct: true };
    return { ms: wallMs, result, output };
  }
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  let result: CaseResult;
  try {
    result = JSON.parse(lastLine) as CaseResult;
  } catch {
    throw new BenchError(`${c.label}: the child printed no result line; stdout ended with ${lastLine}`);
  }
  if (!result.correct) {
    throw new BenchError(
      `${c.label}: wrong answer (count ${result.count}); the case does not measure what it should: ${lastLine}`,
    );
  }
  return { ms: result.ms, result, output };
}

/**
 * The environment of every measured process: this one's, without what makes Node start slowly or behave
 * differently (NODE_EXTRA_CA_CERTS costs ~80 ms per start here, NODE_OPTIONS may add loaders) and without plux's
 * own switches, so both sides of a figure see the same, neutral environment.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'PLUX_NO_CACHE', 'PLUX_DISABLED', 'PLUX_LOG'])
    delete env[key];
  return { ...env, ...extra };
}

/** min / median / max of the counted samples of one side. */
export function stats(samples: Sample[], side: Sample['side'], pick = (s: Sample) => s.ms): Stats {
  const values = samples
    .filter((s) => s.side === side && !s.warmup)
    .map(pick)
    .sort((a, b) => a - b);
  if (values.length === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { n: values.length, min: values[0]!, median, max: values[values.length - 1]! };
}

/** A failure of the benchmark itself (not a missed target): it makes `npm run bench` exit non-zero. */
export class BenchError extends Error {
  override name = 'BenchError';
}
