import { detectPackageManager, getPackageManagerCommand } from '@nx/devkit';
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as CoreBuild from '@plux/core/build';
import type * as Core from '@plux/core';
import { LOCKFILES } from './lockfiles';

/** Where a package that the discover target runs on comes from, as the target's cache inputs must see it. */
export interface PackageLocation {
  /** The npm name, `@plux/nx` or `@plux/core`. */
  name: string;
  /** Absolute real path of the package folder (symlinks resolved), or undefined when it cannot be resolved. */
  root?: string;
  /**
   * The package folder relative to the workspace root when the package is a project of this workspace (its source
   * is hashed); undefined when it is installed from a registry (its version is hashed as an external dependency).
   */
  workspacePath?: string;
  /**
   * Whether the workspace's lockfile names the package, so that Nx knows it as an external node and can hash it
   * as an `externalDependencies` input (Nx fails a task whose external dependency it does not know).
   */
  inLockfile?: boolean;
}

/** The folder of this package, `@plux/nx` (the parent of `src/`, in the workspace and in the built package). */
export const PLUX_NX_ROOT = join(__dirname, '..', '..');

/** `require` as seen from this package, for its own dependencies and peers (`nx`, `@plux/core`). */
export const requireFromPluxNx = createRequire(join(PLUX_NX_ROOT, 'package.json'));

/**
 * Where `@plux/nx` (this code) and the `@plux/core` it runs on live, relative to `workspaceRoot`. The `@plux/core`
 * that counts is the one `@plux/nx` resolves, because that copy's discovery writes the index.
 */
export function locatePluxPackages(workspaceRoot: string): { nx: PackageLocation; core: PackageLocation } {
  // only the lockfiles Nx takes its external nodes from: a package named elsewhere is unknown to Nx
  const lockfiles = LOCKFILES.filter((l) => l.externalNodes)
    .map((l) => readText(join(workspaceRoot, l.file)))
    .join('\n');
  const nx = locate('@plux/nx', PLUX_NX_ROOT, workspaceRoot, lockfiles);
  let coreRoot: string | undefined;
  try {
    coreRoot = dirname(requireFromPluxNx.resolve('@plux/core/package.json'));
  } catch {
    coreRoot = undefined;
  }
  return { nx, core: locate('@plux/core', coreRoot, workspaceRoot, lockfiles) };
}

/**
 * Imports `@plux/core/build`, the ESM build API, from this CommonJS code.
 *
 * Nx runs this plugin from TypeScript source through swc, which compiles to CommonJS and rewrites `import()` into
 * `require()`; a function built at run time keeps a real dynamic `import()`, so the ESM core (and, through it, the
 * scanned ESM modules) load through Node's ESM loader.
 *
 * @throws Error naming the fix when `@plux/core` is not installed or not built.
 */
export async function loadCoreBuild(): Promise<typeof CoreBuild> {
  return (await importCore('@plux/core/build')) as typeof CoreBuild;
}

/**
 * Imports `@plux/core`, the ESM runtime (its index finder reads what every visible package declares), from this
 * CommonJS code, as {@link loadCoreBuild} does.
 *
 * @throws Error naming the fix when `@plux/core` is not installed or not built.
 */
export async function loadCoreRuntime(): Promise<typeof Core> {
  return (await importCore('@plux/core')) as typeof Core;
}

/** Imports an entry point of the `@plux/core` that `@plux/nx` resolves, through Node's ESM loader. */
async function importCore(specifier: '@plux/core' | '@plux/core/build'): Promise<unknown> {
  let entry: string;
  try {
    entry = requireFromPluxNx.resolve(specifier);
  } catch (error) {
    throw new Error(`@plux/nx: cannot load ${specifier}; ${coreFix(process.cwd())}`, { cause: error });
  }
  return importEsm(pathToFileURL(entry).href);
}

type Import = (specifier: string) => Promise<unknown>;

// `new Function` on purpose: swc cannot see (and so cannot rewrite) this import().
const nativeImport = new Function('specifier', 'return import(specifier)') as Import;

// Where code is evaluated through `vm` (vitest), a function built at run time has no module to import from
// (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING); there, and only there, the host's own import() does the job.
const compiledImport: Import = (specifier) => import(specifier);

async function importEsm(specifier: string): Promise<unknown> {
  try {
    return await nativeImport(specifier);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw error;
    return compiledImport(specifier);
  }
}

/** How to make `@plux/core` loadable, in the commands of the workspace's package manager. */
function coreFix(workspaceRoot: string): string {
  const core = locatePluxPackages(workspaceRoot).core;
  let commands: { exec: string; add: string };
  try {
    commands = getPackageManagerCommand(detectPackageManager(workspaceRoot), workspaceRoot);
  } catch {
    commands = { exec: 'npx', add: 'npm install' };
  }
  return core.root
    ? `build it first: ${commands.exec} nx run @plux/core:build (looked in ${core.root})`
    : `install it: ${commands.add} @plux/core`;
}

function locate(
  name: string,
  root: string | undefined,
  workspaceRoot: string,
  lockfiles: string,
): PackageLocation {
  const inLockfile = lockfiles.includes(name);
  if (!root) return { name, inLockfile };
  const real = safeRealpath(root);
  const rel = relative(safeRealpath(workspaceRoot), real);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const installed = rel.split(sep).includes('node_modules');
  const workspacePath = inside && !installed ? rel.split(sep).join('/') : undefined;
  return { name, root: real, workspacePath, inLockfile };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The real path of `path` (symlinks resolved), or `path` itself when it cannot be resolved. */
export function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
