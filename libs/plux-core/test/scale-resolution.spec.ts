/**
 * Scale: 10,000 installed packages and 200 workspace packages resolve correctly with bounded memory, cold (a full
 * scan that writes the cache) and warm (read from the cache). Each measurement runs in a fresh Node process, whose
 * peak RSS is what a host pays. How fast this is belongs to the benchmark (tools/bench), not to a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureCoreBuilt, FIXTURES } from './support/core.js';
import { writeSyntheticTree } from './support/hostile.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

/** A generous bound: a bare Node process is ~45 MB; the point is that memory does not grow with the tree. */
const MAX_RSS_MB = 300;

let root: string;
let keys: string[];

beforeAll(() => {
  ensureCoreBuilt();
  root = makeTempDir('plux-scale-');
  keys = writeSyntheticTree(root, { installed: 10_000, pluginEvery: 10, workspace: 200 });
}, 120_000);
afterAll(removeTempDirs);

interface Measure {
  count: number;
  namespaceCount: number;
  problems: number;
  shadowed: number;
  maxRssKb: number;
  heapUsedMb: number;
}

function measure(env: Record<string, string> = {}): Measure {
  const run = spawnSync(
    process.execPath,
    [join(FIXTURES, 'scale-measure.mjs'), join(root, 'libs', 'w7'), 'installed'],
    {
      encoding: 'utf8',
      env: { ...process.env, PLUX_LOG: 'warn', PLUX_NO_CACHE: '', NODE_OPTIONS: '', ...env },
    },
  );
  if (run.status !== 0) throw new Error(`scale-measure.mjs failed: ${run.stderr}`);
  if (process.env['PLUX_SCALE_REPORT']) console.log(run.stdout);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Measure;
}

describe('10,000 installed packages and 200 workspace packages', () => {
  it('are all seen, in a cold scan without the cache, within bounded memory', () => {
    expect(keys).toHaveLength(1200);
    const cold = measure({ PLUX_NO_CACHE: '1' });
    expect(cold).toMatchObject({ count: 1200, namespaceCount: 1000, problems: 0, shadowed: 0 });
    expect(cold.maxRssKb / 1024).toBeLessThan(MAX_RSS_MB);
    expect(existsSync(join(root, 'node_modules', '.cache', 'plux'))).toBe(false);
  });

  it('give the same answer written to the cache and read back from it, within bounded memory', () => {
    const written = measure();
    expect(existsSync(join(root, 'node_modules', '.cache', 'plux'))).toBe(true);
    const warm = measure();
    for (const run of [written, warm]) {
      expect(run).toMatchObject({ count: 1200, namespaceCount: 1000, problems: 0, shadowed: 0 });
      expect(run.maxRssKb / 1024).toBeLessThan(MAX_RSS_MB);
    }
    // a warm start reads one file instead of 10,000: it costs less memory than the scan that wrote it
    expect(warm.maxRssKb).toBeLessThanOrEqual(written.maxRssKb);
  });
});
