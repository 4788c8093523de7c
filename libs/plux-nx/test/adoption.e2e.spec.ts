/**
 * plux adopted as a new user would: a workspace made by `create-nx-workspace --preset=ts` (npm workspaces over
 * `packages/*`, `@nx/js/typescript` inferring `build` as `tsc --build`), the packed `@plux/core` and `@plux/nx`
 * tarballs installed with `nx add`, a library from `@nx/js:lib`, plugins from `@plux/nx:plugin`, and an app that
 * loads them at run time with no dependsOn written by hand.
 *
 * Needs the built packages (`npm run build`, which `npm test` runs first) and the npm registry (create-nx-workspace
 * and its dependencies). The workspace is made once, in beforeAll; the checks run in order on it. It has its own
 * Nx cache and workspace data folders, so no check can pass on a replay of another workspace's run.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/e2e-workspace';

const CREATE_NX_WORKSPACE = 'create-nx-workspace@23.2.1';
const STEP_TIMEOUT = 180_000;

interface Run {
  status: number | null;
  /** stdout and stderr together. */
  output: string;
  stderr: string;
}

let temp: string;
let root: string;
let env: NodeJS.ProcessEnv;
const setup: Record<string, Run> = {};

function run(command: string, args: string[], cwd: string, timeoutMs = STEP_TIMEOUT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, stderr });
    });
  });
}

const nx = (args: string[], cwd = root) =>
  run(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), ...args], cwd);

async function ok(label: string, pending: Promise<Run>): Promise<Run> {
  const result = await pending;
  setup[label] = result;
  expect(result.status, `${label}:\n${result.output}`).toBe(0);
  return result;
}

