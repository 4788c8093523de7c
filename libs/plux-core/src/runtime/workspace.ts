/**
 * Which packages are visible from a folder: the workspace packages of the enclosing workspace root, and the
 * packages installed in `node_modules` of that root and of each workspace package.
 *
 * Only folders are found here; reading their `package.json` and index is the finder's job. Every folder listed and
 * every config file read goes through a {@link WatchRecorder}, so the on-disk cache knows what to re-check.
 */
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, resolve, sep } from 'node:path';

import type * as ManypkgModule from '@manypkg/get-packages';

import { log } from '../core/log.js';
import type { WatchRecorder } from './cache.js';
import { localRequire } from './local-require.js';
import { readRegularFile } from './read-file.js';
import { expandWorkspaceGlobs, pnpmPackages, staticPrefix } from './workspace-globs.js';

/** How a package was reached; decides which one wins when two declare the same plugin. */
export type PackageTier = 'workspace' | 'root' | 'nested';

/** Precedence of the tiers: lower wins. */
export const TIER_RANK: Readonly<Record<PackageTier, number>> = { workspace: 0, root: 1, nested: 2 };

/** The folder whose workspace (or single package) decides what is visible. */
export interface WorkspaceRoot {
  /** The absolute real path of the root folder. */
  dir: string;
  /** The workspace config found there, or undefined for a plain package root (no workspace). */
  tool?: 'package.json' | 'pnpm' | 'lerna' | 'rush';
  /** The workspace globs, when the config could be read (`libs/*`, `!**\/test`). */
  globs: string[];
}

/** A folder that may hold a package. */
export interface PackageCandidate {
  /** The folder as reached (maybe through a symlink). */
  dir: string;
  /** Its real path; undefined for a dangling or looping symlink. */
  realDir: string | undefined;
  tier: PackageTier;
  /** A package from pnpm's hidden hoisting folder (`node_modules/.pnpm/node_modules`): after the top level. */
  hoisted: boolean;
  /**
   * Its files can change without an install, so the cache watches them one by one: a workspace package, or one
   * reached through a symlink that leads outside every `node_modules` folder (npm link, `file:`/`link:`
   * dependencies, workspace links).
   */
  linked: boolean;
}

/** What {@link findVisiblePackages} found. */
export interface VisiblePackages {
  root: WorkspaceRoot;
  /** Workspace packages (the root package first), then root `node_modules`, then nested `node_modules`. */
  candidates: PackageCandidate[];
  /** One message per folder that could not be read (a symlink loop, no permission). */
  problems: string[];
}

/** Files whose content makes a folder a workspace root, and lists its packages. */
const WORKSPACE_CONFIG_FILES = ['package.json', 'pnpm-workspace.yaml', 'lerna.json', 'rush.json'];

/** Files in `node_modules` that an install rewrites (npm, pnpm, yarn berry, yarn classic). */
const INSTALL_STATE_FILES = ['.package-lock.json', '.modules.yaml', '.yarn-state.yml', '.yarn-integrity'];

/**
 * What every scan of `rootDir` watches, whatever the tree holds: its config files, its `node_modules` folder and
 * the install state in it. A cache whose watch list lacks one of them was not written by a scan, and is not read.
 */
export function requiredWatches(rootDir: string): ['f' | 'd', string][] {
  const rootModules = join(rootDir, 'node_modules');
  return [
    ...WORKSPACE_CONFIG_FILES.map((file): ['f', string] => ['f', join(rootDir, file)]),
    ['d', rootModules],
    ...INSTALL_STATE_FILES.map((file): ['f', string] => ['f', join(rootModules, file)]),
  ];
}

/**
 * Finds the root for `cwd`: the nearest ancestor with a workspace config (a `workspaces` field in package.json,
 * `pnpm-workspace.yaml`, `lerna.json`, `rush.json`); when there is none, the nearest package root (a folder with a
 * package.json) that has `node_modules`, else the nearest package root. Undefined when no ancestor is a package.
 *
 * Cheap by design (a few reads per level, no `@manypkg/get-packages`): it runs on every start, the warm ones too.
 */
