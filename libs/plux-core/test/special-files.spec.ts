/**
 * Special files where plux expects JSON: a FIFO (a read would block forever), a link to /dev/zero (a read never
 * ends), a file over the size cap, an index that links to a FIFO outside its package. Each case runs the built
 * runtime in a child process with a time limit, so that a regression hangs or kills the child, not the test runner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CACHE_FILE_NAME } from '../src/runtime/cache.js';
import { copyBuiltCore, FIXTURES } from './support/core.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

const CHILD = join(FIXTURES, 'special-files-child.mjs');
/** Long enough for a loaded machine, short enough that a hang fails the test instead of the run. */
const CHILD_TIMEOUT_MS = 60_000;
const NS = 'special';

interface ChildAnswer {
  listed: string[];
  problems: string[];
  loads: Record<string, string>;
}

let base: string;
let core: string;
beforeAll(() => {
  core = copyBuiltCore();
  base = makeTempDir('plux-special-');
});
afterAll(removeTempDirs, 60_000);

/** Runs the child on `cwd`; fails (instead of hanging) when it does not finish in time. */
function runChild(cwd: string, cache: 'on' | 'off'): ChildAnswer {
  const result = spawnSync(process.execPath, [CHILD, cwd, NS, cache], {
    cwd,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, PLUX_LOG: 'silent', PLUX_NO_CACHE: '', NODE_OPTIONS: '--max-old-space-size=512' },
  });
  expect(result.signal, `the child was killed (hung or out of memory): ${result.stderr}`).toBeNull();
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ChildAnswer;
}

const fifo = (path: string) => execFileSync('mkfifo', [path]);

/** A package in `root`'s node_modules with a good plugin named after it, its index in plux.json. */
function writePackage(root: string, name: string, options: { indexFile?: boolean } = {}): string {
  const dir = join(root, 'node_modules', name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(
    join(dir, 'dist', 'index.js'),
    `import { plugin } from '@plux/core';\n` +
      `export const entry = plugin({ namespace: ${JSON.stringify(NS)}, name: ${JSON.stringify(name)}, ` +
      `load: () => 'loaded' }, () => {});\n`,
  );
  const index = JSON.stringify({
    formatVersion: 1,
    plugins: { [NS]: { [name]: { module: './dist/index.js', export: 'entry' } } },
  });
  if (options.indexFile !== false) writeFileSync(join(dir, 'plux.json'), index);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', plux: './plux.json' }),
  );
  return dir;
}

/** A root with one good package, plus whatever `arrange` adds. */
function tree(label: string, arrange: (root: string) => void): string {
  const root = join(base, label);
  mkdirSync(join(root, 'node_modules', '@plux'), { recursive: true });
  symlinkSync(core, join(root, 'node_modules', '@plux', 'core'), 'dir');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `${label}-root`, version: '1.0.0' }));
  writePackage(root, 'good');
  arrange(root);
  return root;
}