type Json = Record<string, unknown>;
const readJson = <T = Json>(path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
const indexOf = (lib: string) =>
  readJson<{ plugins: Record<string, Record<string, { module: string; export: string }>> }>(
    `packages/${lib}/plux.json`,
  ).plugins;

/** What the app runs: list the plugins of a namespace from the indexes, then load each. */
const APP_MAIN = `import { PluginManager } from '@plux/core';

const manager = new PluginManager('acme.services');
const names = manager.listNames();
console.log(\`plugins: \${names.join(', ') || '(none)'}\`);
for (const name of names) {
  const plugin = await manager.load(name);
  console.log(\`loaded \${name}: \${typeof plugin === 'function' ? plugin() : plugin.constructor.name}\`);
}
`;

describe(`plux in a workspace made by ${CREATE_NX_WORKSPACE} --preset=ts (npm)`, () => {
  beforeAll(async () => {
    temp = realpathSync(mkdtempSync(join(tmpdir(), 'plux-adoption-')));
    env = { ...process.env };
    for (const key of Object.keys(env)) {
      // vitest's variables would leak into the workspace's tools; Nx's would point it at this repository's cache
      if (key.startsWith('VITEST') || key.startsWith('NX_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV')
        delete env[key];
    }
    Object.assign(env, {
      CI: 'true',
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      NX_CACHE_DIRECTORY: join(temp, 'nx-cache'),
      NX_WORKSPACE_DATA_DIRECTORY: join(temp, 'nx-workspace-data'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    });

    // the packages as they would be published: @plux/nx from its built dist/
    const tarballs: Record<string, string> = {};
    for (const [name, dir] of [
      ['core', 'libs/plux-core'],
      ['nx', 'libs/plux-nx/dist'],
    ] as const) {
      const packed = await ok(
        `pack ${name}`,
        run('npm', ['pack', '--pack-destination', temp, '--silent'], join(REPO_ROOT, dir)),
      );
      tarballs[name] = join(temp, packed.output.trim().split('\n').pop()!.trim());
    }

    await ok(
      'create-nx-workspace',
      run(
        'npx',
        [
          '--yes',
          CREATE_NX_WORKSPACE,
          'acme',
          '--preset=ts',
          '--packageManager=npm',
          '--nxCloud=skip',
          '--interactive=false',
          '--aiAgents=none',
          '--linter=none',
          '--unitTestRunner=none',
        ],
        temp,
        300_000,
      ),
    );
    root = join(temp, 'acme');
    // @plux/nx depends on @plux/core, which no registry holds: install the core tarball first, as users of
    // tarballs do, then let `nx add` install @plux/nx and run its init
    await ok('npm install @plux/core', run('npm', ['install', tarballs['core']!], root));
    await ok('nx add', nx(['add', `@plux/nx@file:${tarballs['nx']}`]));

    await ok(
      '@nx/js:lib services',
      nx(['g', '@nx/js:lib', 'packages/services', '--bundler=tsc', '--unitTestRunner=none', '--linter=none']),
    );
    await ok(
      'plugin s3',
      nx(['g', '@plux/nx:plugin', 's3', '--project', '@acme/services', '--namespace', 'acme.services']),
    );
    await ok(
      'plugin dynamodb',
      nx([
        'g',
        '@plux/nx:plugin',
        'dynamodb',
        '--project',
        '@acme/services',
        '--namespace',
        'acme.services',
        '--kind',
        'function',
        '--directory',
        'extra',
      ]),
    );
    // the app: a plain package of the npm workspace that depends on the plugin library and @plux/core and runs
    // main.mjs; no dependsOn anywhere
    mkdirSync(join(root, 'packages/app'));
    writeFileSync(
      join(root, 'packages/app/package.json'),
      `${JSON.stringify(
        {
          name: '@acme/app',
          version: '0.0.1',
          private: true,
          type: 'module',
          scripts: { start: 'node main.mjs' },
          dependencies: { '@acme/services': '*', '@plux/core': '^0.1.0' },
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(root, 'packages/app/main.mjs'), APP_MAIN);
  }, 900_000);

  afterAll(() => {
    if (temp && !process.env['PLUX_E2E_KEEP']) rmSync(temp, { recursive: true, force: true });
  }, 120_000);

  it('nx add installs @plux/nx, registers the plugin, and makes build/test/serve/start wait for indexes', () => {
    expect(setup['nx add']!.output).toContain('Package @plux/nx added successfully');
    const nxJson = readJson<{ plugins: unknown[]; targetDefaults: Record<string, unknown> }>('nx.json');
    expect(nxJson['plugins']).toContainEqual({
      plugin: '@plux/nx',
      options: { targetName: 'plux-discover' },
    });
    for (const target of ['build', 'test', 'serve', 'start'])
      expect(nxJson['targetDefaults'][target], target).toEqual({ dependsOn: ['...', '^plux-discover'] });
    expect(readJson<{ devDependencies: Json }>('package.json').devDependencies['@plux/nx']).toMatch(/^file:/);
  });

  it('the plugin generator writes no spec in a library without a test runner, so its tsc build stays green', () => {
    for (const spec of ['plugins/s3.spec.ts', 'extra/dynamodb.spec.ts'])
      expect(existsSync(join(root, 'packages/services/src', spec)), spec).toBe(false);
    expect(existsSync(join(root, 'packages/services/src/plugins/s3.ts'))).toBe(true);
    expect(existsSync(join(root, 'packages/services/src/extra/dynamodb.ts'))).toBe(true);
  });

  it(
    'plux-discover builds the library and indexes both generated plugins',
    { timeout: STEP_TIMEOUT },
    async () => {
      const first = await nx(['run', '@acme/services:plux-discover']);

      expect(first.status, first.output).toBe(0);
      expect(first.output).toContain('nx run @acme/services:build');
      expect(first.output).toMatch(/Cache:\s+0\/2 hit/);
      expect(Object.keys(indexOf('services')['acme.services']!).sort()).toEqual(['dynamodb', 's3']);
      expect(indexOf('services')['acme.services']!['dynamodb']!.module).toBe('./dist/extra/dynamodb.js');
    },
  );

  it('runs a second time as a cache hit that restores the index', { timeout: STEP_TIMEOUT }, async () => {
    const before = readFileSync(join(root, 'packages/services/plux.json'), 'utf8');
    rmSync(join(root, 'packages/services/plux.json'));
    const second = await nx(['run', '@acme/services:plux-discover']);

    expect(second.status, second.output).toBe(0);
    expect(second.output).toMatch(/Cache:\s+2\/2 hit \(100%\)/);
    expect(readFileSync(join(root, 'packages/services/plux.json'), 'utf8')).toBe(before);
  });

  it(
    'drops a plugin whose source is deleted, although tsc --build leaves its output in dist',
    { timeout: STEP_TIMEOUT },
    async () => {
      rmSync(join(root, 'packages/services/src/extra/dynamodb.ts'));
      const barrel = join(root, 'packages/services/src/index.ts');
      writeFileSync(
        barrel,
        readFileSync(barrel, 'utf8')
          .split('\n')
          .filter((line) => !line.includes('extra/dynamodb'))
          .join('\n'),
      );
      const after = await nx(['run', '@acme/services:plux-discover']);

      expect(after.status, after.output).toBe(0);
      expect(existsSync(join(root, 'packages/services/dist/extra/dynamodb.js'))).toBe(true);
      expect(Object.keys(indexOf('services')['acme.services']!)).toEqual(['s3']);
      const leftOver = after.output.split('\n').filter((line) => line.includes('left over'));
      expect(leftOver).toHaveLength(1);
      expect(leftOver[0]).toContain(
        './dist/extra/dynamodb.js is left over from an earlier build: its source src/extra/dynamodb.ts no longer exists',
      );
    },
  );

  it(
    'a cache hit after the deletion restores the index without the deleted plugin',
    { timeout: STEP_TIMEOUT },
    async () => {
      rmSync(join(root, 'packages/services/plux.json'));
      const replay = await nx(['run', '@acme/services:plux-discover']);

      expect(replay.status, replay.output).toBe(0);
      expect(replay.output).toMatch(/Cache:\s+2\/2 hit \(100%\)/);
      expect(Object.keys(indexOf('services')['acme.services']!)).toEqual(['s3']);
    },
  );

  it(
    'the app lists and loads the plugins through its own start target',
    { timeout: STEP_TIMEOUT },
    async () => {
      rmSync(join(root, 'packages/services/plux.json'));
      // nothing in the app says "plux-discover": the dependency comes from nx.json's targetDefaults
      expect(existsSync(join(root, 'packages/app/project.json'))).toBe(false);
      expect(readFileSync(join(root, 'packages/app/package.json'), 'utf8')).not.toContain('dependsOn');
      const start = await nx(['run', '@acme/app:start']);

      expect(start.status, start.output).toBe(0);
      expect(start.output).toContain('nx run @acme/services:plux-discover');
      expect(start.output).toContain('plugins: s3');
      expect(start.output).toContain('loaded s3: S3Plugin');
      expect(existsSync(join(root, 'packages/services/plux.json'))).toBe(true);
    },
  );

  it(
    'nx run app:plux-discover writes the indexes of what the app loads',
    { timeout: STEP_TIMEOUT },
    async () => {
      rmSync(join(root, 'packages/services/plux.json'));
      const show = await nx(['show', 'project', '@acme/app', '--json']);
      expect(show.status, show.output).toBe(0);
      const project = JSON.parse(show.output.slice(show.output.indexOf('{'))) as {
        targets: Record<string, unknown>;
      };
      const target = project.targets['plux-discover'];
      expect(target).toMatchObject({ executor: 'nx:noop', dependsOn: ['^plux-discover'] });

      const discover = await nx(['run', '@acme/app:plux-discover']);

      expect(discover.status, discover.output).toBe(0);
      expect(discover.output).toContain('nx run @acme/services:plux-discover');
      expect(Object.keys(indexOf('services')['acme.services']!)).toEqual(['s3']);
    },
  );

  it(
    "run outside Nx with an index missing, the app's hint names the library's Nx target",
    { timeout: STEP_TIMEOUT },
    async () => {
      rmSync(join(root, 'packages/services/plux.json'));
      const direct = await run(process.execPath, ['main.mjs'], join(root, 'packages/app'));

      expect(direct.status, direct.output).toBe(0);
      expect(direct.output).toContain('plugins: (none)');
      expect(direct.stderr).toContain('run `nx run @acme/services:plux-discover` to regenerate plux.json');
    },
  );
});
