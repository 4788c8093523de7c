/**
 * The root that decides what is visible from a folder (the enclosing workspace root, else the nearest package root),
 * and the workspace packages it lists. Finding the root is cheap and runs on every start; listing the packages loads
 * `@manypkg/get-packages` and runs on a scan only.
 */
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';

import type * as ManypkgModule from '@manypkg/get-packages';

import { log } from '../core/log.js';
import { isBelow } from '../utils/paths.js';
import { isDirectory } from '../utils/fs.js';
import { isFile, listFolder, parseJsonObject, readText, realPath } from './fs.js';
import { localRequire } from './local-require.js';
import type { WatchRecorder } from './watch.js';
import { expandWorkspaceGlobs, pnpmPackages, staticPrefix } from './workspace-globs.js';

/** The folder whose workspace (or single package) decides what is visible. */
export interface WorkspaceRoot {
  /** The absolute real path of the root folder. */
  dir: string;
  /** The workspace config found there, or undefined for a plain package root (no workspace). */
  tool?: 'package.json' | 'pnpm' | 'lerna' | 'rush';
  /** The workspace globs, when the config could be read (`libs/*`, `!**\/test`). */
  globs: string[];
}
/** Files whose content makes a folder a workspace root, and lists its packages. */
export const WORKSPACE_CONFIG_FILES = ['package.json', 'pnpm-workspace.yaml', 'lerna.json', 'rush.json'];
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
  dirs = [...new Set(dirs)].filter((d) => isBelow(root.dir, d)).sort();
  // Membership also changes when a package folder appears: watch every folder a glob expands in.
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    const prefix = resolve(root.dir, staticPrefix(glob) || '.');
    recorder.directory(prefix, listFolder(prefix));
  }
  for (const dir of dirs) {
    // stops at the root even when it is `/`, which isBelow counts as below itself
    for (
      let parent = dirname(dir);
      parent !== root.dir && isBelow(root.dir, parent);
      parent = dirname(parent)
    ) {
      recorder.directory(parent, listFolder(parent));
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
    const packages = parseJsonObject(lerna)?.['packages'];
    return { tool: 'lerna', globs: isStringArray(packages) ? packages : ['packages/*'] };
  }
  if (isFile(join(dir, 'rush.json'))) return { tool: 'rush', globs: [] };
  return undefined;
}

function workspacesField(packageText: string): string[] | undefined {
  const workspaces = parseJsonObject(packageText)?.['workspaces'];
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
function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
