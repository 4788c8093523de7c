import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CACHE_FILE_NAME, CACHE_VERSION } from '../src/runtime/cache.js';
import { statKey } from '../src/runtime/watch.js';
import { ensureCoreBuilt, FIXTURES } from './support/core.js';
import { copyFixture } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

const LIST = join(FIXTURES, 'list-plugins.mjs');

interface Listing {
  entryPoints: string[];
  problems: string[];
  /** plux's stderr lines, `plux: ` stripped */
  log: string[];
  stderr: string;
  manypkgLoaded: boolean;
  hit: boolean;
}

/** Runs a fresh Node process that lists every plugin visible from `cwd`, with plux's debug log on. */
function listInFreshProcess(cwd: string, env: Record<string, string> = {}): Listing {
  const result = spawnSync(process.execPath, [LIST, cwd], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PLUX_LOG: 'debug', PLUX_NO_CACHE: '', NODE_OPTIONS: '', ...env },
  });
  if (result.status !== 0) throw new Error(`list-plugins failed: ${result.stderr}`);
  const log = result.stderr
    .split('\n')
    .filter((l) => l.startsWith('plux: '))
    .map((l) => l.slice(6));
  return {
    ...JSON.parse(result.stdout),
    log,
    stderr: result.stderr,
    hit: log.some((l) => l.startsWith('index cache hit')),
  };
}

const cacheFile = (root: string) => join(root, 'node_modules', '.cache', 'plux', CACHE_FILE_NAME);

beforeAll(() => {
  ensureCoreBuilt();
});
afterAll(removeTempDirs);

