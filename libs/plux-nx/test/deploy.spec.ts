/**
 * A deployed Nx Node app. The workspace is what create-nx-workspace (preset ts) and
 * `nx g @nx/node:app --bundler=esbuild` make (the app's targets are the generator's, byte for byte, plus its
 * dependencies), with a plux plugin library; nx, @nx/js and @nx/esbuild 23.2.1 and the packed @plux/core and
 * @plux/nx are installed with npm. The app is built and run in the workspace, then deployed the Nx way: its `prune`
 * target, the pruned folder copied out of the workspace, `npm install` there, and run: first as generated (its prune
 * does not wait for the library's index), then after `nx g @plux/nx:init` wired the app's copy-workspace-modules.
 *
 * Cheapest real setup: no create-nx-workspace and no @nx/node (which brings jest, eslint and docker plugins); their
 * output is the fixture. The steps build on each other, so they run in order on one workspace.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runNx } from './support/e2e-workspace';

const STEP_TIMEOUT = 240_000;
const APP = '@acme/api';
const EXPECTED = {
  names: ['hello', 'wave'],
  loaded: { hello: 'hello from @acme/greetings', wave: 'wave from @acme/greetings' },
};

describe('an Nx Node app with plux plugins in a workspace library, deployed with prune', () => {
  let temp: string;
  let workspace: string;
  const timings: string[] = [];

  async function nx(args: string[]): Promise<string> {
    const run = await runNx(workspace, args);
    timings.push(`${(run.ms / 1000).toFixed(1)}s nx ${args.join(' ')}`);
    if (run.status !== 0) throw new Error(`nx ${args.join(' ')} failed (${run.status}):\n${run.output}`);
    return run.output;
  }

  /** Copies the pruned app out of the workspace to a fresh folder and installs it there, as a deploy would. */
  function deploy(name: string): string {
    const target = join(temp, name);
    cpSync(join(workspace, 'apps/api/dist'), target, { recursive: true });
    run(
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      target,
    );
    return target;
  }

  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'plux-deploy-'));
    const tarballs = packPlux(join(temp, 'tarballs'));
    workspace = join(temp, 'acme');
    cpSync(join(__dirname, 'fixtures/deploy-workspace'), workspace, { recursive: true });
    for (const file of ['package.json', 'apps/api/package.json']) {
      const path = join(workspace, file);
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(/"tarball:(@plux\/[a-z]+)"/g, (_, name: string) =>
          JSON.stringify(`file:${tarballs[name]}`),
        ),
      );
    }
    const started = Date.now();
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], workspace);
    timings.push(`${((Date.now() - started) / 1000).toFixed(1)}s npm install (workspace)`);
  }, 400_000);

  afterAll(() => {
    console.log(`deploy e2e timings:\n  ${timings.join('\n  ')}`);
    if (temp && !process.env['PLUX_E2E_KEEP']) rmSync(temp, { recursive: true, force: true });
  }, 120_000);

  it(
    'has the inferred plux-discover on the library, and prune targets that do not wait for it',
    async () => {
      const lib = JSON.parse(await nx(['show', 'project', '@acme/greetings', '--json'])) as {
        targets: Record<string, { dependsOn?: unknown[] }>;
      };
      expect(lib.targets['plux-discover']?.dependsOn).toEqual(expect.arrayContaining(['build']));
      const app = JSON.parse(await nx(['show', 'project', APP, '--json'])) as {
        targets: Record<string, { dependsOn?: unknown[]; executor?: string }>;
      };
      expect(app.targets['prune']?.dependsOn).toEqual(['prune-lockfile', 'copy-workspace-modules']);
      expect(app.targets['copy-workspace-modules']).toMatchObject({
        executor: '@nx/js:copy-workspace-modules',
        dependsOn: ['build'],
      });
      // nor do build (its default is keyed by the esbuild executor) and serve (its own dependsOn wins)
      expect(app.targets['build']?.dependsOn).toEqual(['^build']);
      expect(app.targets['serve']?.dependsOn).toEqual(['build']);
    },
    STEP_TIMEOUT,
  );

  it(
    'pruned before the library is indexed, the deployed app lists nothing and says why',
    async () => {
      await nx(['run', `${APP}:prune`]);
      const copied = join(workspace, 'apps/api/dist/workspace_modules/@acme/greetings');
      expect(existsSync(join(copied, 'package.json'))).toBe(true);
      expect(existsSync(join(copied, 'plux.json'))).toBe(false);
      const deployed = deploy('deployed-unindexed');
      const { out, stderr } = runApp(deployed);
      expect(out).toEqual({ names: [], loaded: {} });
      expect(stderr).toContain(`plux: no plugins visible from ${deployed}`);
    },
    STEP_TIMEOUT,
  );

  it(
    "nx g @plux/nx:init makes the app's build, serve and copy-workspace-modules wait for ^plux-discover, so prune copies the index and the deployed app loads the plugins",
    async () => {
      const manifest = join(workspace, 'apps/api/package.json');
      const before = readFileSync(manifest, 'utf8');
      const output = await nx(['g', '@plux/nx:init', '--no-interactive']);
      expect(output).toContain(`made ${APP}'s copy-workspace-modules target depend on ^plux-discover`);
      expect(output).toContain(`made ${APP}'s serve target depend on ^plux-discover`);
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
        nx: { targets: Record<string, { dependsOn: string[] }> };
      };
      expect(pkg.nx.targets['copy-workspace-modules']?.dependsOn).toEqual(['build', '^plux-discover']);
      // nothing else of the app's manifest changed
      const unwired = JSON.parse(before) as typeof pkg;
      unwired.nx.targets['copy-workspace-modules']!.dependsOn = ['build', '^plux-discover'];
      unwired.nx.targets['serve']!.dependsOn = ['build', '^plux-discover'];
      expect(pkg).toEqual(unwired);
      const app = JSON.parse(await nx(['show', 'project', APP, '--json'])) as {
        targets: Record<string, { dependsOn?: unknown[] }>;
      };
      expect(app.targets['build']?.dependsOn).toEqual(['^build', '^plux-discover']);
      expect(app.targets['serve']?.dependsOn).toEqual(['build', '^plux-discover']);
      rmSync(join(workspace, 'apps/api/dist'), { recursive: true, force: true });

      await nx(['run', `${APP}:prune`]);
      const copied = join(workspace, 'apps/api/dist/workspace_modules/@acme/greetings');
      expect(JSON.parse(readFileSync(join(copied, 'plux.json'), 'utf8'))).toMatchObject({
        plugins: { 'acme.greetings': { hello: { export: 'Hello' }, wave: { export: 'wave' } } },
      });
      const deployed = deploy('deployed');
      // the app's folder, nothing of the workspace: its own package.json, the library, node_modules
      expect(readdirSync(deployed).sort()).toEqual(
        expect.arrayContaining(['main.js', 'node_modules', 'package.json']),
      );
      const { out, stderr } = runApp(deployed);
      expect(out).toEqual(EXPECTED);
      expect(stderr).not.toContain('plux:');
    },
    STEP_TIMEOUT,
  );

  it(
    'run from the workspace, the built app finds and loads the library plugins',
    () => {
      const { out, stderr } = runApp(join(workspace, 'apps/api'), join(workspace, 'apps/api/dist/main.js'));
      expect(out).toEqual(EXPECTED);
      expect(stderr).not.toContain('plux:');
    },
    STEP_TIMEOUT,
  );
});

