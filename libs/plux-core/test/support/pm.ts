/**
 * Builds the trees that real package managers make, for the pm-*.spec.ts tests: packs the fixture packages of
 * `test/fixtures/pm-packages` and two copies of this `@plux/core` (7.0.0 and 8.0.0) with `npm pack`, copies the
 * `pm-workspace` fixture to a temp folder, and installs it with npm, pnpm or yarn from those tarballs only.
 *
 * Nothing comes from the registry: the tarballs are `file:` dependencies, and the `@plux/core` copies carry their
 * own dependencies (`bundleDependencies`), so every install works offline.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { setLogSink } from '../../src/core/log.js';
import { IndexPluginFinder } from '../../src/runtime/finder.js';
import { CORE_ROOT, ensureCoreBuilt, FIXTURES, REPO_ROOT } from './core.js';
import { makeTempDir } from './temp.js';

/** The package managers, as pinned in the root package.json's devDependencies. */
export const TOOLS = {
  pnpm: join(REPO_ROOT, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs'),
  yarn: join(REPO_ROOT, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js'),
} as const;

/** What {@link packFixtures} packs: `name@version` → the fixture folder it comes from. */
const PACKAGES: Record<string, string | typeof CORE> = {
  '@plux/core@7.0.0': CORE_ROOT,
  '@plux/core@8.0.0': CORE_ROOT,
  'clash-plugins@1.0.0': 'clash-plugins',
  'clash-plugins@2.0.0': 'clash-plugins',
  '@pm/scoped-plugins@1.0.0': 'scoped-plugins',
  'deep-plugins@1.0.0': 'deep-plugins',
  'dep-holder@1.0.0': 'dep-holder',
};
const CORE = CORE_ROOT;

/**
 * Packs every fixture package with one `npm pack` run; returns `name@version` → absolute tarball path.
 * `tarball:<name>@<version>` dependency specs inside them become `file:<tarball>`.
 */
export function packFixtures(options: { bundleCoreDependencies?: boolean } = {}): Record<string, string> {
  ensureCoreBuilt();
  const out = makeTempDir('plux-pm-tarballs-');
  const stage = join(out, 'stage');
  const tarballs: Record<string, string> = {};
  const dirs: string[] = [];
  for (const [id, source] of Object.entries(PACKAGES)) {
    const { name, version } = splitId(id);
    const dir = join(stage, id.replace(/[@/]/g, '_'));
    if (source === CORE) stageCore(dir, version, options.bundleCoreDependencies ?? true);
    else cpSync(join(FIXTURES, 'pm-packages', source), dir, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    pkg['version'] = version;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    dirs.push(dir);
    tarballs[id] = join(out, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  }
  // after the loop: dep-holder's tarball: specs name the tarballs packed in the same run
  for (const dir of dirs) substituteTarballs(join(dir, 'package.json'), tarballs, 'unused');
  run('npm', ['pack', '--pack-destination', out, '--silent', ...dirs], { cwd: out });
  for (const [id, file] of Object.entries(tarballs)) {
    if (!existsSync(file))
      throw new Error(`npm pack wrote no ${file} for ${id}: ${readdirSync(out).join(', ')}`);
  }
  return tarballs;
}

/** The package managers and the layouts they build. */
export type Tool = 'npm' | 'pnpm' | 'yarn-node-modules' | 'yarn-pnp' | 'yarn-classic';

/** Yarn classic, run through npx: its `yarn` bin would clash with berry's in the repository's node_modules/.bin. */
export const YARN_CLASSIC = 'yarn@1.22.22';

/**
 * Copies the `pm-workspace` fixture to a temp folder, shaped for `tool` (a pnpm-workspace.yaml for pnpm, a
 * .yarnrc.yml for yarn), its dependencies pointing at `tarballs`; returns the folder (a real path).
 */
export function stageWorkspace(tool: Tool, tarballs: Record<string, string>): string {
  const root = join(makeTempDir(`plux-${tool}-`), 'workspace');
  cpSync(join(FIXTURES, 'pm-workspace'), root, { recursive: true });
  const link = tool === 'npm' || tool === 'yarn-classic' ? '*' : 'workspace:*';
  for (const file of ['package.json', 'libs/app-one/package.json', 'libs/app-two/package.json']) {
    substituteTarballs(join(root, file), tarballs, link);
  }
  if (tool === 'pnpm') {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete pkg['workspaces'];
    writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2));
    writeFileSync(join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'libs/*'\n");
    // never fetch a missing peer from the registry: the tree provides @plux/core itself
    writeFileSync(join(root, '.npmrc'), 'auto-install-peers=false\nstrict-peer-dependencies=false\n');
  }
  if (tool === 'yarn-node-modules' || tool === 'yarn-pnp') {
    const linker = tool === 'yarn-pnp' ? 'pnp' : 'node-modules';
    writeFileSync(
      join(root, '.yarnrc.yml'),
      [
        `nodeLinker: ${linker}`,
        'enableGlobalCache: false',
        'enableTelemetry: false',
        'enableNetwork: false',
        'enableImmutableInstalls: false',
        '',
      ].join('\n'),
    );
    writeFileSync(join(root, 'yarn.lock'), '');
  }
  return root;
}

/** Installs `root` with the real tool, offline; returns how long it took (ms). */
export function install(tool: Tool, root: string): number {
  const started = performance.now();
  if (tool === 'npm') {
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: root });
  } else if (tool === 'pnpm') {
    run(process.execPath, [TOOLS.pnpm, 'install', '--offline', '--ignore-scripts', '--reporter=silent'], {
      cwd: root,
      // a store of its own: nothing shared with the machine's pnpm, nothing left behind
      env: { npm_config_store_dir: join(root, '..', 'pnpm-store') },
    });
  } else if (tool === 'yarn-classic') {
    const cache = join(root, '..', 'yarn-classic-cache');
    run('npx', ['--yes', YARN_CLASSIC, 'install', '--offline', '--ignore-scripts', '--non-interactive'], {
      cwd: root,
      env: { YARN_CACHE_FOLDER: cache },
    });
  } else {
    run(process.execPath, [TOOLS.yarn, 'install'], {
      cwd: root,
      // berry mirrors every package into ~/.yarn/berry/cache unless its global folder is elsewhere: keep it here
      env: {
        YARN_ENABLE_GLOBAL_CACHE: 'false',
        YARN_ENABLE_MIRROR: 'false',
        YARN_CACHE_FOLDER: join(root, '..', 'yarn-cache'),
        YARN_GLOBAL_FOLDER: join(root, '..', 'yarn-global'),
      },
    });
  }
  return performance.now() - started;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // the test runner's own npm settings (workspace flags, the repository's package-lock) must not leak in
  for (const name of Object.keys(env)) if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
  Object.assign(env, options.env, { CI: '1', NO_COLOR: '1', COREPACK_ENABLE_STRICT: '0' });
  const result = spawnSync(command, args, { cwd: options.cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}) in ${options.cwd}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * A copy of this `@plux/core` as `version`, with its dependencies bundled so installs need no registry; or, for
 * yarn (which ignores `bundleDependencies` and would fetch them), with none: importing `@plux/core` needs none of
 * them, only its finder does, and the yarn tests use the finder of the repository's copy.
 */
function stageCore(dir: string, version: string, bundle: boolean): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['dist', 'bin', 'README.md']) {
    if (existsSync(join(CORE_ROOT, entry)))
      cpSync(join(CORE_ROOT, entry), join(dir, entry), { recursive: true });
  }
  const pkg = JSON.parse(readFileSync(join(CORE_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg['scripts'];
  const dependencies = Object.keys((pkg['dependencies'] as Record<string, string> | undefined) ?? {});
  if (bundle) pkg['bundleDependencies'] = dependencies;
  else delete pkg['dependencies'];
  pkg['version'] = version;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const queue = bundle ? [...dependencies] : [];
  const copied = new Set<string>();
  while (queue.length) {
    const name = queue.shift()!;
    if (copied.has(name)) continue;
    copied.add(name);
    const from = [join(CORE_ROOT, 'node_modules', name), join(REPO_ROOT, 'node_modules', name)].find((d) =>
      existsSync(join(d, 'package.json')),
    );
    if (!from) throw new Error(`cannot bundle ${name}: not installed in ${REPO_ROOT}`);
    cpSync(from, join(dir, 'node_modules', name), { recursive: true, dereference: true });
    const dep = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as Record<string, unknown>;
    queue.push(...Object.keys((dep['dependencies'] as Record<string, string> | undefined) ?? {}));
  }
}

/** Rewrites `tarball:<id>` specs to `file:<tarball>` and `workspace-link` to `link` in a package.json. */
function substituteTarballs(file: string, tarballs: Record<string, string>, link: string): void {
  const text = readFileSync(file, 'utf8')
    .replace(/"tarball:([^"]+)"/g, (_, id: string) => {
      const tarball = tarballs[id];
      if (!tarball) throw new Error(`${file}: no tarball for ${id}`);
      return JSON.stringify(`file:${tarball}`);
    })
    .replace(/"workspace-link"/g, JSON.stringify(link));
  writeFileSync(file, text);
}

