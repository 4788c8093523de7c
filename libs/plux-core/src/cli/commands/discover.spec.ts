import { describe, expect, it } from 'vitest';

import type { IndexDiff } from '../../build/diff.js';
import type { IndexedPlugin } from '../../core/plux-index.js';
import { describeChanges } from './discover.js';

/** N plugins, all added, and the number of times `describeChanges` reads an element of the plugin list. */
function readsFor(count: number): { reads: number; lines: string[] } {
  const plugins: IndexedPlugin[] = [];
  for (let i = 0; i < count; i++) {
    plugins.push({ namespace: 'ns', name: `p${i}`, module: './dist/index.js', export: `p${i}` });
  }
  let reads = 0;
  const counted = new Proxy(plugins, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const diff: IndexDiff = { added: plugins.map((p) => `ns:${p.name}`), removed: [], changed: [] };
  const lines = describeChanges(counted, diff);
  return { reads, lines };
}

describe('describeChanges', () => {
  it('names each added plugin with its module and export', () => {
    expect(readsFor(2).lines).toEqual([
      'added ns:p0 (./dist/index.js#p0)',
      'added ns:p1 (./dist/index.js#p1)',
    ]);
  });

  it('reads each plugin a fixed number of times: twice the plugins is twice the work, not four times', () => {
    const small = readsFor(1_000).reads;
    const large = readsFor(2_000).reads;

    expect(small).toBeLessThanOrEqual(2 * 1_000);
    expect(large / small).toBeLessThanOrEqual(2.1);
  });
});