export function findWorkspaceRoot(cwd: string): WorkspaceRoot | undefined {
  let nearestPackage: string | undefined;
  let nearestWithModules: string | undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const packageText = readText(join(dir, 'package.json'));
    const workspace = detectWorkspace(dir, packageText);
    if (workspace) return { ...workspace, dir: realPath(dir) };
    if (packageText !== undefined) {
      nearestPackage ??= dir;
      if (!nearestWithModules && isDirectory(join(dir, 'node_modules'))) nearestWithModules = dir;
    }
    if (dirname(dir) === dir) break;
  }
  const dir = nearestWithModules ?? nearestPackage;
  return dir === undefined ? undefined : { dir: realPath(dir), globs: [] };
}

/**
 * Lists the folders visible from `root`, in precedence order: the root package and the workspace packages, the
 * packages in the root's `node_modules` (top level, `@scope/*`, then pnpm's `.pnpm/node_modules`), then those in each
 * workspace package's own `node_modules`. Never throws: an unreadable folder is a problem, a vanished one is skipped.
 */
export function findVisiblePackages(root: WorkspaceRoot, recorder: WatchRecorder): VisiblePackages {
  const problems: string[] = [];
  const candidates: PackageCandidate[] = [];
  // The config files decide the root and the workspace packages, also where there is no workspace (yet).
  for (const file of WORKSPACE_CONFIG_FILES)
    recorder.file(join(root.dir, file), readText(join(root.dir, file)));
  const packages = [root.dir, ...(root.tool ? listWorkspacePackages(root, recorder, problems) : [])];
  for (const dir of packages) {
    candidates.push({ dir, realDir: realPath(dir), tier: 'workspace', hoisted: false, linked: true });
  }

  const pnp = findPnpFile(root.dir, recorder);
  if (pnp) problems.push(pnpProblem(root.dir, pnp));

  const context: ScanContext = { candidates, problems, recorder };
  const rootModules = join(root.dir, 'node_modules');
  for (const file of INSTALL_STATE_FILES)
    recorder.file(join(rootModules, file), () => readText(join(rootModules, file)));
  const names = scanNodeModules(rootModules, { tier: 'root', hoisted: false }, context);
  // pnpm's hidden hoisting folder; its appearance changes the node_modules listing, so it needs no record before
  if (names.includes('.pnpm')) {
    scanNodeModules(join(rootModules, '.pnpm', 'node_modules'), { tier: 'root', hoisted: true }, context);
  }
  for (const dir of packages.slice(1)) {
    scanNodeModules(join(dir, 'node_modules'), { tier: 'nested', hoisted: false }, context);
  }
  return { root, candidates, problems };
}

/**
 * The workspace package folders of `root`, from `@manypkg/get-packages` (loaded only here). When it fails (a
 * malformed package.json, a workspace without the lock file it expects) the globs are expanded here instead, so
 * one broken package never hides the others: the finder then reports the broken package.json by name.
 */
export function listWorkspacePackages(
  root: WorkspaceRoot,
  recorder: WatchRecorder,
  problems: string[] = [],
): string[] {
  // Workspace packages live inside the root: a glob that leaves it (`../*`, an absolute path) is reported and
  // ignored, and so is any folder outside the root that @manypkg/get-packages would still return for it.
  const globs = root.globs.filter((glob) => {
    if (glob.startsWith('!') || !leavesRoot(glob)) return true;
    problems.push(
      `the workspace glob ${JSON.stringify(glob)} in ${join(root.dir, CONFIG_FILE[root.tool ?? 'package.json'])} ` +
        'reaches outside the workspace root; it is ignored (workspace packages must be inside the root)',
    );
    return false;
  });
  let dirs: string[] | undefined;
  try {
    const { getPackagesSync } = loadManypkg();
    const result = getPackagesSync(root.dir);
    // "root" is manypkg's answer for a plain package: it did not recognise the workspace (e.g. no lock file yet)
    const sameRoot = resolve(result.rootDir) === root.dir || realPath(result.rootDir) === root.dir;
    if (sameRoot && result.tool.type !== 'root') {
      dirs = result.packages.map((p) => resolve(p.dir));
      log.debug(`workspace packages of ${root.dir} from @manypkg/get-packages (${result.tool.type})`);
    } else {
      const seen = sameRoot ? 'a plain package' : `${result.rootDir} as the root (${result.tool.type})`;
      log.debug(`@manypkg/get-packages sees ${seen}, not the workspace ${root.dir}: expanding the globs`);
    }
  } catch (error) {
    log.debug(
      `@manypkg/get-packages failed in ${root.dir} (${(error as Error).message}): expanding the globs`,
    );
  }
  dirs ??= expandWorkspaceGlobs(root.dir, globs);
  dirs = [...new Set(dirs)].filter((d) => d.startsWith(root.dir + sep)).sort();
  // Membership also changes when a package folder appears: watch every folder a glob expands in.
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    const prefix = resolve(root.dir, staticPrefix(glob) || '.');
    recorder.directory(prefix, listing(prefix));
  }
  for (const dir of dirs) {
    for (let parent = dirname(dir); parent.startsWith(root.dir + sep); parent = dirname(parent)) {
      recorder.directory(parent, listing(parent));
    }
  }
  return dirs;
}