/** Packs the built @plux/core and @plux/nx (building them when their dist/ is missing); returns name → tarball. */
function packPlux(out: string): Record<string, string> {
  const libs = { '@plux/core': 'libs/plux-core', '@plux/nx': 'libs/plux-nx' };
  const tarballs: Record<string, string> = {};
  mkdirSync(out, { recursive: true });
  for (const [name, dir] of Object.entries(libs)) {
    const root = join(REPO_ROOT, dir);
    if (!existsSync(join(root, 'dist', 'package.json')) && !existsSync(join(root, 'dist', 'index.js'))) {
      run('npm', ['run', 'build'], root);
    }
    const packed = name === '@plux/nx' ? join(root, 'dist') : root;
    const stdout = run('npm', ['pack', '--silent', '--pack-destination', out, packed], REPO_ROOT);
    tarballs[name] = join(out, stdout.trim().split('\n').pop()!);
  }
  return tarballs;
}

/** Runs the app's main.js in a fresh Node process from `cwd`; returns what it printed. */
function runApp(cwd: string, main = join(cwd, 'main.js')): { out: unknown; stderr: string } {
  const result = spawnSync(process.execPath, [main], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', PLUX_LOG: '', PLUX_NO_CACHE: '' },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`node ${main} failed (${result.status}):\n${result.stderr}`);
  return { out: JSON.parse(result.stdout) as unknown, stderr: result.stderr };
}

function run(command: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
  // the test runner's own npm settings (workspace flags, the repository's lockfile) must not leak in
  for (const name of Object.keys(env)) if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 360_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${cwd}:\n${result.stderr}`,
    );
  }
  return result.stdout;
}
