/**
 * examples/acme is a real project: copied outside the repository, it is installed, built, indexed and run by the
 * commands of its README, verbatim, with @plux/core named by version range as a user's project names it. The test
 * supplies the tarballs `npm pack` makes for that range (npm `overrides`, pnpm `overrides`, yarn `resolutions`; the
 * rest comes from the npm registry). npm runs every command; pnpm and yarn install the built copy, list and load
 * its plugins, and add the @plux/nx tarball, whose peer dependency on @plux/core the installed tarball meets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = join(REPO, 'examples/acme');
const PNPM = join(REPO, 'node_modules/pnpm/bin/pnpm.cjs');
const YARN = join(REPO, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js');

/** What `npm start` prints, as the example's README shows it. */
const APP_OUTPUT = [
  "[ 'queue', 's3' ]",
  'loaded acme.services:s3',
  's3 GET /: default-eu-west-1',
  '@acme/services@1.2.0',
  'loaded acme.services:queue',
  'queue ping (max 100)',
  's3 ping: default-eu-west-1',
  'hello world',
];

/** The fenced blocks of `lang` in a markdown section (from `heading` to the next heading of the same level). */
function blocks(file: string, heading: string, lang: string): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section "${heading}"`);
  const level = /^#+/.exec(heading)![0];
  const end = text.indexOf(`\n${level} `, start + heading.length);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The shell commands of the example README's "Run it" block, one per line, comments removed. */
function readmeCommands(): string[] {
  const [block] = blocks(join(EXAMPLE, 'README.md'), '## Run it', 'sh');
  return block!
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

let tmp: string;
const tarballs = { core: '', nx: '' };

/** A clean environment for a package manager run outside this repository (none of npm's run-script variables). */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|NX_)/i.test(key) || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
    clean[key] = value;
  }
  return { ...clean, CI: '1', NO_COLOR: '1', PLUX_NO_CACHE: '1', COREPACK_ENABLE_STRICT: '0', ...extra };
}

function sh(command: string, cwd: string, extra: Record<string, string> = {}) {
  const run = spawnSync('sh', ['-c', command], { cwd, env: env(extra), encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0) {
    throw new Error(
      `\`${command}\` failed (${run.status ?? run.signal}) in ${cwd}:\n${run.stdout}\n${run.stderr}`,
    );
  }
  return { stdout: run.stdout, stderr: run.stderr };
}

/** A copy of examples/acme in the temp folder, without anything a build in the repository may have left. */
function copyExample(to: string, from = EXAMPLE): string {
  cpSync(from, to, {
    recursive: true,
    filter: (path) => !/[\\/](node_modules|package-lock\.json)$/.test(path) && !path.endsWith('.tgz'),
  });
  return to;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'plux-example-')));
  const packs = join(tmp, 'tarballs');
  mkdirSync(packs);
  if (
    !existsSync(join(REPO, 'libs/plux-core/dist/index.js')) ||
    !existsSync(join(REPO, 'libs/plux-nx/dist'))
  ) {
    execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', '@plux/core', '@plux/nx'], {
      cwd: REPO,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }
  execFileSync(
    'npm',
    [
      'pack',
      '--silent',
      '--pack-destination',
      packs,
      join(REPO, 'libs/plux-core'),
      join(REPO, 'libs/plux-nx/dist'),
    ],
    {
      cwd: REPO,
      env: env(),
    },
  );
  tarballs.core = join(packs, 'plux-core-0.1.0.tgz');
  tarballs.nx = join(packs, 'plux-nx-0.1.0.tgz');
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }), 60_000);

describe('examples/acme', () => {
  it("is the README's worked example: the same files and the same commands", () => {
    const [services, app] = blocks(join(REPO, 'README.md'), '## A worked example', 'ts');
    expect(services).toBe(readFileSync(join(EXAMPLE, 'packages/services/src/services.ts'), 'utf8'));
    expect(app).toBe(readFileSync(join(EXAMPLE, 'packages/app/src/main.ts'), 'utf8'));
    const [commands] = blocks(join(REPO, 'README.md'), '## A worked example', 'sh');
    expect(commands).toBe(blocks(join(EXAMPLE, 'README.md'), '## Run it', 'sh')[0]);
  });

  it('names @plux/core by version range, as a user project does', () => {
    for (const file of ['packages/services/package.json', 'packages/app/package.json']) {
      const pkg = JSON.parse(readFileSync(join(EXAMPLE, file), 'utf8')) as Record<
        string,
        Record<string, string>
      >;
      const range = pkg['dependencies']?.['@plux/core'] ?? pkg['devDependencies']?.['@plux/core'];
      expect(range, file).toBe('^0.1.0');
    }
  });
});

