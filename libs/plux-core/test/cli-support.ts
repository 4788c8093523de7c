/**
 * Helpers for the specs that run the real `plux` binary on fixture packages copied to temp folders.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libs/plux-core: what fixture packages get as their `@plux/core`. */
export const CORE_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `plux` bin, as npm links it. It imports dist/cli/main.js: build first (`npm run build -w @plux/core`). */
export const PLUX_BIN = join(CORE_ROOT, 'bin', 'plux.js');
const FIXTURES = join(CORE_ROOT, 'test', 'fixtures');

const tempDirs: string[] = [];

/** A fresh temp folder (real path), removed by {@link removeTempDirs}. */
export function makeTempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'plux-test-')));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder {@link makeTempDir} made; call from `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies `test/fixtures/<name>` into a fresh temp folder and returns the copy's path. Its `node_modules/@plux/core`
 * (and that of each folder in `linkCoreIn`, relative to the copy) is a symlink to this package, as an install would
 * make it.
 */
export function copyFixture(name: string, options: { linkCoreIn?: string[] } = {}): string {
  const dir = join(makeTempDir(), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  for (const folder of options.linkCoreIn ?? ['.']) linkPackage(join(dir, folder), '@plux/core', CORE_ROOT);
  return dir;
}

/**
 * Writes a small package into a fresh temp folder: `files` maps paths to contents, `packageJson` adds to (or, with
 * `undefined`, removes from) `{ name: '@acme/tmp', version, type: 'module', main: './dist/index.js' }`. Its
 * `@plux/core` is this package. Returns the package root.
 */
export function writePackage(
  files: Record<string, string>,
  packageJson: Record<string, unknown> = {},
): string {
  const root = makeTempDir();
  const json = {
    name: '@acme/tmp',
    version: '1.0.0',
    type: 'module',
    main: './dist/index.js',
    ...packageJson,
  };
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  linkPackage(root, '@plux/core', CORE_ROOT);
  return root;
}

/** Makes `<dir>/node_modules/<name>` a symlink to `target`. */
export function linkPackage(dir: string, name: string, target: string): void {
  const link = join(dir, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
}

/** What a run of the binary gave. */
export interface PluxRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/plux.js ...args` in `cwd`, without colours, and without the plux variables of the test's own
 * environment (`PLUX_DISABLED`, `PLUX_LOG`, …): pass them in `env`.
 */
export function runPlux(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): PluxRun {
  const inherited = { ...process.env };
  for (const name of ['PLUX_DISABLED', 'PLUX_LOG', 'PLUX_NO_CACHE', 'PLUX_FIXTURE_LOG'])
    delete inherited[name];
  const env: NodeJS.ProcessEnv = { ...inherited, NO_COLOR: '1', ...options.env };
  const run = spawnSync(process.execPath, [PLUX_BIN, ...args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
