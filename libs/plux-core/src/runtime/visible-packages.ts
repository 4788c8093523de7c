/**
 * Which packages are visible from a workspace root: its workspace packages, and the packages installed in
 * `node_modules` of that root and of each workspace package.
 *
 * Only folders are found here; reading their `package.json` and index is the finder's job. Every folder listed and
 * every config file read goes through a {@link WatchRecorder}, so the on-disk cache knows what to re-check.
 */
import { type Dirent, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

import { isFile, readText, realPath } from './fs.js';
import type { WatchRecorder } from './watch.js';
import { listWorkspacePackages, WORKSPACE_CONFIG_FILES, type WorkspaceRoot } from './workspace.js';

/** How a package was reached; decides which one wins when two declare the same plugin. */
export type PackageTier = 'workspace' | 'root' | 'nested';

/** Precedence of the tiers: lower wins. */
export const TIER_RANK: Readonly<Record<PackageTier, number>> = { workspace: 0, root: 1, nested: 2 };
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
/** The package name a `node_modules` folder implies (`@scope/name` or `name`). */
export function nameFromFolder(dir: string): string {
  const parent = basename(dirname(dir));
  return parent.startsWith('@') ? `${parent}/${basename(dir)}` : basename(dir);
}