describe('special files where plux reads package.json or an index', () => {
  let answer: ChildAnswer;
  let root: string;
  const writers: number[] = [];
  beforeAll(() => {
    root = tree('indexes', (root) => {
      const outside = join(base, 'outside');
      mkdirSync(outside, { recursive: true });
      fifo(join(outside, 'fifo'));
      // an index that is a FIFO, a link to /dev/zero, a link to a FIFO outside the package
      fifo(join(writePackage(root, 'fifo-index', { indexFile: false }), 'plux.json'));
      symlinkSync('/dev/zero', join(writePackage(root, 'zero-index', { indexFile: false }), 'plux.json'));
      symlinkSync(
        join(outside, 'fifo'),
        join(writePackage(root, 'outside-fifo-index', { indexFile: false }), 'plux.json'),
      );
      // a package.json that is a FIFO, or a link to /dev/zero
      for (const [name, make] of [
        ['fifo-package', fifo],
        ['zero-package', (path: string) => symlinkSync('/dev/zero', path)],
      ] as const) {
        const dir = writePackage(root, name);
        rmSync(join(dir, 'package.json'));
        make(join(dir, 'package.json'));
      }
      // a package.json that is a FIFO with a live writer that left text in it: refused when that text mentions
      // plux, skipped like any package.json without a plux field when it does not (nothing of it is used)
      for (const [name, text] of [
        ['fifo-writer-package', JSON.stringify({ name: 'fifo-writer-package', plux: './plux.json' })],
        ['fifo-writer-quiet', JSON.stringify({ name: 'fifo-writer-quiet' })],
      ] as const) {
        const file = join(writePackage(root, name), 'package.json');
        rmSync(file);
        fifo(file);
        // opening a FIFO for reading and writing does not wait for a reader (Linux)
        const fd = openSync(file, 'r+');
        writeSync(fd, text);
        writers.push(fd);
      }
      // a valid index over the size cap (16 MiB): it would list big-index if it were read
      const big = writePackage(root, 'big-index', { indexFile: false });
      const index = JSON.stringify({
        formatVersion: 1,
        plugins: { [NS]: { 'big-index': { module: './dist/index.js', export: 'entry' } } },
      });
      writeFileSync(join(big, 'plux.json'), `${index.slice(0, -1)},"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
      // workspace config files that are not regular files
      fifo(join(root, 'pnpm-workspace.yaml'));
      symlinkSync('/dev/zero', join(root, 'lerna.json'));
    });
    try {
      answer = runChild(root, 'off');
    } finally {
      for (const fd of writers.splice(0)) closeSync(fd);
    }
  }, 120_000);

  it('finishes, and lists and loads the good package beside them', () => {
    expect(answer.listed).toEqual([`${NS}:good`]);
    expect(answer.loads).toEqual({ good: 'loaded' });
  });

  it('reports an index or a package.json that is not a regular file, naming the file and its kind', () => {
    const nm = join(root, 'node_modules');
    expect(answer.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`cannot read ${nm}/fifo-index/plux.json (the "plux" field of `),
        expect.stringContaining(`cannot read ${nm}/fifo-package/package.json: not a regular file (a FIFO)`),
        expect.stringContaining(
          `cannot read ${nm}/zero-package/package.json: not a regular file (a character device)`,
        ),
        expect.stringContaining(
          `cannot read ${nm}/fifo-writer-package/package.json: not a regular file (a FIFO)`,
        ),
      ]),
    );
    expect(answer.problems.filter((p) => p.includes('fifo-writer-quiet'))).toEqual([]);
    expect(answer.problems.find((p) => p.includes('fifo-index/plux.json'))).toContain(
      'not a regular file (a FIFO) (ignored); reinstall the package',
    );
    // a link to /dev/zero is outside the package: refused before it is opened
    expect(answer.problems.find((p) => p.includes('zero-index/plux.json'))).toContain(
      'resolves to /dev/zero, outside the package (ignored)',
    );
  });

  it('refuses an index over 16 MiB, saying so', () => {
    expect(answer.problems.find((p) => p.includes('big-index/plux.json'))).toContain(
      'too large (17.0 MiB; plux reads at most 16 MiB) (ignored)',
    );
  });

  it('never opens an index outside the package: a link to a FIFO there is reported as outside', () => {
    expect(answer.problems).toContainEqual(
      expect.stringContaining(
        `${join(root, 'node_modules', 'outside-fifo-index', 'plux.json')} resolves to ${join(base, 'outside', 'fifo')}, outside the package (ignored)`,
      ),
    );
  });
});

describe('a cache file that is not a regular file', () => {
  for (const [label, make] of [
    ['a FIFO', fifo],
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ] as const) {
    it(`is a miss when it is ${label}: the tree is scanned and a regular cache file written in its place`, () => {
      const root = tree(`cache-${label.replace(/\W+/g, '-')}`, (root) => {
        const folder = join(root, 'node_modules', '.cache', 'plux');
        mkdirSync(folder, { recursive: true });
        make(join(folder, CACHE_FILE_NAME));
      });
      expect(runChild(root, 'on').listed).toEqual([`${NS}:good`]);
      expect(lstatSync(join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME)).isFile()).toBe(true);
      // and read back warm
      expect(runChild(root, 'on')).toMatchObject({ listed: [`${NS}:good`], loads: { good: 'loaded' } });
    }, 150_000);
  }
});