/** The file that holds the workspace globs, by tool. */
const CONFIG_FILE: Record<NonNullable<WorkspaceRoot['tool']>, string> = {
  'package.json': 'package.json',
  pnpm: 'pnpm-workspace.yaml',
  lerna: 'lerna.json',
  rush: 'rush.json',
};

/** Whether a workspace glob names folders outside the root: absolute, or `..` once normalised. */
function leavesRoot(glob: string): boolean {
  const path = glob.replace(/\\/g, '/');
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return true;
  const normal = posix.normalize(path);
  return normal === '..' || normal.startsWith('../');
}

/** The files by which Yarn marks a Plug'n'Play install (`.pnp.cjs` since yarn 3, `.pnp.js` before). */
const PNP_FILES = ['.pnp.cjs', '.pnp.js'];

/** The Plug'n'Play file of `dir`, if yarn installed it with PnP; its presence is recorded for the cache. */
function findPnpFile(dir: string, recorder: WatchRecorder): string | undefined {
  let found: string | undefined;
  for (const name of PNP_FILES) {
    const file = join(dir, name);
    recorder.presence(file);
    if (!found && isFile(file)) found = file;
  }
  return found;
}

/**
 * Why a Plug'n'Play install hides its packages from plux: PnP keeps them in zip archives and resolves them through
 * its own loader, with no node_modules folder to read an index from. Workspace packages are real folders and stay
 * visible.
 */
function pnpProblem(dir: string, pnpFile: string): string {
  return (
    `${dir} is installed with Yarn Plug'n'Play (${pnpFile}), which plux does not support: it reads package ` +
    `indexes from node_modules folders, so only the workspace's own packages are listed, not the packages yarn ` +
    `installed. Add "nodeLinker: node-modules" to .yarnrc.yml and run yarn install to make them visible`
  );
}

interface ScanContext {
  candidates: PackageCandidate[];
  problems: string[];
  recorder: WatchRecorder;
}

/** Adds the packages of a `node_modules` folder to the candidates; returns the names the folder holds. */
function scanNodeModules(
  folder: string,
  where: { tier: PackageTier; hoisted: boolean },
  context: ScanContext,
): string[] {
  const entries = readFolder(folder, context);
  if (!entries) return [];
  const realFolder = realPath(folder);
  for (const entry of entries) {
    // .bin, .cache, .pnpm, .package-lock.json, .modules.yaml …: never packages
    if (entry.name.startsWith('.') || entry.isFile()) continue;
    // plain concatenation: `folder` is already absolute and normal, and path.join costs on thousands of entries
    const dir = folder + sep + entry.name;
    if (entry.name.startsWith('@')) {
      const scopeEntries = readFolder(dir, context);
      if (!scopeEntries) continue;
      const realScope = entry.isSymbolicLink() ? realPath(dir) : realFolder + sep + entry.name;
      for (const scoped of scopeEntries) {
        if (scoped.name.startsWith('.') || scoped.isFile()) continue;
        context.candidates.push(
          candidate(dir + sep + scoped.name, realScope + sep + scoped.name, scoped, where),
        );
      }
    } else {
      context.candidates.push(candidate(dir, realFolder + sep + entry.name, entry, where));
    }
  }
  return entries.map((e) => e.name);
}

