import { logger, type ExecutorContext, type TargetConfiguration } from '@nx/devkit';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PLUX_NX_ROOT } from '../../utils/plux-packages';
import discoverExecutor from './executor';
import type { DiscoverExecutorSchema } from './schema';

const FIXTURE = join(__dirname, '../../../test/fixtures/esm-package');
const CORE = join(PLUX_NX_ROOT, '../plux-core');

/** The index the fixture's modules give, with the broken module left out. */
const EXPECTED_INDEX = {
  formatVersion: 1,
  plugins: {
    'fixture.cli': { deploy: { export: 'deploy', module: './lib/commands.js' } },
    'fixture.services': {
      s3: { export: 'S3Plugin', module: './lib/services.js' },
      sqs: { export: 'SqsPlugin', module: './lib/services.js' },
    },
  },
};

describe('discover executor', () => {
  let workspace: string;
  let messages: { level: string; text: string }[];

  beforeEach(() => {
    // A workspace with the fixture as project "services" at pkg/, and @plux/core installed as a link.
    workspace = mkdtempSync(join(tmpdir(), 'plux-nx-executor-'));
    cpSync(FIXTURE, join(workspace, 'pkg'), { recursive: true });
    mkdirSync(join(workspace, 'node_modules/@plux'), { recursive: true });
    symlinkSync(CORE, join(workspace, 'node_modules/@plux/core'), 'dir');
    messages = [];
    for (const level of ['info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation(
        (text: unknown) => void messages.push({ level, text: String(text) }),
      );
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(workspace, { recursive: true, force: true });
  });

  function run(
    options: DiscoverExecutorSchema = {},
    projectName = 'services',
    targetName = 'plux-discover',
    targets: Record<string, TargetConfiguration> = {},
  ) {
    const context = {
      root: workspace,
      cwd: workspace,
      isVerbose: false,
      projectName,
      targetName,
      projectsConfigurations: { version: 2, projects: { services: { root: 'pkg', targets } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as unknown as ExecutorContext;
    return discoverExecutor(options, context);
  }
  const index = (file = 'pkg/plux.json') => JSON.parse(readFileSync(join(workspace, file), 'utf8'));
  const said = (level: string) => messages.filter((m) => m.level === level).map((m) => m.text);

  it('writes the index of an ESM package, loading a module with top-level await', async () => {
    const result = await run({ exclude: ['internal/**'] });

    expect(result).toEqual({ success: true });
    expect(index()).toEqual(EXPECTED_INDEX);
    expect(said('info')).toEqual([
      '@plux/nx: pkg/plux.json lists 3 plugins from 3 modules; discovery changed the index it found:',
      '@plux/nx:   added fixture.cli:deploy (./lib/commands.js#deploy)',
      '@plux/nx:   added fixture.services:s3 (./lib/services.js#S3Plugin)',
      '@plux/nx:   added fixture.services:sqs (./lib/services.js#SqsPlugin)',
    ]);
  });

  it('leaves an up-to-date index untouched', async () => {
    await run({ exclude: ['internal/**'] });
    const before = statSync(join(workspace, 'pkg/plux.json')).mtimeMs;

    expect(await run({ exclude: ['internal/**'] })).toEqual({ success: true });

    expect(statSync(join(workspace, 'pkg/plux.json')).mtimeMs).toBe(before);
    expect(said('info').at(-1)).toBe('@plux/nx: pkg/plux.json lists 3 plugins from 3 modules, unchanged');
  });

  describe('says what changed, as the state it left (true again when Nx replays it from the cache)', () => {
    const write = (content: string) => writeFileSync(join(workspace, 'pkg/plux.json'), content);

    it('names the plugins removed and changed', async () => {
      await run({ exclude: ['internal/**'] });
      const edited = structuredClone(EXPECTED_INDEX);
      edited.plugins['fixture.services'].s3.export = 'OldS3';
      write(JSON.stringify(edited));

      await run({ exclude: ['internal/**', 'commands.js', 'index.js'] });

      expect(said('info').slice(-3)).toEqual([
        '@plux/nx: pkg/plux.json lists 2 plugins from 1 module; discovery changed the index it found:',
        '@plux/nx:   removed fixture.cli:deploy',
        '@plux/nx:   changed fixture.services:s3 (./lib/services.js#S3Plugin)',
      ]);
    });

    it('tells a reformatted index (same plugins) from a new one without plugins', async () => {
      write(JSON.stringify(EXPECTED_INDEX));
      await run({ exclude: ['internal/**'] });
      expect(said('info').at(-1)).toBe(
        '@plux/nx: pkg/plux.json lists 3 plugins from 3 modules; discovery reformatted the index it found (same plugins)',
      );

      await run({ include: ['nothing/**'], output: 'empty.json' });
      expect(said('info').at(-1)).toBe(
        '@plux/nx: pkg/empty.json lists 0 plugins from 0 modules; discovery created it',
      );
    });

    it('never says "wrote", which a cache replay would repeat without writing', async () => {
      await run({ exclude: ['internal/**'] });
      await run({ exclude: ['internal/**'] });

      expect(said('info').join('\n')).not.toMatch(/\bwr(o|i)te/);
    });
  });

  it('reports a module that throws on import, and still writes the rest of the index', async () => {
    expect(await run()).toEqual({ success: true });

    expect(index()).toEqual(EXPECTED_INDEX);
    expect(said('warn')).toContainEqual(
      expect.stringMatching(
        /^@plux\/nx: skipped \.\/lib\/internal\/broken\.js, it threw on import: .*controlled import failure/,
      ),
    );
  });

  it('fails with strict when a module throws on import, naming it, and writes nothing', async () => {
    expect(await run({ strict: true })).toEqual({ success: false });

    expect(existsSync(join(workspace, 'pkg/plux.json'))).toBe(false);
    expect(said('error')[0]).toBe('@plux/nx: discovery failed for services:');
    expect(said('error').join('\n')).toMatch(/broken\.js.*controlled import failure/s);
  });

  it('fails naming a module that calls process.exit() on import, and the process running Nx goes on', async () => {
    writeFileSync(join(workspace, 'pkg/lib/quit.js'), 'process.exit(0);\n');

    expect(await run({ exclude: ['internal/**'] })).toEqual({ success: false });

    expect(existsSync(join(workspace, 'pkg/plux.json'))).toBe(false);
    expect(said('error').join('\n')).toContain(
      './lib/quit.js: process.exit(0) was called while it was imported',
    );
  });

  it('fails naming a module whose import does not settle within importTimeout', async () => {
    writeFileSync(join(workspace, 'pkg/lib/stall.js'), 'await new Promise(() => {});\n');

    expect(await run({ exclude: ['internal/**'], importTimeout: 200 })).toEqual({ success: false });

    expect(said('error').join('\n')).toContain('./lib/stall.js: its import did not settle within 200 ms');
  });

  it('imports only the included modules', async () => {
    await run({ include: ['services.js'] });

    expect(Object.keys(index().plugins)).toEqual(['fixture.services']);
  });

  it('scans the folder given as path', async () => {
    mkdirSync(join(workspace, 'pkg/other'));
    cpSync(join(workspace, 'pkg/lib/services.js'), join(workspace, 'pkg/other/services.js'));

    await run({ path: 'other' });

    expect(index().plugins['fixture.services'].s3).toEqual({
      export: 'S3Plugin',
      module: './other/services.js',
    });
  });

  it('fails with a readable message when the scanned folder does not exist', async () => {
    expect(await run({ path: 'missing' })).toEqual({ success: false });

    expect(said('error')[0]).toBe('@plux/nx: discovery failed for services:');
    expect(said('error').slice(1).join('\n')).toMatch(/missing/);
  });

  it('writes the index where package.json points by default, or to output', async () => {
    const pkgPath = join(workspace, 'pkg/package.json');
    writeFileSync(
      pkgPath,
      JSON.stringify({ ...JSON.parse(readFileSync(pkgPath, 'utf8')), plux: './meta/index.json' }),
    );

    await run({ exclude: ['internal/**'] });
    expect(index('pkg/meta/index.json')).toEqual(EXPECTED_INDEX);

    await run({ exclude: ['internal/**'], output: 'elsewhere.json' });
    expect(index('pkg/elsewhere.json')).toEqual(EXPECTED_INDEX);
  });

  describe('check', () => {
    it('fails on a stale index, naming the difference and the fix, and writes nothing', async () => {
      await run({ include: ['services.js'] });
      const stale = readFileSync(join(workspace, 'pkg/plux.json'), 'utf8');

      expect(await run({ exclude: ['internal/**'], check: true })).toEqual({ success: false });

      expect(readFileSync(join(workspace, 'pkg/plux.json'), 'utf8')).toBe(stale);
      expect(said('error')).toEqual([
        '@plux/nx: pkg/plux.json is stale (added fixture.cli:deploy); run "nx run services:plux-discover" and commit it',
      ]);
    });

    it('names the discover target as the fix when run from the check target', async () => {
      await run({ include: ['services.js'] });

      const targets = {
        index: { executor: '@plux/nx:discover', outputs: ['{projectRoot}/plux.json'] },
        lint: { executor: '@plux/nx:discover', options: { check: true }, outputs: [] },
      };
      expect(await run({ exclude: ['internal/**'], check: true }, 'services', 'lint', targets)).toEqual({
        success: false,
      });
      expect(said('error').at(-1)).toContain('run "nx run services:index" and commit it');
    });

    it('refuses --check on a target whose outputs are the index (its cache would answer), naming plux-check', async () => {
      await run({ exclude: ['internal/**'] });
      const targets = {
        'plux-discover': { executor: '@plux/nx:discover', outputs: ['{projectRoot}/plux.json'] },
        'plux-check': { executor: '@plux/nx:discover', options: { check: true }, outputs: [] },
      };

      expect(
        await run({ exclude: ['internal/**'], check: true }, 'services', 'plux-discover', targets),
      ).toEqual({
        success: false,
      });
      expect(said('error')).toEqual([
        '@plux/nx: --check does not belong on services:plux-discover, whose outputs include pkg/plux.json: ' +
          'Nx would answer it from the cache without looking at the index. Run "nx run services:plux-check" instead.',
      ]);
    });

    it('passes on an up-to-date index', async () => {
      await run({ exclude: ['internal/**'] });

      expect(await run({ exclude: ['internal/**'], check: true })).toEqual({ success: true });
      expect(said('info').at(-1)).toBe('@plux/nx: pkg/plux.json is up to date');
    });
  });

  it('fails, saying how to run it, without a project', async () => {
    expect(await run({}, 'unknown')).toEqual({ success: false });

    expect(said('error')).toEqual([
      '@plux/nx: the discover executor needs a project; run it as "nx run <project>:plux-discover"',
    ]);
  });

  it('names the target it ran as in that message, where nx.json gives the target another name', async () => {
    expect(await run({}, 'unknown', 'index')).toEqual({ success: false });

    expect(said('error')).toEqual([
      '@plux/nx: the discover executor needs a project; run it as "nx run <project>:index"',
    ]);
  });
});
