/**
 * The published declarations of `@plux/core` and `@plux/core/build`, compiled the way a user's project compiles
 * them: the tarball `npm pack` makes is installed into a temp project together with TypeScript 5.9, 6.0 and 7.0
 * from the registry, and each TypeScript checks a consumer of the public API with the tsconfig its own
 * `tsc --init` writes (strict, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`), `skipLibCheck` off, with
 * and without `@types/node`, in a `module: nodenext` and a `module: preserve` + `moduleResolution: bundler` project.
 *
 * Why install at test time instead of pinning the three as devDependencies: only this spec needs them, and they
 * weigh about 70 MB (TypeScript 7 is a native binary) that every `npm ci` of the repository would otherwise fetch.
 * The versions are exact, so the run is the same every time; npm's cache makes later runs fast. One install holds
 * all three (npm aliases), and the matrix runs inside it.
 *
 * Typed namespaces get the same three compilers: the packed CLI's `plux discover` and `plux types` index the
 * `typed-workspace` fixture and write its `PluginRegistry` augmentation, and each TypeScript compiles the fixture's
 * consumer (`packages/app/src/app.ts`, the file `cli-types.spec.ts` compiles with the repository's TypeScript)
 * against it, its `@ts-expect-error` lines included: a wrong name that stopped being an error fails the compile.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CORE_ROOT, ensureCoreBuilt, FIXTURES } from './support/core.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

/** The TypeScript releases users have: 5.9 (the last JavaScript compiler), 6.0 (Nx 23's preset), 7.0 (native). */
const TYPESCRIPT = { '5.9': '5.9.3', '6.0': '6.0.3', '7.0': '7.0.2' } as const;
type Version = keyof typeof TYPESCRIPT;
/** `@types/node` as create-nx-workspace 23 installs it. */
const TYPES_NODE = '22';

const MODES = {
  nodenext: { options: { module: 'nodenext' }, files: ['consumer.mts', 'consumer-cjs.cts'] },
  bundler: { options: { module: 'preserve', moduleResolution: 'bundler' }, files: ['consumer.mts'] },
} as const;
type Mode = keyof typeof MODES;

const FIXTURE = join(FIXTURES, 'published-types');
/** The module modes a typed-namespace consumer compiles in; `bundler` also reads the `exports` maps, differently. */
const TYPED_MODES = ['nodenext', 'bundler'] as const satisfies readonly Mode[];

let root: string;

