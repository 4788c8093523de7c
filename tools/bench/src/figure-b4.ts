import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { PairFigure } from './figures.js';
import type { Fixtures } from './fixtures/index.js';
import { linkPluxCore, writeFile, writeJson } from './fixtures/files.js';
import type { Case } from './harness.js';

/** The two sizes B4 compares: one module exporting this many `PluginSpec`s. */
export const B4_SIZES = { small: 5_000, large: 20_000 } as const;

const generated = new WeakMap<Fixtures, Map<number, string>>();

/**
 * A package whose one module exports `count` `PluginSpec`s, generated once per run beside the other fixtures;
 * returns its root.
 */
function specHeavyPackage(fixtures: Fixtures, count: number): string {
  let bySize = generated.get(fixtures);
  if (!bySize) generated.set(fixtures, (bySize = new Map()));
  const known = bySize.get(count);
  if (known) return known;
  const root = join(fixtures.options.tmp, `b4-specs-${count}`);
  const lines = [`import { PluginSpec } from '@plux/core';`, 'class Factory {}'];
  for (let i = 0; i < count; i++)
    lines.push(`export const p${i} = new PluginSpec('bench.b4', 'plugin-${i}', Factory);`);
  writeJson(join(root, 'package.json'), {
    name: `@bench/b4-${count}`,
    version: '1.0.0',
    type: 'module',
    main: './dist/index.js',
    plux: './plux.json',
  });
  writeFile(join(root, 'dist', 'index.js'), `${lines.join('\n')}\n`);
  linkPluxCore(root, fixtures.options.pluxCoreDir);
  bySize.set(count, root);
  return root;
}

/** `plux discover` as a user runs it, each sample a first write (the index removed before it), with its report. */
function firstWrite(fixtures: Fixtures, count: number): Case {
  const root = specHeavyPackage(fixtures, count);
  return {
    label: `\`plux discover\`, first write, N = ${count.toLocaleString('en-US')}`,
    cwd: root,
    run: {
      kind: 'command',
      command: process.execPath,
      args: [join(fixtures.options.pluxCoreDir, 'bin', 'plux.js'), 'discover'],
    },
    before: () => rmSync(join(root, 'plux.json'), { force: true }),
    expectOutput: new RegExp(`wrote plux\\.json: ${count} plugins`),
  };
}

/**
 * B4: discovery stays linear in the number of plugins. One module with N `PluginSpec`s, whole `plux discover`
 * processes writing the index for the first time (so the added-plugins report lists all N): N = 20,000 against
 * N = 5,000 in the same run. Linear work gives at most 4× (less, since process start does not grow with N); the
 * quadratic report this guards against gave about 10× (1.4 s against 14.8 s).
 */
export const B4: PairFigure = {
  id: 'B4',
  what: '`plux discover` of one module with 20,000 `PluginSpec`s, first write',
  timing: 'whole process',
  target: { kind: 'ratio', max: 5 },
  rounds: (rounds, quick) => (quick ? Math.min(rounds, 2) : rounds),
  cases: (f) => ({ baseline: firstWrite(f, B4_SIZES.small), subject: firstWrite(f, B4_SIZES.large) }),
};