function splitId(id: string): { name: string; version: string } {
  const at = id.lastIndexOf('@');
  return { name: id.slice(0, at), version: id.slice(at + 1) };
}

/** The folder a package is installed in, seen from `from` the way Node resolves it (undefined when none). */
export function installedAt(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What one scan of a tree gave, with the warnings it logged. */
export interface Scan {
  finder: IndexPluginFinder;
  /** `namespace:name` → the real root of the package that provides it. */
  providers: Record<string, string>;
  warnings: string[];
}

/** Scans `root` with a fresh finder (no on-disk cache), collecting the warnings it logs. */
export function scan(root: string, cwd = root): Scan {
  const warnings: string[] = [];
  const previous = setLogSink((level, message) => void (level === 'warn' && warnings.push(message)));
  try {
    const finder = new IndexPluginFinder({ cwd, cache: false });
    const providers = Object.fromEntries(
      finder.listEntryPoints().map((ep) => [`${ep.namespace}:${ep.name}`, ep.distribution!.root]),
    );
    finder.listShadowed();
    return { finder, providers, warnings };
  } finally {
    setLogSink(previous);
  }
}

/**
 * The real folders of every copy of `name` that plux must see in `root`, by the rule in DESIGN.md: the top level
 * of the root's node_modules, pnpm's hidden hoisting folder, and the top level of each workspace package's
 * node_modules. A copy nested inside an installed package is not among them.
 */
export function visibleCopies(root: string, name: string, workspacePackages: string[]): string[] {
  const places = [
    join(root, 'node_modules', name),
    join(root, 'node_modules', '.pnpm', 'node_modules', name),
    ...workspacePackages.map((dir) => join(root, dir, 'node_modules', name)),
  ];
  const reals = places.filter((p) => existsSync(join(p, 'package.json'))).map((p) => realpathSync(p));
  return [...new Set(reals)];
}

/** The version in the package.json of `dir`. */
export function versionAt(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What `test/fixtures/pm-load.mjs` printed: `namespace:name` → the load value, or the error. */
export type Loaded = Record<string, { value?: unknown; error?: string; package?: string }>;

/**
 * Loads every plugin of `namespaces` in a fresh Node process through the `PluginManager` of the `@plux/core` copy
 * installed in `coreDir`, looking from `cwd`.
 */
export function loadWithCore(coreDir: string, cwd: string, namespaces: string[]): Loaded {
  const result = spawnSync(
    process.execPath,
    [join(FIXTURES, 'pm-load.mjs'), join(coreDir, 'dist', 'index.js'), cwd, ...namespaces],
    { cwd, encoding: 'utf8', env: { ...process.env, PLUX_LOG: 'silent', NODE_OPTIONS: '' }, timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`pm-load.mjs failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Loaded;
}

/** The plugins the pm-workspace fixture's two workspace packages provide, with what their load returns. */
export function expectedAppLoads(): Record<string, { value: string }> {
  const loads: Record<string, { value: string }> = {};
  for (const [pkg, core] of [
    ['one', '7.0.0'],
    ['two', '8.0.0'],
  ] as const) {
    for (const kind of ['class', 'function', 'spec']) {
      loads[`pm.app:${pkg}-${kind}`] = { value: `${pkg}-${kind} built against @plux/core@${core}` };
    }
  }
  return loads;
}