beforeAll(() => {
  ensureCoreBuilt();
  root = makeTempDir('plux-types-');
  run('npm', ['pack', '--silent', '--pack-destination', root, CORE_ROOT], root);
  const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${root}`);
  const dependencies: Record<string, string> = {
    '@plux/core': `file:./${tarball}`,
    // under another name, so that only the projects that ask for it see it (they link it as @types/node)
    'types-node': `npm:@types/node@${TYPES_NODE}`,
  };
  for (const [version, exact] of Object.entries(TYPESCRIPT))
    dependencies[`ts-${version}`] = `npm:typescript@${exact}`;
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], root);
  // each TypeScript's own `tsc --init`, which every project of that version extends
  for (const version of Object.keys(TYPESCRIPT) as Version[]) {
    const dir = join(root, `init-${version}`);
    mkdirSync(dir);
    run(process.execPath, [tscOf(version), '--init'], dir);
  }
}, 300_000);
afterAll(removeTempDirs, 60_000);

/** The `tsc` of one installed TypeScript (for 7.0, the launcher of its native binary). */
function tscOf(version: Version): string {
  return join(root, 'node_modules', `ts-${version}`, 'bin', 'tsc');
}

/** A consumer project of one cell of the matrix; returns its folder. */
function project(version: Version, mode: Mode, withNode: boolean): string {
  const dir = join(root, 'projects', `${version}-${mode}-${withNode ? 'node' : 'bare'}`);
  mkdirSync(dir, { recursive: true });
  for (const file of MODES[mode].files) copyFileSync(join(FIXTURE, file), join(dir, file));
  if (withNode) {
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(root, 'node_modules', 'types-node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  }
  const tsconfig = {
    extends: relative(dir, join(root, `init-${version}`, 'tsconfig.json')),
    compilerOptions: {
      ...MODES[mode].options,
      noEmit: true,
      skipLibCheck: false,
      types: withNode ? ['node'] : [],
    },
    files: MODES[mode].files,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  return dir;
}

describe('the published types of @plux/core', () => {
  it('are installed from the packed tarball, and @types/node only where a project links it', () => {
    expect(existsSync(join(root, 'node_modules', '@plux', 'core', 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'node_modules', '@plux', 'core', 'dist', 'build', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'node_modules', '@types', 'node'))).toBe(false);
  });

  it('each tsc --init turns on the strict options the matrix is about', () => {
    for (const version of Object.keys(TYPESCRIPT) as Version[]) {
      const written = readFileSync(join(root, `init-${version}`, 'tsconfig.json'), 'utf8');
      // lines that are not commented out
      expect(written, `TypeScript ${version}`).toMatch(/^\s*"exactOptionalPropertyTypes": true/m);
      expect(written, `TypeScript ${version}`).toMatch(/^\s*"strict": true/m);
      expect(written, `TypeScript ${version}`).toMatch(/^\s*"noUncheckedIndexedAccess": true/m);
    }
  });

  it('reach no internal module from the public entries: no cache, no CLI, no Node types', () => {
    const dir = project('5.9', 'nodenext', false);
    const files = run(process.execPath, [tscOf('5.9'), '--listFilesOnly', '-p', dir], dir)
      .split('\n')
      .filter((f) => f.includes('/@plux/core/'))
      .map((f) => f.slice(f.indexOf('/@plux/core/') + '/@plux/core/'.length));
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/build/index.d.ts');
    expect(files.filter((f) => /runtime\/cache|cli\//.test(f))).toEqual([]);
  });
});

// One cell at a time: run side by side, a dozen compilers on a shared 2-core machine starved each other past a
// 5-minute timeout; in sequence each took at most 75 s with the machine's load average at 25.
describe('a consumer of @plux/core and @plux/core/build', () => {
  for (const version of Object.keys(TYPESCRIPT) as Version[]) {
    for (const mode of Object.keys(MODES) as Mode[]) {
      for (const withNode of [false, true]) {
        it(`compiles in a strict ${mode} project under TypeScript ${version} ${withNode ? 'with' : 'without'} @types/node`, async () => {
          const dir = project(version, mode, withNode);
          const { code, output } = await tsc(version, dir);
          expect(output).toBe('');
          expect(code).toBe(0);
        }, 300_000);
      }
    }
  }
});

describe('typed namespaces, with the registry the packed `plux types` writes', () => {
  let app: string;

  beforeAll(() => {
    // the fixture workspace as npm installs it, under the consumer: its `@plux/core` is the packed one above it
    const workspace = join(root, 'typed-workspace');
    cpSync(join(FIXTURES, 'typed-workspace'), workspace, { recursive: true });
    const installed = join(workspace, 'node_modules', 'typed-installed');
    cpSync(join(FIXTURES, 'typed-installed-package'), installed, { recursive: true });
    app = join(workspace, 'packages', 'app');
    const services = join(workspace, 'packages', 'services');
    mkdirSync(join(workspace, 'node_modules', '@typed'));
    symlinkSync(services, join(workspace, 'node_modules', '@typed', 'services'), 'dir');
    symlinkSync(app, join(workspace, 'node_modules', '@typed', 'app'), 'dir');
    const plux = join(root, 'node_modules', '@plux', 'core', 'bin', 'plux.js');
    for (const dir of [services, installed]) run(process.execPath, [plux, 'discover', '--path', 'dist'], dir);
    run(process.execPath, [plux, 'types'], app);
  }, 120_000);

  /**
   * Writes a tsconfig for the app of one TypeScript and mode, compiling `src/app.ts` with or without the generated
   * registry, and returns its path. It sits in the app's folder, so that the app's imports resolve as they do for the app; it extends
   * that version's `tsc --init`, without `@types/node`.
   */
  function appConfig(version: Version, mode: Mode, withRegistry: boolean): string {
    const config = join(app, `tsconfig.${version}-${mode}${withRegistry ? '' : '-no-registry'}.json`);
    const files = withRegistry ? ['src/app.ts', 'src/plux-registry.d.ts'] : ['src/app.ts'];
    const tsconfig = {
      extends: relative(app, join(root, `init-${version}`, 'tsconfig.json')),
      compilerOptions: { ...MODES[mode].options, noEmit: true, skipLibCheck: false, types: [] },
      files,
    };
    writeFileSync(config, JSON.stringify(tsconfig, null, 2));
    return config;
  }

  it('the packed CLI writes the registry: a class, a PluginSpec and a plugin() function, each by its own type', () => {
    const text = readFileSync(join(app, 'src', 'plux-registry.d.ts'), 'utf8');
    expect(text).toContain(`declare module '@plux/core' {`);
    expect(text).toContain(`"s3": InferPlugin<typeof import("@typed/services")["S3Plugin"]>;`);
    expect(text).toContain(`"hello": InferPlugin<typeof import("@typed/services/cli")["hello"]>;`);
    expect(text).toContain(
      `"dynamodb": InferPlugin<typeof import("typed-installed/dist/dynamo.js")["dynamodb"]>;`,
    );
  });

  for (const version of Object.keys(TYPESCRIPT) as Version[]) {
    for (const mode of TYPED_MODES) {
      it(`a strict ${mode} consumer under TypeScript ${version}: namespaces and names inferred, wrong ones are errors`, async () => {
        const config = appConfig(version, mode, true);
        const { code, output } = await tsc(version, config);
        expect(output).toBe('');
        expect(code).toBe(0);
      }, 300_000);
    }

    it(`without the registry, TypeScript ${version} reports the @ts-expect-error lines about names as unused`, async () => {
      const { code, output } = await tsc(version, appConfig(version, 'nodenext', false));
      expect(code).not.toBe(0);
      const source = readFileSync(join(app, 'src', 'app.ts'), 'utf8').split('\n');
      const lineOf = (text: string) => source.findIndex((l) => l.includes(text)) + 1;
      // the registry was what made the wrong names errors, and load('s3') is a plain Plugin without it
      const unused = [...output.matchAll(/app\.ts\((\d+),\d+\): error TS2578: Unused/g)].map((m) =>
        Number(m[1]),
      );
      expect(unused).toEqual([lineOf('is called "nope"'), lineOf('is called "acme.servces"')]);
      expect(output).toMatch(/Property 'bucketName' does not exist on type 'Plugin'/);
    }, 300_000);
  }
});

/**
 * Runs one TypeScript's `tsc -p project` (a folder or a tsconfig file); resolves with its exit code and everything
 * it printed.
 */
function tsc(version: Version, project: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [tscOf(version), '-p', project], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

function run(command: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
  // the test runner's own npm settings (workspace flags, the repository's lockfile) must not leak in
  for (const name of Object.keys(env)) if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${cwd}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}
