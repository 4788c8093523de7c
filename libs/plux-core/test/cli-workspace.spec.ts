/**
 * `plux list`, `plux resolve` and `plux show` through the real binary, in an npm workspace with a workspace package
 * and an installed package. Needs the built CLI (`npm run build -w @plux/core`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runPlux } from './support/cli.js';
import { FIXTURES } from './support/core.js';
import { installCliWorkspace } from './support/packages.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

let workspace: string;
let app: string;

beforeAll(() => {
  ({ workspace, app } = installCliWorkspace());
});
afterAll(removeTempDirs);

describe('plux list', () => {
  it('shows every visible plugin with its package@version, workspace or installed, and the shadowed one', () => {
    const run = runPlux(['list'], { cwd: app });

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'NAMESPACE      NAME   PACKAGE                  SOURCE     MODULE                                 NOTE',
        'acme.cli       hello  acme-installed@2.3.4     installed  ./dist/index.js#hello',
        'acme.services  flaky  @acme/ws-services@1.0.0  workspace  ./dist/services.js#ThrowsOnLoadPlugin',
        'acme.services  ghost  @acme/ws-services@1.0.0  workspace  ./dist/ghost.js#ghost',
        'acme.services  off    @acme/ws-services@1.0.0  workspace  ./dist/services.js#NeverLoadsPlugin',
        'acme.services  s3     @acme/ws-services@1.0.0  workspace  ./dist/services.js#S3Plugin',
        'acme.services  s3     acme-installed@2.3.4     installed  ./dist/index.js#S3Plugin               shadowed by @acme/ws-services@1.0.0',
        'acme.services  sqs    acme-installed@2.3.4     installed  ./dist/index.js#SqsPlugin',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toContain('declares acme.services:s3, also declared by @acme/ws-services@1.0.0');
  });

  it('prints JSON with --json, filtered by --namespace', () => {
    const run = runPlux(['list', '--json', '--namespace', 'acme.cli'], { cwd: app });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        namespace: 'acme.cli',
        name: 'hello',
        package: 'acme-installed',
        version: '2.3.4',
        source: 'installed',
        module: './dist/index.js',
        export: 'hello',
        value: 'acme-installed:./dist/index.js#hello',
        path: join(workspace, 'node_modules', 'acme-installed', 'dist', 'index.js'),
      },
    ]);
  });

  it('colours nothing when stdout is not a terminal, even without NO_COLOR', () => {
    const run = runPlux(['list'], { cwd: app, env: { NO_COLOR: '' } });

    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('says once that no plugin is visible, with the fix, when no package has an index (resolve too)', () => {
    const root = makeTempDir('plux-list-empty-');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@ws/source', workspaces: ['libs/*'] }));
    mkdirSync(join(root, 'libs', 'util'), { recursive: true });
    writeFileSync(join(root, 'libs', 'util', 'package.json'), JSON.stringify({ name: '@ws/util' }));

    const lists = [['list'], ['list', '--namespace', 'acme.services']];
    for (const args of [...lists, ['resolve', '--namespace', 'acme.services']]) {
      const run = runPlux(args, { cwd: root });
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout).toBe('');
      // the runtime's warning, which names what to do; not followed by a shorter restatement
      expect(run.stderr.match(/no plugins/g), run.stderr).toHaveLength(1);
      expect(run.stderr).toContain(`plux: no plugins visible from ${root}`);
      expect(run.stderr).toContain('plux discover');
    }
  });

  it('says that a namespace has no plugins when others do', () => {
    for (const command of ['list', 'resolve']) {
      const run = runPlux([command, '--namespace', 'acme.nope'], { cwd: app });

      expect(run.status, command).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr.match(/no plugins/g), run.stderr).toHaveLength(1);
      expect(run.stderr).toContain(`plux: no plugins in namespace acme.nope visible from ${app}`);
    }
  });

  it('exits 2 on a bad flag', () => {
    const run = runPlux(['list', '--namespace'], { cwd: app });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--namespace needs a value');
  });
});

describe('plux resolve', () => {
  it('resolves each plugin to its spec without creating or loading it, as plux resolve does', () => {
    const run = runPlux(['resolve', '--namespace', 'acme.services'], { cwd: app });

    // flaky throws in load() and off's shouldLoad() is false: resolved all the same, so neither ran
    expect(run.stdout).toMatch(
      /^flaky\s+resolved\s+@acme\/ws-services@1\.0\.0\s+PluginSpec\(acme\.services:flaky = ThrowsOnLoadPlugin\)$/m,
    );
    expect(run.stdout).toMatch(/^off\s+resolved\s+.*PluginSpec\(acme\.services:off = NeverLoadsPlugin\)$/m);
    expect(run.stdout).toMatch(
      /^s3\s+resolved\s+@acme\/ws-services@1\.0\.0\s+PluginSpec\(acme\.services:s3 = S3Plugin\)$/m,
    );
    expect(run.stdout).toMatch(
      /^sqs\s+resolved\s+acme-installed@2\.3\.4\s+PluginSpec\(acme\.services:sqs = SqsPlugin\)$/m,
    );
    expect(run.stdout).toMatch(
      /^ghost\s+error\s+@acme\/ws-services@1\.0\.0\s+resolve: .*controlled import fail$/m,
    );
    expect(run.stdout).not.toMatch(/\bloaded\b/);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('1 of 5 plugin(s) in acme.services failed: ghost');
  });

  it('prints each resolved spec in --json', () => {
    const run = runPlux(['resolve', '--namespace', 'acme.cli', '--json'], { cwd: app });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        name: 'hello',
        state: 'resolved',
        package: 'acme-installed@2.3.4',
        spec: 'PluginSpec(acme.cli:hello = createFunctionPlugin)',
      },
    ]);
  });

  it('with --load, loads each plugin of the namespace, reports loaded, disabled and failed ones, and exits 1', () => {
    const run = runPlux(['resolve', '--namespace', 'acme.services', '--load'], { cwd: app });

    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+PACKAGE\s+DETAIL$/);
    expect(lines.slice(1)).toHaveLength(5);
    expect(run.stdout).toMatch(
      /^flaky\s+error\s+@acme\/ws-services@1\.0\.0\s+load: Error: controlled load fail$/m,
    );
    expect(run.stdout).toMatch(
      /^ghost\s+error\s+@acme\/ws-services@1\.0\.0\s+resolve: .*controlled import fail$/m,
    );
    expect(run.stdout).toMatch(
      /^off\s+disabled\s+@acme\/ws-services@1\.0\.0\s+Load condition for plugin was false$/m,
    );
    expect(run.stdout).toMatch(/^s3\s+loaded\s+@acme\/ws-services@1\.0\.0$/m);
    expect(run.stdout).toMatch(/^sqs\s+loaded\s+acme-installed@2\.3\.4$/m);
    expect(run.stderr).toContain('2 of 5 plugin(s) in acme.services failed: flaky, ghost');
  });

  it('with --load, exits 0 when every plugin loaded or is disabled, and names the PLUX_DISABLED rule', () => {
    const run = runPlux(['resolve', '--namespace', 'acme.services', '--json', '--load'], {
      cwd: app,
      env: { PLUX_DISABLED: 'acme.services:flaky,acme.services:ghost' },
    });

    expect(run.status).toBe(0);
    const states = JSON.parse(run.stdout) as { name: string; state: string; reason?: string }[];
    expect(states.map((s) => `${s.name}=${s.state}`)).toEqual([
      'flaky=disabled',
      'ghost=disabled',
      'off=disabled',
      's3=loaded',
      'sqs=loaded',
    ]);
    expect(states[0]!.reason).toContain('PLUX_DISABLED');
  });

  it('with --load, loads a function plugin from the installed package', () => {
    const run = runPlux(['resolve', '--namespace', 'acme.cli', '--load'], { cwd: app });

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^hello\s+loaded\s+acme-installed@2\.3\.4$/m);
  });

  it('exits 2 without --namespace', () => {
    const run = runPlux(['resolve'], { cwd: app });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('plux resolve: --namespace is required');
  });
});

describe('plux show', () => {
  const installedIndex = () => readFileSync(join(FIXTURES, 'cli-installed-package', 'plux.json'), 'utf8');

  it("prints an installed package's index by name", () => {
    const run = runPlux(['show', 'acme-installed'], { cwd: app });

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(installedIndex());
  });

  it("prints a workspace package's index by name, and the current package's without one", () => {
    const byName = runPlux(['show', '@acme/ws-services'], { cwd: app });
    const here = runPlux(['show'], { cwd: join(workspace, 'packages', 'services', 'dist') });
    const expected = readFileSync(join(workspace, 'packages', 'services', 'plux.json'), 'utf8');

    expect([byName.status, here.status]).toEqual([0, 0]);
    expect(byName.stdout).toBe(expected);
    expect(here.stdout).toBe(expected);
  });

  it('exits 1 naming a package that is not visible, or has no index', () => {
    const missing = runPlux(['show', '@acme/nope'], { cwd: app });
    const noIndex = runPlux(['show'], { cwd: app });

    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no package @acme/nope is visible');
    expect(noIndex.status).toBe(1);
    expect(noIndex.stderr).toContain('@acme/app');
    expect(noIndex.stderr).toContain('has no "plux" field');
  });
});
