/**
 * `plux explain` through the real binary, in an npm workspace with a workspace package, an installed package that
 * it shadows, an index entry whose module was never built, and a package whose index was never written. Needs
 * the built CLI (`npm run build -w @plux/core`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runPlux } from './support/cli.js';
import { installCliWorkspace, linkPackage } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

let workspace: string;
let app: string;

beforeAll(() => {
  ({ workspace, app } = installCliWorkspace());
  const services = join(workspace, 'packages', 'services');
  // an entry whose module was never built: skipped when the index is read
  const indexFile = join(services, 'plux.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as {
    plugins: Record<string, Record<string, unknown>>;
  };
  index.plugins['acme.services']!['lambda'] = { module: './dist/lambda.js', export: 'LambdaPlugin' };
  writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
  // a package that declares an index it never wrote (not built, never discovered)
  const unbuilt = join(workspace, 'packages', 'unbuilt');
  mkdirSync(unbuilt, { recursive: true });
  writeFileSync(
    join(unbuilt, 'package.json'),
    `${JSON.stringify({ name: '@acme/unbuilt', version: '0.3.0', type: 'module', plux: './plux.json' }, null, 2)}\n`,
  );
  linkPackage(workspace, '@acme/unbuilt', unbuilt);
});
afterAll(removeTempDirs);

interface ExplainJson {
  found: boolean;
  package?: { name: string; version: string; source: string; root: string };
  module?: string;
  moduleExists?: boolean;
  shadows: { package: { name: string; version: string; source: string }; module: string; rule: string }[];
  skipped: string[];
  disabledBy?: string;
  load?: { state: string; stage?: string; error?: string };
  nearestPlugins?: string[];
  nearestNamespaces?: string[];
  indexProblems?: string[];
  wouldLoad: boolean;
}

function explainJson(args: string[], env?: NodeJS.ProcessEnv) {
  const run = runPlux(['explain', ...args, '--json'], { cwd: app, env });
  return { ...run, json: JSON.parse(run.stdout) as ExplainJson };
}

describe('plux explain', () => {
  it('a healthy plugin: its installed package, its module, not disabled; exit 0', () => {
    const run = runPlux(['explain', 'acme.services:sqs'], { cwd: app });

    expect(run.status).toBe(0);
    const root = join(workspace, 'node_modules', 'acme-installed');
    expect(run.stdout).toBe(
      [
        'acme.services:sqs',
        `  package    acme-installed@2.3.4 (installed) ${root}`,
        '  module     ./dist/index.js#SqsPlugin (exists, inside the package)',
        '  disabled   no',
        '  verdict    would load (run with --load to import and load it)',
        '',
      ].join('\n'),
    );
  });

  it('with --load, imports, creates and loads it', () => {
    const { status, json } = explainJson(['acme.services:sqs', '--load']);

    expect(status).toBe(0);
    expect(json.load).toEqual({ name: 'sqs', state: 'loaded', package: 'acme-installed@2.3.4' });
  });

  it('a shadowing plugin: names the package it hides and the precedence rule', () => {
    const { status, json, stderr } = explainJson(['acme.services:s3']);

    expect(status).toBe(0);
    expect(json.package).toMatchObject({ name: '@acme/ws-services', version: '1.0.0', source: 'workspace' });
    expect(json.shadows).toEqual([
      {
        package: expect.objectContaining({ name: 'acme-installed', version: '2.3.4', source: 'installed' }),
        module: './dist/index.js#S3Plugin',
        rule: 'a workspace package wins over an installed one',
      },
    ]);
    expect(stderr).toContain('also declared by @acme/ws-services@1.0.0');
  });

  it('a skipped entry: not there, with the reason it was skipped; exit 1', () => {
    const run = runPlux(['explain', 'acme.services:lambda'], { cwd: app });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('  declared   by no visible package');
    expect(run.stdout).toMatch(
      /^ {2}skipped {4}@acme\/ws-services@1\.0\.0 .*plugin acme\.services:lambda: module \.\/dist\/lambda\.js does not exist \(skipped\); build the package, then run `plux discover` in it$/m,
    );
    expect(run.stdout).toContain('  verdict    would not load');
  });

  it('a disabled plugin: names the PLUX_DISABLED rule that matches; exit 1', () => {
    const { status, json } = explainJson(['acme.services:sqs'], {
      PLUX_DISABLED: 'acme.cli:*,acme.services:sq*',
    });

    expect(status).toBe(1);
    expect(json.found).toBe(true);
    expect(json.disabledBy).toBe('acme.services:sq*');
    expect(json.wouldLoad).toBe(false);
  });

  it('an unknown name: the nearest names and namespaces, and the package whose index was never written', () => {
    const byName = explainJson(['acme.services:s4']);
    expect(byName.status).toBe(1);
    expect(byName.json.found).toBe(false);
    expect(byName.json.nearestPlugins).toEqual(['acme.services:s3']);
    // the package whose index was never written, and the entry of this namespace whose module is not built
    expect(byName.json.indexProblems).toEqual([
      expect.stringMatching(/^@acme\/unbuilt@0\.3\.0 .*points at \.\/plux\.json, which does not exist/),
      expect.stringMatching(
        /^@acme\/ws-services@1\.0\.0 .*plugin acme\.services:lambda: .*does not exist \(skipped\)/,
      ),
    ]);

    const run = runPlux(['explain', 'acme.servics:s3'], { cwd: app });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^ {2}nearest {4}acme\.services:s3$/m);
    expect(run.stdout).toMatch(/^ {2}namespaces {1}acme\.services$/m);
    expect(run.stdout).toMatch(/^ {2}index {6}@acme\/unbuilt@0\.3\.0 .*run `plux discover` in that package/m);
  });

  it('imports nothing without --load; with it, reports the import error and exits 1', () => {
    // ghost's module throws when imported
    const quiet = runPlux(['explain', 'acme.services:ghost'], { cwd: app });
    expect(quiet.status).toBe(0);
    expect(`${quiet.stdout}${quiet.stderr}`).not.toContain('controlled import fail');

    const { status, json } = explainJson(['acme.services:ghost', '--load']);
    expect(status).toBe(1);
    expect(json.load).toMatchObject({ state: 'error', stage: 'resolve' });
    expect(json.load?.error).toContain('controlled import fail');

    const flaky = explainJson(['acme.services:flaky', '--load']);
    expect(flaky.status).toBe(1);
    expect(flaky.json.load).toMatchObject({
      state: 'error',
      stage: 'load',
      error: 'Error: controlled load fail',
    });
  });

  it('exits 2 on bad usage', () => {
    expect(runPlux(['explain'], { cwd: app }).status).toBe(2);
    const bad = runPlux(['explain', 'no-colon'], { cwd: app });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('expected <namespace>:<name>, got "no-colon"');
  });
});
