/**
 * One end-to-end run of the real `nx` binary in a temporary workspace (test/fixtures/workspace plus copies of
 * @plux/core and @plux/nx): generators, the inferred target, the executor running from TypeScript source through
 * Nx's transpiler on ESM packages, and the cache (local hits, restores, invalidation, portability to another path
 * through a copied cache and through a remote cache). The steps run in order and build on each other.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloneWorkspace,
  createE2eWorkspace,
  removeWorkspace,
  runNx,
  startRemoteCache,
  type NxRun,
} from './support/e2e-workspace';

const LIB = '@e2e/acme';
const DISCOVER = `${LIB}:plux-discover`;
const STEP_TIMEOUT = 120_000;
/** The team steps each run `nx run-many` over several projects: more time on a loaded 2-core machine. */
const TEAM_STEP_TIMEOUT = 300_000;

describe('@plux/nx end to end', () => {
  let workspace: string;
  const clones: string[] = [];
  let remote: Awaited<ReturnType<typeof startRemoteCache>>;
  const timings: string[] = [];
  const started = Date.now();

  /** Runs nx in the main workspace, with the remote cache on, and fails loudly with its output. */
  async function nx(
    args: string[],
    options: { cwd?: string; remote?: boolean; expectFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<NxRun> {
    const env: Record<string, string> = {
      ...(options.remote === false ? {} : { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: remote.url }),
      ...options.env,
    };
    const run = await runNx(options.cwd ?? workspace, args, env);
    timings.push(`${(run.ms / 1000).toFixed(1)}s nx ${args.join(' ')}`);
    if (!options.expectFailure && run.status !== 0) {
      throw new Error(`nx ${args.join(' ')} failed (${run.status}):\n${run.output}`);
    }
    return run;
  }
  const file = (path: string, root = workspace) => readFileSync(join(root, path), 'utf8');
  const index = (root = workspace) => JSON.parse(file('libs/acme/plux.json', root));
  const discoverLine = (run: NxRun) =>
    run.output.split('\n').find((l) => l.includes(`nx run ${DISCOVER}`)) ?? '';

  beforeAll(async () => {
    remote = await startRemoteCache();
    workspace = createE2eWorkspace();
  });
  afterAll(() => {
    remote?.close();
    removeWorkspace(workspace);
    clones.forEach(removeWorkspace);
    console.log(
      `@plux/nx e2e: ${((Date.now() - started) / 1000).toFixed(1)}s in all\n  ${timings.join('\n  ')}`,
    );
  });

  it(
    'nx g plux:plugin configures a fresh lib for plux and adds a class plugin',
    { timeout: STEP_TIMEOUT },
    async () => {
      // Configuring the lib adds @plux/core to it, so the generator returns Nx's install task; this workspace's
      // node_modules is linked, not installed, so npm only resolves it (dry run) instead of reinstalling.
      const run = await nx(['g', 'plux:plugin', 'alpha', `--project=${LIB}`, '--namespace=e2e.things'], {
        env: { npm_config_dry_run: 'true' },
      });

      expect(run.output).toContain(
        '@plux/nx: added the class plugin e2e.things:alpha in libs/acme/src/plugins/alpha.ts, its vitest spec',
      );
      expect(run.output).toContain('Nx runs "npm install" to install @plux/core.');
      expect(run.output).toContain('CREATE libs/acme/src/plugins/alpha.spec.ts');
      expect(file('libs/acme/src/index.ts')).toContain("export * from './plugins/alpha.js';");
      const pkg = JSON.parse(file('libs/acme/package.json'));
      expect(pkg).toMatchObject({
        plux: './plux.json',
        files: ['dist', 'plux.json'],
        dependencies: { '@plux/core': '*' },
      });
    },
  );

  it('the lib gets the inferred target, with no project.json', { timeout: STEP_TIMEOUT }, async () => {
    const project = JSON.parse(
      (await nx(['show', 'project', LIB, '--json'])).output.replace(/^[^{]*|[^}]*$/g, ''),
    );

    expect(existsSync(join(workspace, 'libs/acme/project.json'))).toBe(false);
    expect(project.targets['plux-discover']).toMatchObject({
      executor: '@plux/nx:discover',
      cache: true,
      outputs: ['{projectRoot}/plux.json'],
    });
  });

  it('the lib builds and the generated spec passes', { timeout: STEP_TIMEOUT }, async () => {
    const run = await nx(['run-many', '-t', 'build,test', `--projects=${LIB}`, '--output-style=stream']);

    expect(run.output).toMatch(/Tests\s+2 passed \(2\)/);
    expect(existsSync(join(workspace, 'libs/acme/dist/plugins/alpha.js'))).toBe(true);
  });

  it(
    'nx run <lib>:plux-discover writes an index that lists the new plugin',
    { timeout: STEP_TIMEOUT },
    async () => {
      const run = await nx(['run', DISCOVER]);

      expect(discoverLine(run)).not.toContain('cache]');
      expect(run.output).toContain(
        '@plux/nx: libs/acme/plux.json lists 1 plugin from 2 modules; discovery changed the index it found:\n' +
          '@plux/nx:   added e2e.things:alpha (./dist/plugins/alpha.js#AlphaPlugin)',
      );
      expect(index()).toEqual({
        formatVersion: 1,
        plugins: { 'e2e.things': { alpha: { export: 'AlphaPlugin', module: './dist/plugins/alpha.js' } } },
      });
    },
  );

  it('running it again is a local cache hit', { timeout: STEP_TIMEOUT }, async () => {
    const run = await nx(['run', DISCOVER]);

    expect(discoverLine(run)).toContain('[local cache]');
    expect(run.output).toMatch(/Cache:\s+3\/3 hit/);
    // the replayed output states what the index holds and how discovery got there, never "wrote"
    expect(run.output).toContain('@plux/nx: libs/acme/plux.json lists 1 plugin from 2 modules;');
    expect(run.output).not.toMatch(/@plux\/nx: wr(o|i)te/);
  });

  it(
    'deleting plux.json and running again restores it from the cache',
    { timeout: STEP_TIMEOUT },
    async () => {
      const before = file('libs/acme/plux.json');
      rmSync(join(workspace, 'libs/acme/plux.json'));

      const run = await nx(['run', DISCOVER]);

      expect(discoverLine(run)).toContain('[local cache]');
      expect(file('libs/acme/plux.json')).toBe(before);
    },
  );

  it(
    'adding more plugins (nx g @plux/nx:plugin too) re-runs discovery and lists them all',
    { timeout: 2 * STEP_TIMEOUT }, // four nx commands, one of them a vitest run
    async () => {
      await nx([
        'g',
        '@plux/nx:plugin',
        'beta',
        `--project=${LIB}`,
        '--namespace=e2e.things',
        '--kind=function',
      ]);
      await nx([
        'g',
        'plux:plugin',
        'gamma',
        `--project=${LIB}`,
        '--namespace=e2e.more',
        '--kind=spec',
        '--directory=extra',
      ]);

      const run = await nx(['run', DISCOVER]);

      expect(discoverLine(run)).not.toContain('cache]');
      expect(index().plugins).toEqual({
        'e2e.more': { gamma: { export: 'gammaSpec', module: './dist/extra/gamma.js' } },
        'e2e.things': {
          alpha: { export: 'AlphaPlugin', module: './dist/plugins/alpha.js' },
          beta: { export: 'beta', module: './dist/plugins/beta.js' },
        },
      });
      expect((await nx(['run', `${LIB}:test`, '--output-style=stream'])).output).toMatch(
        /Tests\s+7 passed \(7\)/,
      );
    },
  );

  it('options are part of the cache key', { timeout: STEP_TIMEOUT }, async () => {
    const narrowed = await nx(['run', DISCOVER, '--include=plugins/beta.js']);
    expect(discoverLine(narrowed)).not.toContain('cache]');
    expect(Object.keys(index().plugins)).toEqual(['e2e.things']);
    expect(Object.keys(index().plugins['e2e.things'])).toEqual(['beta']);

    const full = await nx(['run', DISCOVER]);
    expect(discoverLine(full)).toContain('[local cache]');
    expect(Object.keys(index().plugins['e2e.things'])).toEqual(['alpha', 'beta']);
  });

  it(
    'plux-check passes, then fails (not a cache hit) once plux.json is edited by hand, naming what differs',
    { timeout: 2 * STEP_TIMEOUT }, // four nx commands
    async () => {
      const checkLine = (run: NxRun) =>
        run.output.split('\n').find((l) => l.includes(`nx run ${LIB}:plux-check`)) ?? '';
      const passed = await nx(['run', `${LIB}:plux-check`]);
      expect(passed.output).toContain('@plux/nx: libs/acme/plux.json is up to date');

      const edited = index();
      delete edited.plugins['e2e.things'].beta;
      const handEdited = JSON.stringify(edited, null, 2) + '\n';
      writeFileSync(join(workspace, 'libs/acme/plux.json'), handEdited);

      const failed = await nx(['run', `${LIB}:plux-check`], { expectFailure: true });
      expect(failed.status).not.toBe(0);
      expect(checkLine(failed)).not.toContain('cache]');
      expect(failed.output).toContain(
        '@plux/nx: libs/acme/plux.json is stale (added e2e.things:beta); run "nx run @e2e/acme:plux-discover" and commit it',
      );
      expect(file('libs/acme/plux.json')).toBe(handEdited);

      const refused = await nx(['run', DISCOVER, '--check'], { expectFailure: true });
      expect(refused.output).toContain('Run "nx run @e2e/acme:plux-check" instead.');

      await nx(['run', DISCOVER]);
      expect(Object.keys(index().plugins['e2e.things'])).toEqual(['alpha', 'beta']);
    },
  );

  it("editing the executor's source invalidates the cache", { timeout: STEP_TIMEOUT }, async () => {
    appendFileSync(join(workspace, 'libs/plux-nx/src/executors/discover/executor.ts'), '\n// e2e: edited\n');

    const run = await nx(['run', DISCOVER]);

    expect(discoverLine(run)).not.toContain('cache]');
    expect(run.output).toMatch(
      /@plux\/nx: libs\/acme\/plux\.json lists 3 plugins from \d+ modules, unchanged/,
    );
  });

  it(
    "editing @plux/core's source rebuilds it and invalidates the cache",
    { timeout: STEP_TIMEOUT },
    async () => {
      appendFileSync(join(workspace, 'libs/plux-core/src/build/run-discover.ts'), '\n// e2e: edited\n');

      const run = await nx(['run', DISCOVER]);

      expect(run.output).toMatch(/nx run @plux\/core:build\s*\n/);
      expect(discoverLine(run)).not.toContain('cache]');
    },
  );

  it(
    'indexes an ESM package with no build target whose module uses top-level await',
    { timeout: STEP_TIMEOUT },
    async () => {
      const run = await nx(['run', '@e2e/plain:plux-discover']);

      expect(run.output).toContain(
        '@plux/nx: libs/plain/plux.json lists 1 plugin from 1 module; discovery changed the index it found:',
      );
      expect(JSON.parse(file('libs/plain/plux.json')).plugins).toEqual({
        'e2e.plain': { 'top-level-await': { export: 'tlaPlugin', module: './src/index.js' } },
      });
    },
  );

  it(
    'the generator refuses to overwrite a plugin, with a message prefixed @plux/nx:',
    { timeout: STEP_TIMEOUT },
    async () => {
      const run = await nx(['g', 'plux:plugin', 'alpha', `--project=${LIB}`, '--namespace=e2e.things'], {
        expectFailure: true,
      });

      expect(run.status).not.toBe(0);
      expect(run.output).toContain('@plux/nx: libs/acme/src/plugins/alpha.ts already exists');
    },
  );

  it(
    'the generator refuses a namespace:name another library declares, naming it and its index',
    { timeout: STEP_TIMEOUT },
    async () => {
      const run = await nx(
        ['g', '@plux/nx:plugin', 'alpha', '--project=@e2e/plain', '--namespace=e2e.things'],
        {
          expectFailure: true,
        },
      );

      expect(run.status).not.toBe(0);
      expect(run.output).toContain(
        '@plux/nx: @e2e/acme already declares the plugin e2e.things:alpha (in libs/acme/plux.json)',
      );
    },
  );

  it(
    'init runs with no options, as nx add runs it, and finds plux set up',
    { timeout: STEP_TIMEOUT },
    async () => {
      const run = await nx(['g', '@plux/nx:init']);

      expect(run.output).toContain('@plux/nx: plux is already set up here. Next: "nx g plux:plugin <name>');
    },
  );

  it('--dry-run shows the changes and writes nothing', { timeout: STEP_TIMEOUT }, async () => {
    const run = await nx([
      'g',
      'plux:plugin',
      'delta',
      `--project=${LIB}`,
      '--namespace=e2e.things',
      '--dry-run',
    ]);

    expect(run.output).toContain('CREATE libs/acme/src/plugins/delta.ts');
    expect(run.output).toContain('@plux/nx: would add the class plugin e2e.things:delta');
    expect(run.output).not.toContain('@plux/nx: added');
    expect(existsSync(join(workspace, 'libs/acme/src/plugins/delta.ts'))).toBe(false);
    expect(file('libs/acme/src/index.ts')).not.toContain('delta');
  });

  it('nx list plux shows the generators and the executor', { timeout: STEP_TIMEOUT }, async () => {
    const run = await nx(['list', 'plux']);

    expect(run.output).toMatch(/plugin\s*:\s*Add a plux plugin/);
    expect(run.output).toMatch(/init\s*:\s*Set up plux in the workspace/);
    expect(run.output).toMatch(/discover\s*:\s*Find the plux plugins/);
  });

  it(
    'the cache is portable: a clone at another path with a copy of .nx/cache hits it, same bytes',
    { timeout: STEP_TIMEOUT },
    async () => {
      const clone = cloneWorkspace(workspace);
      clones.push(clone);
      copyCache(workspace, clone);

      const run = await nx(['run', DISCOVER], { cwd: clone, remote: false });

      expect(run.output).toMatch(/Cache:\s+3\/3 hit/);
      expect(discoverLine(run)).toContain('[local cache]');
      expect(file('libs/acme/plux.json', clone)).toBe(file('libs/acme/plux.json'));
    },
  );

  it(
    'the cache is portable through a remote cache too (what distributed execution relies on)',
    { timeout: STEP_TIMEOUT },
    async () => {
      const clone = cloneWorkspace(workspace);
      clones.push(clone);

      const run = await nx(['run', DISCOVER], { cwd: clone });

      expect(remote.stored.size).toBeGreaterThan(0);
      expect(discoverLine(run)).toContain('[remote cache]');
      expect(file('libs/acme/plux.json', clone)).toBe(file('libs/acme/plux.json'));
    },
  );

  describe('a team sharing the remote cache across dependent plugin projects', () => {
    let clone: string;
    /** The remote cache entries the team's first run-many stored (other steps store test output, paths and all). */
    let teamEntries: string[] = [];

    it(
      'run-many -t plux-discover over projects that depend on each other fills the remote cache',
      { timeout: TEAM_STEP_TIMEOUT },
      async () => {
        writeTeamProjects(workspace);
        const stored = new Set(remote.stored.keys());

        const run = await nx(['run-many', '-t', 'plux-discover', `--projects=${TEAM_GLOB}`]);
        teamEntries = [...remote.stored.keys()].filter((hash) => !stored.has(hash));

        expect(teamTasks(run), run.output).toEqual(
          Object.fromEntries(TEAM.map(({ name }) => [`@e2e/${name}:plux-discover`, 'ran'])),
        );
        for (const { name } of TEAM) {
          expect(JSON.parse(file(`libs/${name}/plux.json`)).plugins['e2e.team']).toEqual({
            [`${name}-first`]: { export: 'firstPlugin', module: './src/first.js' },
            [`${name}-second`]: { export: 'secondPlugin', module: './src/second.js' },
          });
        }
      },
    );

    it(
      'a clone at another path restores every task from the remote cache, byte-identical, with no absolute path',
      { timeout: TEAM_STEP_TIMEOUT },
      async () => {
        clone = cloneWorkspace(workspace);
        clones.push(clone);

        const run = await nx(['run-many', '-t', 'plux-discover', `--projects=${TEAM_GLOB}`], {
          cwd: clone,
        });

        expect(Object.values(teamTasks(run)), run.output).toEqual(TEAM.map(() => 'remote cache'));
        expect(run.output).toMatch(/Cache:\s+(\d+)\/\1 hit/);
        for (const { name } of TEAM) {
          const restored = file(`libs/${name}/plux.json`, clone);
          expect(restored).toBe(file(`libs/${name}/plux.json`));
          expect(restored).not.toContain(workspace);
          expect(restored).not.toMatch(/"module": "\//);
        }
        // What the team shares: no entry the discovery tasks stored names the machine's paths.
        expect(teamEntries.length).toBeGreaterThanOrEqual(TEAM.length);
        for (const hash of teamEntries) {
          const bytes = unpacked(remote.stored.get(hash)!);
          expect(bytes.includes(workspace), `remote entry ${hash} holds ${workspace}`).toBe(false);
          expect(bytes.includes(tmpdir() + '/'), `remote entry ${hash} holds a temp path`).toBe(false);
        }
      },
    );

    it(
      'editing one project in the clone misses exactly that project and its dependents',
      { timeout: TEAM_STEP_TIMEOUT },
      async () => {
        appendFileSync(join(clone, 'libs/team-base/src/first.js'), '\n// edited in the clone\n');
        const before = snapshot(clone);

        const run = await nx(['run-many', '-t', 'plux-discover', `--projects=${TEAM_GLOB}`], {
          cwd: clone,
        });

        expect(teamTasks(run), run.output).toEqual({
          '@e2e/team-base:plux-discover': 'ran',
          '@e2e/team-mid:plux-discover': 'ran',
          '@e2e/team-top:plux-discover': 'ran',
          '@e2e/team-solo:plux-discover': 'local cache',
        });
        expect(everyTask(run)).toMatchObject({ '@plux/core:build': expect.stringMatching(/cache/) });
        // What distributed execution needs: no write outside the declared outputs. No file appeared or vanished,
        // and only indexes changed (Nx rewrites a cache hit's outputs when it restores them).
        const after = snapshot(clone);
        expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
        const changed = Object.keys(after).filter((path) => after[path] !== before[path]);
        expect(
          changed.every((path) => path.endsWith('/plux.json')),
          changed.join(', '),
        ).toBe(true);
      },
    );
  });

  // Last: the registry it writes lands in the lib's src/, which earlier steps hash.
  it(
    'nx run <lib>:plux-types writes the typed registry from the index, and restores it from the cache',
    { timeout: STEP_TIMEOUT },
    async () => {
      const types = `${LIB}:plux-types`;
      const registry = 'libs/acme/src/plux-registry.d.ts';
      const typesLine = (run: NxRun) =>
        run.output.split('\n').find((l) => l.includes(`nx run ${types}`)) ?? '';

      const first = await nx(['run', types]);
      expect(typesLine(first)).not.toContain('cache]');
      const written = file(registry);
      expect(written).toContain(`"alpha": InferPlugin<typeof import("@e2e/acme")["AlphaPlugin"]>;`);

      rmSync(join(workspace, registry));
      const again = await nx(['run', types]);
      expect(typesLine(again)).toContain('[local cache]');
      expect(file(registry)).toBe(written);
    },
  );
});

/**
 * Copies `.nx/cache` and, beside it, the cache's metadata database: since Nx 20 the local cache restores only
 * artifacts it has records of, and warns "Unrecognized Cache Artifacts" about a bare copied folder.
 */
function copyCache(from: string, to: string): void {
  mkdirSync(join(to, '.nx/workspace-data'), { recursive: true });
  copyDir(join(from, '.nx/cache'), join(to, '.nx/cache'));
  for (const name of readdirSync(join(from, '.nx/workspace-data'))) {
    if (name.endsWith('.db'))
      copyFileSync(join(from, '.nx/workspace-data', name), join(to, '.nx/workspace-data', name));
  }
}

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyDir(join(from, entry.name), join(to, entry.name));
    else copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}

/**
 * Plugin projects of a team, with dependencies between them (`team-top` → `team-mid` → `team-base`) and one on its
 * own: plain ESM packages (no build target), two plugins in two modules each.
 */
const TEAM = [
  { name: 'team-base', deps: [] },
  { name: 'team-mid', deps: ['team-base'] },
  { name: 'team-top', deps: ['team-mid'] },
  { name: 'team-solo', deps: [] },
];
const TEAM_GLOB = '@e2e/team-*';

function writeTeamProjects(root: string): void {
  for (const { name, deps } of TEAM) {
    const dir = join(root, 'libs', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const dependencies = Object.fromEntries([['@plux/core', '*'], ...deps.map((d) => [`@e2e/${d}`, '*'])]);
    const pkg = {
      name: `@e2e/${name}`,
      version: '1.0.0',
      type: 'module',
      exports: './src/index.js',
      plux: './plux.json',
      dependencies,
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    writeFileSync(join(dir, 'src/index.js'), "export * from './first.js';\nexport * from './second.js';\n");
    for (const which of ['first', 'second']) {
      writeFileSync(
        join(dir, 'src', `${which}.js`),
        `import { PluginSpec } from '@plux/core';\n\n` +
          `export const ${which}Plugin = new PluginSpec('e2e.team', '${name}-${which}', () => ({}));\n`,
      );
    }
  }
}

/** Every file of a workspace (but node_modules, .nx and build outputs) with its size and modification time. */
function snapshot(root: string, dir = root, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.nx', 'dist'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(root, path, out);
    else {
      const { size, mtimeMs } = statSync(path);
      out[path.slice(root.length + 1)] = `${size} ${mtimeMs}`;
    }
  }
  return out;
}

/** Every task nx listed, and how it got its result: `ran`, `local cache`, `remote cache`, … */
function everyTask(run: NxRun): Record<string, string> {
  const tasks: Record<string, string> = {};
  for (const match of run.output.matchAll(/^\s*(?:>|✔|✖|×)?\s*nx run (\S+?)(?:\s+\[([^\]]+)\])?\s*$/gm)) {
    tasks[match[1]!] = match[2] ?? 'ran';
  }
  return tasks;
}

/** The team projects' plux-discover tasks of a run, in TEAM's order. */
function teamTasks(run: NxRun): Record<string, string> {
  const tasks = everyTask(run);
  return Object.fromEntries(
    TEAM.map(({ name }) => `@e2e/${name}:plux-discover`).map((task) => [task, tasks[task] ?? 'absent']),
  );
}

/** A remote cache entry as bytes to search: Nx uploads a gzipped tar; a plain body is searched as it is. */
function unpacked(body: Buffer): string {
  try {
    return gunzipSync(body).toString('latin1');
  } catch {
    return body.toString('latin1');
  }
}