/** @param realDir the real path `dir` has unless it is a symlink itself (its parent is already resolved). */
function candidate(
  dir: string,
  realDir: string,
  entry: Dirent,
  where: { tier: PackageTier; hoisted: boolean },
): PackageCandidate {
  if (!entry.isSymbolicLink())
    return { dir, realDir, tier: where.tier, hoisted: where.hoisted, linked: false };
  let real: string | undefined;
  try {
    real = realpathSync.native(dir);
  } catch {
    // dangling or looping: the finder reports it when it reads the package.json
  }
  const linked = real !== undefined && !real.split(sep).includes('node_modules');
  return { dir, realDir: real, tier: where.tier, hoisted: where.hoisted, linked };
}

/** Lists a folder for scanning, recording it; undefined (and a problem unless it simply is not there) on error. */
function readFolder(folder: string, context: ScanContext): Dirent[] | undefined {
  let entries: Dirent[] | undefined;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      // Node's message already starts with the code ("EACCES: permission denied, scandir …")
      const why = code === 'ELOOP' ? 'it is a symlink loop; remove the link' : (error as Error).message;
      context.problems.push(`cannot list ${folder}: ${why}`);
    }
  }
  context.recorder.directory(folder, entries);
  // left in directory order: precedence is decided later by package name and path, not by folder order
  return entries;
}

function listing(folder: string): Dirent[] | undefined {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

/** The workspace config of `dir`, if it is a workspace root. */
function detectWorkspace(
  dir: string,
  packageText: string | undefined,
): Omit<WorkspaceRoot, 'dir'> | undefined {
  if (packageText?.includes('"workspaces"')) {
    const globs = workspacesField(packageText);
    if (globs) return { tool: 'package.json', globs };
  }
  const pnpm = readText(join(dir, 'pnpm-workspace.yaml'));
  if (pnpm !== undefined) return { tool: 'pnpm', globs: pnpmPackages(pnpm) };
  const lerna = readText(join(dir, 'lerna.json'));
  if (lerna !== undefined) {
    const packages = parseJson(lerna)?.['packages'];
    return { tool: 'lerna', globs: isStringArray(packages) ? packages : ['packages/*'] };
  }
  if (isFile(join(dir, 'rush.json'))) return { tool: 'rush', globs: [] };
  return undefined;
}

function workspacesField(packageText: string): string[] | undefined {
  const workspaces = parseJson(packageText)?.['workspaces'];
  if (isStringArray(workspaces)) return workspaces;
  const packages = (workspaces as Record<string, unknown> | undefined)?.['packages'];
  return isStringArray(packages) ? packages : undefined;
}

type Manypkg = typeof ManypkgModule;
let manypkg: Manypkg | undefined;

/**
 * Loads `@manypkg/get-packages` on first use only: it pulls in a glob library and a YAML parser, which a warm start
 * (answered from the cache) or a start outside any workspace never needs. `require` of this ES module works
 * synchronously from Node 20.19 on; an experimental warning some Node versions print for it is not the user's
 * business, so it is dropped while loading.
 */
function loadManypkg(): Manypkg {
  if (manypkg) return manypkg;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/ES Module|require\(\)/i.test(text)) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return (manypkg = localRequire()('@manypkg/get-packages') as Manypkg);
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * The text of a file, undefined when there is none, or when it is not a regular file or too large to be a config
 * file (see readRegularFile). Checks with a stat first: most paths asked for do not exist (the config files of other
 * package managers, package.json in every ancestor), and a failed read throws, which costs far more than a stat on
 * every start.
 */
function readText(path: string): string | undefined {
  try {
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
    return readRegularFile(path);
  } catch (error) {
    log.debug(`${path} not read: ${(error as Error).message}`);
    return undefined;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // a symlink loop, no permission: not a folder we can use
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** The package name a `node_modules` folder implies (`@scope/name` or `name`). */
export function nameFromFolder(dir: string): string {
  const parent = basename(dirname(dir));
  return parent.startsWith('@') ? `${parent}/${basename(dir)}` : basename(dir);
}
