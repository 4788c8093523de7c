import { spawn } from 'node:child_process';
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
  /**
   * How long one process may take before its whole process group is killed and the figure fails with a TIMEOUT
   * line; default {@link DEFAULT_TIMEOUT_MS} (5 minutes).
   */
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
export async function measurePair(baseline: Case, subject: Case, options: PairOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    const order: ['baseline' | 'subject', Case][] = [
      ['baseline', baseline],
      ['subject', subject],
    ];
    if (round % 2 === 0 && round > 0) order.reverse();
    for (const [side, c] of order) {
      const { ms, result } = await runCase(c);
      const sample: Sample = { side, round, warmup: round === 0, ms, ...(result ? { result } : {}) };
      samples.push(sample);
      options.onSample?.(sample);
    }
  }
  return samples;
}

/** Runs one case in a fresh process and returns its time (and the child's report, for child cases). */
export async function runCase(
  c: Case,
  extraNodeArgs: string[] = [],
): Promise<{ ms: number; result?: CaseResult; output: string }> {
  c.before?.();
  const [command, args] =
    c.run.kind === 'child'
      ? [process.execPath, [...extraNodeArgs, CHILD_SCRIPT, JSON.stringify(c.run.args)]]
      : [c.run.command, c.run.args];
  const timeoutMs = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const child = await runProcess(command, args, { cwd: c.cwd, env: childEnv(c.env), timeoutMs }).catch(
    (error: Error) => {
      throw new BenchError(`${c.label}: could not run ${command}: ${error.message}`);
    },
  );
  const output = `${child.stdout}${child.stderr}`;
  const tail = (text: string) => text.trim().split('\n').slice(-15).join('\n');
  if (child.timedOut) {
    throw new BenchError(
      `${c.label}: TIMEOUT, no exit after ${(timeoutMs / 1000).toFixed(0)} s (the limit of one sample); ` +
        `its whole process group was killed. Last output:\n${tail(`${child.stderr}${child.stdout}`)}`,
    );
  }
  if (child.tooMuchOutput) {
    throw new BenchError(
      `${c.label}: printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MB; its whole process group was killed`,
    );
  }
  if (child.status !== 0) {
    throw new BenchError(
      `${c.label}: exited with ${child.status ?? child.signal}:\n${tail(`${child.stderr}${child.stdout}`)}`,
    );
  }
  if (c.expectOutput && !c.expectOutput.test(output)) {
    throw new BenchError(`${c.label}: the output does not match ${String(c.expectOutput)}:\n${tail(output)}`);
  }
  const wallMs = child.ms;
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

/** How long one sample may run when its case sets no `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Output kept per process; a process that prints more is killed (as `spawnSync`'s `maxBuffer` did). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Process groups of the samples running now, killed if the harness exits or is interrupted first. */
const liveGroups = new Set<number>();
let cleanupInstalled = false;

/** SIGKILLs every process in the group `pid` leads; a group that is already gone is fine. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group
  }
}

/** Makes sure no sample outlives the harness: on exit, and on Ctrl-C or `kill`, its process groups go too. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => liveGroups.forEach(killGroup));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      liveGroups.forEach(killGroup);
      liveGroups.clear();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Runs one process in a process group of its own (`detached`), timed from spawn to exit. Whatever it started
 * (nx forks a process per task and workers for its plugins) is in that group, so when the sample ends — normally,
 * by timeout, or because the harness is stopped — the whole group is killed and nothing is left behind.
 */
function runProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{
  ms: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  tooMuchOutput: boolean;
}> {
  installCleanup();
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let tooMuchOutput = false;
    let exit: { ms: number; status: number | null; signal: NodeJS.Signals | null } | undefined;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_OUTPUT_BYTES) into.push(chunk);
      else if (pid !== undefined) {
        tooMuchOutput = true;
        killGroup(pid);
      }
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    if (pid !== undefined) liveGroups.add(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, options.timeoutMs);
    // Pipes held open by a leftover grandchild must not stall the harness once the group is killed.
    let drain: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(drain);
      if (pid !== undefined) {
        killGroup(pid);
        liveGroups.delete(pid);
      }
    };
    child.on('error', (error) => {
      finish();
      reject(error);
    });
    child.on('exit', (status, signal) => {
      exit = { ms: Number(process.hrtime.bigint() - t0) / 1e6, status, signal };
      // Whatever the leader left running in its group is a leftover: end it now, not at the next sample.
      if (pid !== undefined) killGroup(pid);
      drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        child.emit('close', status, signal);
      }, 10_000);
    });
    child.once('close', () => {
      finish();
      if (!exit) return;
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ ...exit, stdout, stderr, timedOut, tooMuchOutput });
    });
  });
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
