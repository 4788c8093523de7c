/**
 * The package's build prints what a log needs and nothing a log cannot show: Nx runs every task with FORCE_COLOR
 * set, and rolldown's asset table then wrote colour codes into CI logs and piped output. The bundle step prints one
 * plain line instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CORE_ROOT } from './support/core.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

const out = makeTempDir('plux-bundle-');
afterAll(removeTempDirs);

describe('the bundle step of the build (scripts/bundle.mjs)', () => {
  it('prints one plain line, no colour codes, even with FORCE_COLOR set as Nx sets it', () => {
    const run = spawnSync(process.execPath, ['scripts/bundle.mjs', '--out-dir', out], {
      cwd: CORE_ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: 'true' },
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(String.fromCharCode(27));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^@plux\/core: bundled \d+ files \([\d.]+ kB\) into \S+ in \d+ ms\n$/);
    for (const entry of ['index.js', 'build/index.js', 'cli/main.js', 'chunks/runtime.js']) {
      expect(existsSync(join(out, entry)), entry).toBe(true);
    }
  });

  it('is what the package build runs', async () => {
    const { default: pkg } = (await import('../package.json', { with: { type: 'json' } })) as {
      default: { scripts: Record<string, string> };
    };
    expect(pkg.scripts['build']).toMatch(/^node scripts\/bundle\.mjs && /);
  });
});
