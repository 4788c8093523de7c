/**
 * The candidates nearest to `wanted` by edit distance, closest first: at most `limit`, none further than a third of
 * `wanted`'s length (at least one edit).
 */
export function nearest(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const max = Math.max(1, Math.floor(wanted.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate) }))
    .filter((c) => c.distance <= max)
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, limit)
    .map((c) => c.candidate);
}

/** Levenshtein distance (insertions, deletions, substitutions), with one row of memory. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