describe('the on-disk cache, across fresh processes', () => {
  it('is written by a first process and answers a second one, problems and warnings included', () => {
    const root = copyFixture('npm-workspace');
    const first = listInFreshProcess(root);
    expect(first.hit).toBe(false);
    expect(first.log).toContain(`index cache written (${cacheFile(root)})`);
    expect(existsSync(cacheFile(root))).toBe(true);

    const second = listInFreshProcess(join(root, 'libs', 'cli'));
    expect(second.hit).toBe(true);
    expect(second.log.some((l) => l.startsWith('index scanned'))).toBe(false);
    expect(second.entryPoints).toEqual(first.entryPoints);
    expect(second.entryPoints).toContain('acme.services:s3=@acme/services:./lib/services.js#S3Plugin');
    // the precedence warnings are replayed from the cache
    const clashes = (l: Listing) => l.log.filter((m) => m.includes('also declared by'));
    expect(clashes(second)).toEqual(clashes(first));
    expect(clashes(second)).toHaveLength(2);
  });

  it('sees a newly installed package, and a removed one, in the next process', () => {
    const root = copyFixture('npm-workspace');
    const before = listInFreshProcess(root);
    expect(listInFreshProcess(root).hit).toBe(true);

    // install: a new folder in node_modules (the lock file deliberately left alone)
    cpSync(join(root, 'node_modules', 'plain-plugins'), join(root, 'node_modules', 'fresh-plugins'), {
      recursive: true,
    });
    const pkg = join(root, 'node_modules', 'fresh-plugins', 'package.json');
    writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"plain-plugins"', '"fresh-plugins"'));
    const installed = listInFreshProcess(root);
    expect(installed.hit).toBe(false);
    expect(installed.log.join('\n')).toContain('fresh-plugins@2.0.0');
    expect(listInFreshProcess(root).hit).toBe(true);

    // remove: plain-plugins goes, its plain plugin with it; fresh-plugins now provides the shared ones
    rmSync(join(root, 'node_modules', 'plain-plugins'), { recursive: true });
    const removed = listInFreshProcess(root);
    expect(removed.hit).toBe(false);
    expect(removed.entryPoints).toContain('acme.extras:plain=fresh-plugins:./lib/index.js#plain');
    expect(removed.entryPoints.some((e) => e.includes('=plain-plugins:'))).toBe(false);
    expect(removed.entryPoints).not.toEqual(before.entryPoints);
  });

  it('sees a package installed in a scope folder and in a workspace package node_modules', () => {
    const root = copyFixture('npm-workspace');
    listInFreshProcess(root);
    const scoped = join(root, 'node_modules', '@scope', 'other-plugins');
    mkdirSync(scoped);
    writeFileSync(join(scoped, 'index.js'), 'export const other = {};\n');
    writeFileSync(
      join(scoped, 'package.json'),
      JSON.stringify({
        name: '@scope/other-plugins',
        plux: {
          formatVersion: 1,
          plugins: { 'acme.more': { other: { module: './index.js', export: 'other' } } },
        },
      }),
    );
    expect(listInFreshProcess(root).entryPoints).toContain(
      'acme.more:other=@scope/other-plugins:./index.js#other',
    );

    const nested = join(root, 'libs', 'cli', 'node_modules', 'cli-plugins');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(nested, 'index.js'), 'export const x = {};\n');
    writeFileSync(
      join(nested, 'package.json'),
      JSON.stringify({
        name: 'cli-plugins',
        plux: {
          formatVersion: 1,
          plugins: { 'acme.more': { nested: { module: './index.js', export: 'x' } } },
        },
      }),
    );
    expect(listInFreshProcess(root).entryPoints).toContain('acme.more:nested=cli-plugins:./index.js#x');
  });

  it("sees a workspace package's regenerated plux.json, even with the same size and mtime", () => {
    const root = copyFixture('npm-workspace');
    const index = join(root, 'libs', 'services', 'plux.json');
    const original = readFileSync(index, 'utf8');
    const { mtime } = statSync(index);
    listInFreshProcess(root);
    expect(listInFreshProcess(root).hit).toBe(true);

    // same length, same mtime: only the content (and the ctime, which no tool can keep) says it changed
    const renamed = original.replace('"dynamodb"', '"dynamodx"');
    expect(renamed).toHaveLength(original.length);
    writeFileSync(index, renamed);
    utimesSync(index, mtime, mtime);
    const next = listInFreshProcess(root);
    expect(next.hit).toBe(false);
    expect(next.entryPoints).toContain('acme.services:dynamodx=@acme/services:./lib/services.js#dynamodb');
    expect(next.entryPoints.some((e) => e.startsWith('acme.services:dynamodb='))).toBe(false);
  });

  it('sees a new workspace package, and a workspace module built after the index was written', () => {
    const root = copyFixture('npm-workspace');
    expect(listInFreshProcess(root).hit).toBe(false);
    expect(listInFreshProcess(root).hit).toBe(true);
    const lib = join(root, 'libs', 'late');
    mkdirSync(lib);
    writeFileSync(
      join(lib, 'package.json'),
      JSON.stringify({
        name: '@acme/late',
        version: '1.0.0',
        plux: { formatVersion: 1, plugins: { 'acme.late': { x: { module: './dist/x.js', export: 'x' } } } },
      }),
    );
    const added = listInFreshProcess(root);
    expect(added.hit).toBe(false);
    expect(added.problems.some((p) => p.includes('module ./dist/x.js does not exist'))).toBe(true);
    expect(added.entryPoints.some((e) => e.startsWith('acme.late:'))).toBe(false);

    mkdirSync(join(lib, 'dist'));
    writeFileSync(join(lib, 'dist', 'x.js'), 'export const x = {};\n');
    const built = listInFreshProcess(root);
    expect(built.hit).toBe(false);
    expect(built.entryPoints).toContain('acme.late:x=@acme/late:./dist/x.js#x');
    expect(built.problems).toEqual([]);
  });

  it('does not load @manypkg/get-packages on a warm start', () => {
    const root = copyFixture('npm-workspace');
    const cold = listInFreshProcess(root);
    expect(cold.manypkgLoaded).toBe(true);
    const warm = listInFreshProcess(root);
    expect(warm.hit).toBe(true);
    expect(warm.manypkgLoaded).toBe(false);
  });

  it('checks the content of a recently changed file even when its stat data did not change', () => {
    // A file system with coarse timestamps can leave stat data unchanged by a quick rewrite. Simulate it: rewrite
    // the index, then make the cache believe the stat data it recorded is the new one.
    const root = copyFixture('npm-workspace');
    const index = join(root, 'libs', 'services', 'plux.json');
    listInFreshProcess(root);
    // the cache's first line holds the key (what it watched), each later line one namespace
    const [header, ...sections] = readFileSync(cacheFile(root), 'utf8').split('\n');
    writeFileSync(index, readFileSync(index, 'utf8').replace('"s3"', '"s4"'));
    const recorded = JSON.parse(header!) as { watched: [string, string, string, string?][] };
    const record = recorded.watched.find(([, path]) => path === index)!;
    expect(record[3]).toBeDefined(); // the fixture was just copied: its files are racy and fingerprinted
    record[2] = statKey(index);
    writeFileSync(cacheFile(root), [JSON.stringify(recorded), ...sections].join('\n'));

    const next = listInFreshProcess(root);
    expect(next.log).toContain(
      `index cache miss (${cacheFile(root)}): ${index} changed (same stat data, different content)`,
    );
    expect(next.entryPoints).toContain('acme.services:s4=@acme/services:./lib/services.js#S3Plugin');
  });

  it('rebuilds a corrupt cache silently', () => {
    const root = copyFixture('npm-workspace');
    const good = listInFreshProcess(root, { PLUX_LOG: 'warn' });
    const [header, ...sections] = readFileSync(cacheFile(root), 'utf8').split('\n');
    for (const garbage of [
      '{"version":1,',
      'null',
      JSON.stringify({ version: CACHE_VERSION, root, watched: [], data: 42 }),
      // a well-formed key whose namespace sections are cut short: found out only when a namespace is read
      [header, ...sections.map((s) => s.slice(0, 10))].join('\n'),
      [header].join('\n'),
    ]) {
      writeFileSync(cacheFile(root), garbage);
      const next = listInFreshProcess(root, { PLUX_LOG: 'warn' });
      expect(next.entryPoints).toEqual(good.entryPoints);
      expect(next.stderr).toBe(good.stderr); // the fixture's two clash warnings, nothing about the cache
      expect(listInFreshProcess(root).hit).toBe(true);
    }
  });

  it('is bypassed silently when it cannot be written, and disabled by PLUX_NO_CACHE=1', () => {
    const root = copyFixture('npm-workspace');
    const reference = listInFreshProcess(root, { PLUX_NO_CACHE: '1' });
    expect(existsSync(join(root, 'node_modules', '.cache'))).toBe(false);
    expect(reference.log.some((l) => l.includes('cache'))).toBe(false);
    const warnings = listInFreshProcess(root, { PLUX_NO_CACHE: '1', PLUX_LOG: 'warn' }).stderr;

    // node_modules/.cache is a file: the cache folder cannot be created
    writeFileSync(join(root, 'node_modules', '.cache'), 'not a folder');
    for (let i = 0; i < 2; i++) {
      const next = listInFreshProcess(root);
      expect(next.hit).toBe(false);
      expect(next.log.some((l) => l.startsWith('index cache not written'))).toBe(true);
      expect(next.entryPoints).toEqual(reference.entryPoints);
      expect(listInFreshProcess(root, { PLUX_LOG: 'warn' }).stderr).toBe(warnings);
    }
  });

  it('leaves no temp file behind', () => {
    const root = copyFixture('pnpm-workspace');
    listInFreshProcess(root);
    expect(readdirSync(join(root, 'node_modules', '.cache', 'plux'))).toEqual([CACHE_FILE_NAME]);
    expect(listInFreshProcess(join(root, 'packages', 'app')).hit).toBe(true);
  });
});
