/**
 * `import('@plux/core')` stays cheap: workspace detection (`@manypkg/get-packages`, with its glob library and YAML
 * parser) and build-time discovery are loaded only when used. Checked in a fresh process against the built package,
 * with loader hooks that record every ES module resolved and `require.cache` for CommonJS and require(esm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  copyFixture,
  FIXTURES,
  isCoreBuilt,
  PLUX_CORE_ROOT,
  removeFixtures,
} from './fixtures/copy-fixture.js';

const LAZY = /@manypkg|tinyglobby|[\\/]yaml[\\/]|[\\/]jju[\\/]|dist[\\/](build|cli)[\\/]/;

interface Loads {
  afterImport: string[];
  afterUse: string[];
}

let loads: Loads;
let stderr: string;

beforeAll(() => {
  if (!isCoreBuilt()) execFileSync('npx', ['tsc', '-p', join(PLUX_CORE_ROOT, 'tsconfig.lib.json')]);
  const workspace = copyFixture('npm-workspace');
  const log = join(realpathSync(mkdtempSync(join(tmpdir(), 'plux-loads-'))), 'loads.txt');
  const child = spawnSync(process.execPath, [join(FIXTURES, 'lazy-import-child.mjs'), workspace], {
    encoding: 'utf8',
    env: { ...process.env, PLUX_LOAD_LOG: log, PLUX_NO_CACHE: '1', PLUX_LOG: 'silent', NODE_OPTIONS: '' },
  });
  if (child.status !== 0) throw new Error(`lazy-import-child failed: ${child.stderr}`);
  loads = JSON.parse(child.stdout) as Loads;
  stderr = child.stderr;
});
afterAll(removeFixtures);

describe("import('@plux/core')", () => {
  it('loads the built runtime', () => {
    expect(loads.afterImport.some((url) => /plux-core\/dist\/index\.js$/.test(url))).toBe(true);
    expect(loads.afterImport.some((url) => /plux-core\/dist\/runtime\/finder\.js$/.test(url))).toBe(true);
  });

  it('loads neither @manypkg/get-packages nor build-time code', () => {
    expect(loads.afterImport.filter((url) => LAZY.test(url))).toEqual([]);
  });

  it('loads them once they are needed: listing plugins in a workspace, importing @plux/core/build', () => {
    const later = loads.afterUse.filter((url) => LAZY.test(url));
    expect(later.some((url) => url.includes('@manypkg/get-packages'))).toBe(true);
    expect(later.some((url) => /dist[\\/]build[\\/]index\.js$/.test(url))).toBe(true);
  });

  it('prints no warning when it loads @manypkg/get-packages (require of an ES module)', () => {
    expect(stderr).toBe('');
  });
});