describe('examples/acme with npm, by the commands of its README', () => {
  let root: string;
  const out: Record<string, { stdout: string; stderr: string }> = {};

  beforeAll(() => {
    root = copyExample(join(tmp, 'npm'));
    // the only change a user makes while @plux/core is not on the registry (docs/install.md)
    editJson(
      join(root, 'package.json'),
      (pkg) => (pkg['overrides'] = { '@plux/core': `file:${tarballs.core}` }),
    );
    for (const command of readmeCommands()) out[command] = sh(command, root);
  }, 300_000);

  it('runs seven commands: install, build, index, start, list, resolve, resolve --load', () => {
    expect(Object.keys(out).map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'npm install',
      'npm run build',
      'npm run index',
      'npm start',
      'npx plux list',
      'npx plux resolve',
      'npx plux resolve',
    ]);
  });

  it('installs @plux/core from the tarball for the range ^0.1.0, and builds both packages', () => {
    const core = JSON.parse(readFileSync(join(root, 'node_modules/@plux/core/package.json'), 'utf8'));
    expect(core.version).toBe('0.1.0');
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; version?: string }>;
    };
    expect(lock.packages['node_modules/@plux/core']?.version).toBe('0.1.0');
    expect(realpathSync(join(root, 'node_modules/@plux/core'))).toBe(join(root, 'node_modules/@plux/core'));
    expect(existsSync(join(root, 'packages/services/dist/services.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'packages/app/dist/main.js'))).toBe(true);
  });

  it('indexes the three plugins into packages/services/plux.json', () => {
    const index = JSON.parse(readFileSync(join(root, 'packages/services/plux.json'), 'utf8'));
    expect(index).toEqual({
      formatVersion: 1,
      plugins: {
        'acme.cli': { hello: { export: 'hello', module: './dist/services.js' } },
        'acme.services': {
          queue: { export: 'queue', module: './dist/services.js' },
          s3: { export: 'S3Plugin', module: './dist/services.js' },
        },
      },
    });
    expect(out['npm run index']!.stderr).toContain('wrote plux.json: 3 plugins in 2 namespaces');
  });

  it('runs the app, which prints what the README says', () => {
    expect(out['npm start']!.stdout.trim().split('\n').slice(-APP_OUTPUT.length)).toEqual(APP_OUTPUT);
  });

  it('lists the plugins and resolves acme.services without a failure', () => {
    const list = out['npx plux list']!.stdout;
    for (const name of ['hello', 'queue', 's3'])
      expect(list).toMatch(new RegExp(`\\b${name}\\s+@acme/services@1\\.2\\.0`));
    const [resolved, loaded] = Object.entries(out)
      .filter(([c]) => c.startsWith('npx plux resolve'))
      .map(([, result]) => result.stdout);
    expect(resolved).toMatch(
      /^queue\s+resolved\s+@acme\/services@1\.2\.0\s+PluginSpec\(acme\.services:queue/m,
    );
    expect(resolved).toMatch(
      /^s3\s+resolved\s+@acme\/services@1\.2\.0\s+PluginSpec\(acme\.services:s3 = S3Plugin\)/m,
    );
    expect(loaded).toMatch(/^queue\s+loaded\s+@acme\/services@1\.2\.0/m);
    expect(loaded).toMatch(/^s3\s+loaded\s+@acme\/services@1\.2\.0/m);
  });
});

/** The npm-built copy (dist/ and plux.json included) for the other package managers to install and run. */
function builtCopy(name: string): string {
  const npmRoot = join(tmp, 'npm');
  const root = copyExample(join(tmp, name), npmRoot);
  rmSync(join(root, 'package.json'));
  cpSync(join(EXAMPLE, 'package.json'), join(root, 'package.json'));
  return root;
}

function expectSameCore(root: string): void {
  // the Nx plugin's peer dependency is met by the workspace's own @plux/core, one copy
  const nxDir = realpathSync(join(root, 'node_modules/@plux/nx'));
  const coreOfNx = execFileSync(
    process.execPath,
    ['-p', "require('path').dirname(require.resolve('@plux/core/package.json'))"],
    { cwd: nxDir, encoding: 'utf8' },
  ).trim();
  expect(realpathSync(coreOfNx)).toBe(realpathSync(join(root, 'node_modules/@plux/core')));
}

describe('examples/acme with pnpm (pnpm-workspace.yaml, as docs/install.md says)', () => {
  let root: string;
  let list: string;
  const pnpm = (args: string, cwd: string) =>
    sh(`"${process.execPath}" "${PNPM}" ${args}`, cwd, { npm_config_store_dir: join(tmp, 'pnpm-store') });

  beforeAll(() => {
    root = builtCopy('pnpm');
    writeFileSync(
      join(root, 'pnpm-workspace.yaml'),
      [
        'packages:',
        '  - packages/*',
        'linkWorkspacePackages: true',
        'overrides:',
        `  '@plux/core': 'file:${tarballs.core}'`,
        '',
      ].join('\n'),
    );
    pnpm('install', root);
    const listed = pnpm('--filter @acme/services exec plux list', root);
    list = listed.stdout + listed.stderr;
    // both tarballs in one command, as docs/install.md says; nx itself is left out (a real Nx workspace has it)
    pnpm(`add -D -w "${tarballs.core}" "${tarballs.nx}" --config.auto-install-peers=false`, root);
  }, 300_000);

  it('installs @plux/core from the tarball and links the workspace package', () => {
    expect(realpathSync(join(root, 'node_modules/@plux/core'))).toContain(`${join('node_modules', '.pnpm')}`);
    expect(realpathSync(join(root, 'packages/app/node_modules/@acme/services'))).toBe(
      join(root, 'packages/services'),
    );
  });

  it('lists and loads the plugins', () => {
    for (const name of ['hello', 'queue', 's3'])
      expect(list).toMatch(new RegExp(`\\b${name}\\s+@acme/services@1\\.2\\.0`));
    expect(sh(`node packages/app/dist/main.js`, root).stdout.trim().split('\n')).toEqual(APP_OUTPUT);
  });

  it('adds the @plux/nx tarball: its peer @plux/core is the installed one', () => {
    expectSameCore(root);
  });
});

describe('examples/acme with yarn 4 (nodeLinker: node-modules, as docs/install.md says)', () => {
  let root: string;
  let list: string;
  const yarnEnv = () => ({
    YARN_ENABLE_GLOBAL_CACHE: 'false',
    YARN_CACHE_FOLDER: join(tmp, 'yarn-cache'),
    YARN_GLOBAL_FOLDER: join(tmp, 'yarn-global'),
    YARN_ENABLE_TELEMETRY: 'false',
    // CI=1 makes yarn refuse to write a lockfile; this install creates one
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  });
  const yarn = (args: string, cwd: string) => sh(`"${process.execPath}" "${YARN}" ${args}`, cwd, yarnEnv());

  beforeAll(() => {
    root = builtCopy('yarn');
    editJson(
      join(root, 'package.json'),
      (pkg) => (pkg['resolutions'] = { '@plux/core': `file:${tarballs.core}` }),
    );
    writeFileSync(join(root, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    writeFileSync(join(root, 'yarn.lock'), '');
    yarn('install', root);
    const listed = yarn('workspace @acme/services plux list', root);
    list = listed.stdout + listed.stderr;
    yarn(`add -D "${tarballs.core}" "${tarballs.nx}"`, root);
  }, 300_000);

  it('installs @plux/core from the tarball and links the workspace package', () => {
    const core = JSON.parse(readFileSync(join(root, 'node_modules/@plux/core/package.json'), 'utf8'));
    expect(core.version).toBe('0.1.0');
    expect(readFileSync(join(root, 'yarn.lock'), 'utf8')).toContain('plux-core-0.1.0.tgz');
    expect(realpathSync(join(root, 'node_modules/@acme/services'))).toBe(join(root, 'packages/services'));
  });

  it('lists and loads the plugins', () => {
    for (const name of ['hello', 'queue', 's3'])
      expect(list).toMatch(new RegExp(`\\b${name}\\s+@acme/services@1\\.2\\.0`));
    expect(sh(`node packages/app/dist/main.js`, root).stdout.trim().split('\n')).toEqual(APP_OUTPUT);
  });

  it('adds the @plux/nx tarball: its peer @plux/core is the installed one', () => {
    expectSameCore(root);
  });
});
