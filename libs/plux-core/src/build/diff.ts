import { parseIndex, type PluxIndexEntry } from '../core/plux-index.js';
import { compareStrings } from '../utils/compare.js';

/** How two indexes differ, plugin by plugin; each item is `"<namespace>:<name>"`, sorted. */
export interface IndexDiff {
  /** Plugins only in the new index. */
  added: string[];
  /** Plugins only in the old index. */
  removed: string[];
  /** Plugins in both whose module or export differs. */
  changed: string[];
}

/**
 * Compares an index on disk with a freshly discovered one. `previous` is the old file's text (undefined when there
 * is none; text that is not a valid index counts as empty), `next` the new text. Only plugins count: two files with
 * the same plugins but different formatting give an empty diff, although their bytes differ.
 *
 * @example
 * ```ts
 * diffIndex(readFileSync('plux.json', 'utf8'), result.index); // { added: ['acme.services:sqs'], removed: [], changed: [] }
 * ```
 */
export function diffIndex(previous: string | undefined, next: string): IndexDiff {
  const before = entriesOf(previous);
  const after = entriesOf(next);
  const diff: IndexDiff = { added: [], removed: [], changed: [] };
  for (const [id, entry] of after) {
    const old = before.get(id);
    if (!old) diff.added.push(id);
    else if (old.module !== entry.module || old.export !== entry.export) diff.changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) diff.removed.push(id);
  diff.added.sort(compareStrings);
  diff.removed.sort(compareStrings);
  diff.changed.sort(compareStrings);
  return diff;
}

/** Whether a diff lists no plugin. */
export function isEmptyDiff(diff: IndexDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

function entriesOf(text: string | undefined): Map<string, PluxIndexEntry> {
  const entries = new Map<string, PluxIndexEntry>();
  if (text === undefined) return entries;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return entries;
  }
  for (const p of parseIndex(raw).plugins) entries.set(`${p.namespace}:${p.name}`, p);
  return entries;
}
