/**
 * `plux discover` through the real binary, on fixture packages copied to temp folders. Needs the built CLI:
 * `npm run build -w @plux/core` (the root `npm test` builds first).
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runPlux } from './support/cli.js';
import { copyFixture } from './support/packages.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

afterAll(removeTempDirs);

const expectedIndex = readFileSync(
  new URL('./fixtures/build-services/expected-plux.json', import.meta.url),
  'utf8',
);

describe('plux discover on a package with every kind of plugin', () => {
  it('writes the exact expected plux.json: classes, specs, function plugins, ESM, CommonJS, top-level await', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover', '--exclude', 'internal'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(readFileSync(join(pkg, 'plux.json'), 'utf8')).toBe(expectedIndex);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('wrote plux.json: 6 plugins in 2 namespaces');
  });

  it('reports the module that throws on import with its error, skips it, and still writes the rest', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover', '--exclude', 'internal'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /warning: could not import \.\/dist\/broken\.js: Error: controlled import failure/,
    );
    expect(readFileSync(join(pkg, 'plux.json'), 'utf8')).not.toContain('unreachable');
  });

  it('indexes the excluded folder only when it is not excluded', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(0);
    const index = JSON.parse(readFileSync(join(pkg, 'plux.json'), 'utf8'));
    expect(index.plugins['acme.services']['internal-only']).toEqual({
      export: 'internalOnly',
      module: './dist/internal/setup.js',
    });
  });

  it('gives the same bytes on every run and in every copy, and leaves an up-to-date file untouched', () => {
    const first = copyFixture('build-services');
    const second = copyFixture('build-services');
    expect(runPlux(['discover', '--exclude', 'internal'], { cwd: first }).status).toBe(0);
    expect(runPlux(['discover', '--exclude', 'internal'], { cwd: second }).status).toBe(0);
    const file = join(first, 'plux.json');
    const before = statSync(file);

    const again = runPlux(['discover', '--exclude', 'internal'], { cwd: first });

    expect(again.stderr).toContain('plux.json is up to date');
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(second, 'plux.json'), 'utf8'));
    expect(readFileSync(file, 'utf8')).toBe(expectedIndex);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });

  it('prints the index to stdout with --output - and writes no file', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover', '--exclude', 'internal', '--output', '-'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(expectedIndex);
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('fails with --strict, naming the module that threw and its error, and writes nothing', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover', '--exclude', 'internal', '--strict'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('./dist/broken.js: Error: controlled import failure');
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('passes --check when plux.json is fresh, and fails naming the plugin a module gained', () => {
    const pkg = copyFixture('build-services');
    expect(runPlux(['discover', '--exclude', 'internal'], { cwd: pkg }).status).toBe(0);

    const fresh = runPlux(['discover', '--exclude', 'internal', '--check'], { cwd: pkg });
    expect(fresh.status).toBe(0);
    expect(fresh.stderr).toContain('plux.json is up to date');

    appendFileSync(
      join(pkg, 'dist', 'services.js'),
      "\nexport const sqs = new PluginSpec('acme.services', 'sqs', () => new DynamoDbPlugin());\n",
    );
    const stale = runPlux(['discover', '--exclude', 'internal', '--check'], { cwd: pkg });

    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('plux.json is stale');
    expect(stale.stderr).toContain('added acme.services:sqs (./dist/services.js#sqs)');
    expect(readFileSync(join(pkg, 'plux.json'), 'utf8')).toBe(expectedIndex);
  });

  it('fails --check when there is no plux.json yet', () => {
    const pkg = copyFixture('build-services');
    const run = runPlux(['discover', '--exclude', 'internal', '--check'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('added acme.cli:deploy');
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('imports each module once and nothing outside the scanned folder, excluded modules and test files', () => {
    const pkg = copyFixture('build-services');
    const log = join(makeTempDir(), 'imports.log');
    const run = runPlux(['discover', '--exclude', 'internal'], { cwd: pkg, env: { PLUX_FIXTURE_LOG: log } });

    expect(run.status).toBe(0);
    const imported = readFileSync(log, 'utf8').trim().split('\n').sort();
    expect(imported).toEqual([
      'dist/broken.js',
      'dist/cli/deploy.js',
      'dist/index.js',
      'dist/late.mjs',
      'dist/legacy.cjs',
      'dist/services.js',
    ]);
  });
});

describe('plux discover on barrels', () => {
  it('names the modules that define plugins re-exported by ESM and CommonJS barrels and aliases', () => {
    const pkg = copyFixture('build-barrels');
    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(readFileSync(join(pkg, 'plux.json'), 'utf8')).toBe(
      readFileSync(join(pkg, 'expected-plux.json'), 'utf8'),
    );
    expect(run.stderr).toContain(
      'warning: ./dist/cjs/hidden.cjs: default.hidden is a plugin but not a named export',
    );
    expect(run.stderr).toContain('hint: package.json has no "plux" field');
  });
});

describe('plux discover with duplicates', () => {
  it('fails naming both modules that define one namespace and name, and writes nothing', () => {
    const pkg = copyFixture('build-duplicates');
    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'duplicate plugin acme.dup:twin: exported by ./dist/alpha.js#TwinPlugin and ./dist/beta.js#twin',
    );
    expect(run.stderr).not.toContain('index.js');
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });
});

describe('plux discover on a package whose module keeps the event loop alive', () => {
  it('still exits once the index is written', () => {
    const pkg = copyFixture('cli-keeps-alive');
    const started = Date.now();
    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(JSON.parse(readFileSync(join(pkg, 'plux.json'), 'utf8')).plugins['acme.metrics']).toEqual({
      metrics: { export: 'metrics', module: './dist/index.js' },
    });
  });
});

describe('plux discover usage', () => {
  it('exits 2 with a clear message for an unknown flag, a missing value, and --check with --output -', () => {
    const pkg = copyFixture('build-services');
    const unknown = runPlux(['discover', '--frobnicate'], { cwd: pkg });
    const missing = runPlux(['discover', '--path'], { cwd: pkg });
    const conflict = runPlux(['discover', '--check', '--output', '-'], { cwd: pkg });

    expect([unknown.status, missing.status, conflict.status]).toEqual([2, 2, 2]);
    expect(unknown.stderr).toContain('unknown option --frobnicate');
    expect(missing.stderr).toContain('--path needs a value');
    expect(conflict.stderr).toContain('--check compares with an index file');
    expect(existsSync(join(pkg, 'plux.json'))).toBe(false);
  });

  it('prints its help on stdout with --help and exits 0', () => {
    const run = runPlux(['discover', '--help'], { cwd: makeTempDir() });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: plux discover');
    expect(run.stdout).toContain('Discovery runs your package');
  });
});
