/**
 * Packages on disk for the tests: copies of the fixtures in test/fixtures, small packages written from a few
 * files, links as an install makes them, and the entry points a finder would build from an index.
 *
 * In git the fixtures' `node_modules` folders are named `_node_modules` (the repository ignores `node_modules/`);
 * a copy renames them back, also inside symlink targets. `node_modules/@plux/core` is linked to this package, so
 * fixture plugin modules import the built `@plux/core` (run `npm run build -w @plux/core` first when they are
 * imported).
 */
import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import type { EntryPoint } from '../../src/index.js';
import { CORE_ROOT, FIXTURES } from './core.js';
import { makeTempDir, writeFiles } from './temp.js';

/**
 * Copies `test/fixtures/<name>` into a fresh temp folder and returns the copy's path (a folder named `name`).
 * Its `node_modules/@plux/core`, and that of each folder in `linkCoreIn` (relative to the copy; `[]` for none), is
 * a symlink to this package, as an install would make it.
 */
export function copyFixture(name: string, options: { linkCoreIn?: string[] } = {}): string {
  const dir = join(makeTempDir(), name);
  copyTree(join(FIXTURES, name), dir);
  for (const folder of options.linkCoreIn ?? ['.']) linkPackage(join(dir, folder), '@plux/core', CORE_ROOT);
  return dir;
}

/**
 * Writes a small package into a fresh temp folder: `files` maps paths to contents (objects are written as JSON),
 * `packageJson` adds to (or, with `undefined`, removes from) `{ name: '@acme/tmp', version, type: 'module', main:
 * './dist/index.js' }`. Its `@plux/core` is this package. Returns the package root.
 */
export function writePackage(
  files: Record<string, string | object>,
  packageJson: Record<string, unknown> = {},
): string {
  const root = makeTempDir();
  const json = {
    name: '@acme/tmp',
    version: '1.0.0',
    type: 'module',
    main: './dist/index.js',
    ...packageJson,
  };
  writeFiles(root, { 'package.json': json, ...files });
  linkPackage(root, '@plux/core', CORE_ROOT);
  return root;
}

/** Makes `<dir>/node_modules/<name>` a symlink to `target`. */
export function linkPackage(dir: string, name: string, target: string): void {
  const link = join(dir, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
}

/**
 * An {@link EntryPoint} as the index finder would build it from a `plux.json` entry of the package at `root`
 * (without its distribution, which a finder double has no need to resolve).
 */
export function entryPointOf(
  root: string,
  entry: { namespace: string; name: string; module: string; export: string },
): EntryPoint {
  const packageName = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
  return {
    namespace: entry.namespace,
    name: entry.name,
    module: join(root, entry.module),
    export: entry.export,
    value: `${packageName}:${entry.module}#${entry.export}`,
  };
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const destination = join(to, rename(entry));
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) {
      symlinkSync(readlinkSync(source).split('/').map(rename).join('/'), destination, 'dir');
    } else if (stat.isDirectory()) {
      copyTree(source, destination);
    } else {
      copyFileSync(source, destination);
    }
  }
}

function rename(segment: string): string {
  return segment === '_node_modules' ? 'node_modules' : segment;
}

/**
 * A copy of the `cli-workspace` fixture as `npm install` would leave it: `cli-installed-package` installed as
 * `acme-installed`, and links to the workspace packages `@acme/ws-services` and `@acme/app`. Returns the workspace
 * root and its app package.
 */
export function installCliWorkspace(): { workspace: string; app: string } {
  const workspace = copyFixture('cli-workspace');
  cpSync(join(FIXTURES, 'cli-installed-package'), join(workspace, 'node_modules', 'acme-installed'), {
    recursive: true,
  });
  const app = join(workspace, 'packages', 'app');
  linkPackage(workspace, '@acme/ws-services', join(workspace, 'packages', 'services'));
  linkPackage(workspace, '@acme/app', app);
  return { workspace, app };
}

/**
 * Writes, in `dir`, a package `name` (1.0.0, ESM) whose inline index has one plugin, `namespace`:`plugin` (the
 * package name unless given), the export `entry` of `module`; and writes that module with `source`. Returns `dir`.
 */
export function writeIndexedPackage(
  dir: string,
  options: { name: string; namespace: string; plugin?: string; module?: string; source: string },
): string {
  const { name, namespace, plugin = name, module = './dist/index.js', source } = options;
  const index = { formatVersion: 1, plugins: { [namespace]: { [plugin]: { module, export: 'entry' } } } };
  return writeFiles(dir, {
    'package.json': { name, version: '1.0.0', type: 'module', plux: index },
    [module]: source,
  });
}

/** The `package.json` of a package `name` at version 1.0.0, with `extra` fields on top. */
export function packageJson(name: string, extra: object = {}): object {
  return { name, version: '1.0.0', ...extra };
}
