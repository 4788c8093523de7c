/**
 * `import('@plux/core')` stays cheap: workspace detection (`@manypkg/get-packages`, with its glob library and YAML
 * parser) and build-time discovery are loaded only when used, and the runtime comes in a few files (each ES module
 * costs about a millisecond to resolve, read and link: the benchmark's figure R5). Checked in a fresh process against the
 * built package, with loader hooks that record every ES module resolved and `require.cache` for CommonJS and
 * require(esm).
 *
 * `dist/` is bundled (rolldown.config.mjs), so a file name no longer says which source modules it holds; each file's
 * source map does. The assertions are about source modules (`runtime/finder.ts`, `build/discover.ts`), whatever
 * chunk they were bundled into.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CORE_ROOT, ensureCoreBuilt, FIXTURES } from './support/core.js';
import { copyFixture } from './support/packages.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

/** Packages that must wait until a workspace is listed: @manypkg/get-packages and what it brings. */
const LAZY_PACKAGES = /@manypkg|tinyglobby|[\\/]yaml[\\/]|[\\/]jju[\\/]/;
/** Source folders whose code must wait until `@plux/core/build` is imported or the CLI runs. */
const LAZY_SOURCES = /^(build|cli)\//;
/** Files of @plux/core that `import('@plux/core')` may load: `index.js`, the runtime chunk, rolldown's helpers. */
const MAX_FILES = 3;

const DIST = join(realpathSync(CORE_ROOT), 'dist');
const SRC = join(realpathSync(CORE_ROOT), 'src');

interface Loads {
  afterImport: string[];
  afterUse: string[];
}

let loads: Loads;
let stderr: string;
let logDir: string;

beforeAll(() => {
  ensureCoreBuilt();
  const workspace = copyFixture('npm-workspace');
  logDir = makeTempDir('plux-loads-');
  const log = join(logDir, 'loads.txt');
  const child = spawnSync(process.execPath, [join(FIXTURES, 'lazy-import-child.mjs'), workspace], {
    encoding: 'utf8',
    env: { ...process.env, PLUX_LOAD_LOG: log, PLUX_NO_CACHE: '1', PLUX_LOG: 'silent', NODE_OPTIONS: '' },
  });
  if (child.status !== 0) throw new Error(`lazy-import-child failed: ${child.stderr}`);
  loads = JSON.parse(child.stdout) as Loads;
  stderr = child.stderr;
});
afterAll(removeTempDirs);

describe("import('@plux/core')", () => {
  it('loads the built runtime: the manager, the finder and the core contracts', () => {
    expect(distFiles(loads.afterImport)).toContain('index.js');
    expect(sourceModules(loads.afterImport)).toEqual(
      expect.arrayContaining(['core/plugin.ts', 'runtime/manager.ts', 'runtime/finder.ts']),
    );
  });

  it('loads neither @manypkg/get-packages nor build-time code', () => {
    expect(loads.afterImport.filter((url) => LAZY_PACKAGES.test(url))).toEqual([]);
    expect(sourceModules(loads.afterImport).filter((module) => LAZY_SOURCES.test(module))).toEqual([]);
    expect(distFiles(loads.afterImport).filter((file) => LAZY_SOURCES.test(file))).toEqual([]);
  });

  it(`loads at most ${MAX_FILES} files of @plux/core (each file costs ~1 ms at start: the benchmark's R5)`, () => {
    const files = distFiles(loads.afterImport);
    expect(files.length, files.join(', ')).toBeLessThanOrEqual(MAX_FILES);
  });

  it('loads them once they are needed: listing plugins in a workspace, importing @plux/core/build', () => {
    expect(loads.afterUse.some((url) => url.includes('@manypkg/get-packages'))).toBe(true);
    expect(distFiles(loads.afterUse)).toContain('build/index.js');
    expect(sourceModules(loads.afterUse)).toEqual(
      expect.arrayContaining(['build/discover.ts', 'build/scan.ts']),
    );
  });

  it('prints no warning when it loads @manypkg/get-packages (require of an ES module)', () => {
    expect(stderr).toBe('');
  });
});

/** The files of `dist/` among the loaded URLs and paths, relative to `dist/` with `/` separators. */
function distFiles(loaded: string[]): string[] {
  const files = loaded
    .map((entry) => (entry.startsWith('file:') ? fileURLToPath(entry) : entry))
    .filter((path) => path.startsWith(DIST + sep) && path.endsWith('.js'))
    .map((path) => relative(DIST, path).split(sep).join('/'));
  return [...new Set(files)].sort();
}

/** The source modules (relative to `src/`) bundled into the loaded files of `dist/`, read from their source maps. */
function sourceModules(loaded: string[]): string[] {
  const modules = new Set<string>();
  for (const file of distFiles(loaded)) {
    const map = join(DIST, `${file}.map`);
    // A file without a map holds no source code: a re-export of chunks, or rolldown's own helpers.
    if (!existsSync(map)) continue;
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    for (const source of sources) {
      modules.add(
        relative(SRC, resolve(dirname(join(DIST, file)), source))
          .split(sep)
          .join('/'),
      );
    }
  }
  return [...modules].sort();
}
