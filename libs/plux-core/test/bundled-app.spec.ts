/**
 * `@plux/core` outside a plain ES module app: required from CommonJS, and bundled into an app by esbuild (what
 * `@nx/esbuild` runs) in both of its formats. The tree is a real npm workspace with a plugin package, installed
 * from the tarball `npm pack` makes; each app lists and loads that package's plugins in its own Node process.
 *
 * Bundled to CommonJS, esbuild replaces `import.meta` with `{}`: the first scan of a workspace (which loads
 * `@manypkg/get-packages` on demand) must still find its dependencies.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CORE_ROOT, ensureCoreBuilt, FIXTURES } from './support/core.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

const EXPECTED = {
  names: ['hello', 'wave'],
  loaded: { hello: 'hello from a class', wave: 'wave from a function' },
};

let root: string;

beforeAll(() => {
  ensureCoreBuilt();
  const tarballs = makeTempDir('plux-bundle-tgz-');
  run('npm', ['pack', '--silent', '--pack-destination', tarballs, CORE_ROOT], tarballs);
  const tarball = readdirSync(tarballs).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${tarballs}`);

  root = join(makeTempDir('plux-bundle-'), 'app');
  cpSync(join(FIXTURES, 'bundled-app'), root, { recursive: true });
  const manifest = join(root, 'package.json');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace(
      '"tarball:@plux/core"',
      JSON.stringify(`file:${join(tarballs, tarball)}`),
    ),
  );
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    root,
  );

  for (const format of ['cjs', 'esm'] as const) {
    buildSync({
      absWorkingDir: root,
      entryPoints: ['src/main.js'],
      outfile: `dist/main.${format === 'cjs' ? 'cjs' : 'mjs'}`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      logLevel: 'silent',
    });
  }
}, 240_000);
afterAll(removeTempDirs, 60_000);

/** Runs an app of the tree in a fresh Node process; returns what it printed (stdout parsed) and its stderr. */
function runApp(file: string, env: NodeJS.ProcessEnv = {}): { out: unknown; stderr: string } {
  const result = spawnSync(process.execPath, [file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', PLUX_LOG: '', ...env },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`node ${file} failed (${result.status}):\n${result.stderr}`);
  return { out: JSON.parse(result.stdout) as unknown, stderr: result.stderr };
}

describe('@plux/core bundled into an app with esbuild', () => {
  it('is bundled in, and the CommonJS build is the one without import.meta', () => {
    const cjs = readFileSync(join(root, 'dist', 'main.cjs'), 'utf8');
    // esbuild marks each module it inlines with its path
    expect(cjs).toContain('// node_modules/@plux/core/dist/chunks/runtime.js');
    expect(cjs).toMatch(/\bPluginManager = class\b|class PluginManager\b/);
    expect(cjs).not.toMatch(/require\(["']@plux\/core["']\)/);
    // what esbuild does to import.meta in CommonJS output (it warns only about the app's own code, not node_modules)
    expect(cjs).toMatch(/var import_meta\d* = \{\};/);
    expect(readFileSync(join(root, 'dist', 'main.mjs'), 'utf8')).not.toMatch(/import_meta\d* = \{\}/);
  });

  for (const [format, file] of [
    ['CommonJS', 'dist/main.cjs'],
    ['ESM', 'dist/main.mjs'],
  ] as const) {
    it(`lists and loads the workspace's plugins bundled as ${format}, on a cold start and from the cache`, () => {
      rmCache();
      expect(runApp(file).out).toEqual(EXPECTED);
      expect(existsSync(join(root, 'node_modules', '.cache', 'plux'))).toBe(true);
      expect(runApp(file).out).toEqual(EXPECTED);
      // and with the cache off, every start is a scan
      expect(runApp(file, { PLUX_NO_CACHE: '1' }).out).toEqual(EXPECTED);
    }, 120_000);
  }
});

describe('@plux/core required from CommonJS', () => {
  it(`works on Node ${process.versions.node} (>= 20.19 runs require() of an ES module)`, () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    rmCache();
    const { out, stderr } = runApp('src/require.cjs');
    expect(out).toEqual(EXPECTED);
    // whatever Node says about require(esm) is its own note, never a plux error
    expect(stderr).not.toMatch(/plux:|Error/);
  }, 120_000);
});

/** Removes the on-disk cache, so the next start scans the tree. */
function rmCache(): void {
  rmSync(join(root, 'node_modules', '.cache', 'plux'), { recursive: true, force: true });
}

function run(command: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
  // the test runner's own npm settings (workspace flags, the repository's lockfile) must not leak in
  for (const name of Object.keys(env)) if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${cwd}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}
