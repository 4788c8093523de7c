import type { Target } from './figures.js';
import type { Sample, Stats } from './harness.js';

/** One row of the table, with the raw samples it came from. */
export interface FigureResult {
  id: string;
  what: string;
  timing: 'in-process' | 'whole process' | 'count';
  target: Target | { kind: 'counts'; text: string };
  baselineLabel?: string;
  subjectLabel?: string;
  baseline?: Stats;
  subject?: Stats;
  /** CPU time (user + sys) of in-process figures: a cross-check of the wall-time ratio on a busy machine. */
  cpu?: { baseline: Stats; subject: Stats; ratio: number };
  /** The ratio, the delta in ms, the subject's median in ms, or nothing for counts. */
  value?: number;
  /** How `value` reads in the table (`1.07×`, `+9.8 ms`, `0 / 1`). */
  result: string;
  targetText: string;
  verdict: 'pass' | 'miss' | 'info' | 'error';
  notes: string[];
  error?: string;
  samples: Sample[];
}

/** Judges a pair of sides against a target: the number the table shows and pass or miss. */
export function judge(
  target: Target,
  baseline: Stats,
  subject: Stats,
): Pick<FigureResult, 'value' | 'result' | 'targetText' | 'verdict'> {
  const ratio = subject.median / baseline.median;
  const delta = subject.median - baseline.median;
  const ratioText = `${ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2)}×`;
  const deltaText = `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)} ms`;
  switch (target.kind) {
    case 'ratio':
      return {
        value: ratio,
        result: ratioText,
        targetText: `≤ ${target.max}×`,
        verdict: verdict(ratio <= target.max),
      };
    case 'delta':
      return {
        value: delta,
        result: deltaText,
        targetText: `≤ +${target.maxMs} ms`,
        verdict: verdict(delta <= target.maxMs),
      };
    case 'absolute':
      return {
        value: subject.median,
        result: `${subject.median.toFixed(2)} ms (${ratioText})`,
        targetText: `≤ ${target.maxMs} ms`,
        verdict: verdict(subject.median <= target.maxMs),
      };
    case 'none':
      return {
        value: target.show === 'ratio' ? ratio : delta,
        result: target.show === 'ratio' ? ratioText : deltaText,
        targetText: '—',
        verdict: 'info',
      };
  }
}

function verdict(ok: boolean): 'pass' | 'miss' {
  return ok ? 'pass' : 'miss';
}

/** The results as a Markdown table (aligned, so it also reads in a terminal), followed by the notes. */
export function formatTable(results: FigureResult[]): string {
  const header = [
    'id',
    'what',
    'baseline (same run)',
    'baseline ms: min / med / max',
    'subject ms: min / med / max',
    'result',
    'target',
    '',
  ];
  const rows = results.map((r) => [
    r.id,
    `${r.what}${r.timing === 'count' ? '' : ` _(${r.timing})_`}`,
    r.baselineLabel ?? '—',
    formatStats(r.baseline),
    formatStats(r.subject),
    r.result,
    r.targetText,
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const notes = results.flatMap((r) => [
    ...r.notes.map((n) => `- ${r.id}: ${n}`),
    ...(r.error ? [`- ${r.id}: ERROR ${r.error.split('\n').join('\n  ')}`] : []),
  ]);
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}

function formatStats(stats: Stats | undefined): string {
  if (!stats || stats.n === 0) return '—';
  return `${fmt(stats.min)} / ${fmt(stats.median)} / ${fmt(stats.max)}`;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
