import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

import type { EntryPoint } from '../../core/entry-point.js';
import { serializeIndex, type IndexedPlugin } from '../../core/plux-index.js';
import { parseJsonObject, readText } from '../../runtime/fs.js';
import { readPackageIndex, type ReadContext } from '../../runtime/package-index.js';
import { findVisiblePackages, type PackageCandidate } from '../../runtime/visible-packages.js';
import { DiscardingRecorder } from '../../runtime/watch.js';
import { findWorkspaceRoot } from '../../runtime/workspace.js';
import { compareStrings } from '../../utils/compare.js';
import { defineCommand, findPackageRoot, resolveCwd } from '../command.js';
import { EXIT, printable, Reporter, UsageError, type CliIo } from '../io.js';
import { CWD_OPTION, indexModule } from './shared.js';

export const showCommand = defineCommand({
  name: 'show',
  description: `Print a package's index (plux.json, or the inline "plux" field of its package.json) as the runtime reads it,
with the runtime's own checks: entries that fail validation or name a module missing from the package are left
out and reported on stderr; an index the runtime rejects (a "plux" field or plux.json symlink that leaves the
package, malformed JSON) is reported with its fix, and nothing is printed.`,
  arguments: [
    {
      name: 'package',
      description:
        'a package name visible from the current folder (a workspace package or one installed in\n' +
        'node_modules), or a path to a package folder: one that starts with "." or "/", or has a "/"\n' +
        'other than the one of a scoped name (default: the package of the current folder)',
    },
  ],
  options: {
    cwd: CWD_OPTION,
  },
  exitCodes: [
    '0 printed, 1 no such package, it has no index or the runtime rejects it,',
    '2 bad usage (a path or --cwd that names no folder).',
  ],
  async run({ values, positionals }, io) {
    const report = new Reporter(io);
    const cwd = resolveCwd(io, values.cwd);
    const [wanted] = positionals;
    if (wanted !== undefined && isPath(wanted)) return showPath(wanted, cwd, io);
    const visible = wanted === undefined ? undefined : findPackage(wanted, cwd);
    const root = wanted === undefined ? findPackageRoot(cwd) : visible?.dir;
    if (!root) {
      report.error(
        wanted === undefined
          ? `no package.json in ${cwd} or any folder above it`
          : `no package ${printable(wanted)} is visible from ${cwd} (neither a workspace package nor installed in node_modules)`,
      );
      return EXIT.failure;
    }
    return showIndex(root, io, visible);
  },
});

/**
 * Whether the argument of `plux show` is a path rather than a package name: it starts with `.` or is absolute, or
 * it holds a path separator that is not the one slash of a scoped name (`@scope/name`).
 */
export function isPath(wanted: string): boolean {
  if (wanted.startsWith('.') || isAbsolute(wanted)) return true;
  if (!/[\\/]/.test(wanted)) return false;
  return !/^@[^/\\]+\/[^/\\]+$/.test(wanted);
}

function showPath(wanted: string, cwd: string, io: CliIo): number {
  const dir = resolve(cwd, wanted);
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${printable(wanted)}: no such folder`);
  }
  if (!isFolder) throw new UsageError(`${printable(wanted)}: not a folder; give a package's folder`);
  if (!existsSync(join(dir, 'package.json'))) {
    new Reporter(io).error(`${printable(wanted)} (${dir}) has no package.json, so it is not a package`);
    return EXIT.failure;
  }
  return showIndex(dir, io);
}

/**
 * Prints the index of the package in `dir` through the runtime's own reader: the same checks (the `plux` field a
 * path inside the package, the index file not leaving it through a symlink, each entry valid and its module built
 * inside the package), the same messages, the same entries.
 */
function showIndex(dir: string, io: CliIo, visible?: PackageCandidate): number {
  const report = new Reporter(io);
  const context: ReadContext = { recorder: new DiscardingRecorder(), problems: new Set(), seen: new Set() };
  const index = readPackageIndex(visible ?? candidateFor(dir), context);
  if (index === undefined) {
    if (context.problems.size > 0) {
      // the runtime rejects the whole index: each message names the file and the fix
      for (const problem of context.problems) report.error(problem);
      return EXIT.failure;
    }
    const packageJson = readJson(join(dir, 'package.json'));
    const name = typeof packageJson?.['name'] === 'string' ? packageJson['name'] : dir;
    const indexed = workspacePackagesWithIndex(dir);
    if (indexed !== undefined) {
      // the root of a workspace: its plugins live in its packages, so the advice is to name one
      report.error(`${name} (${dir}) is the workspace root, and declares no index of its own`);
      report.detail(
        indexed.length > 0
          ? `Name a package: 'plux show <package>'. Workspace packages with an index: ${indexed.join(', ')}.`
          : "No workspace package declares an index yet: run 'plux discover --update-package' in a package " +
              "that provides plugins, then 'plux show <package>'.",
      );
      return EXIT.failure;
    }
    report.error(`${name} (${dir}) has no "plux" field in its package.json, so it declares no index`);
    report.detail("Run 'plux discover --update-package' in it to write and declare one.");
    return EXIT.failure;
  }
  // entries the runtime skips (and why), each on stderr; the index printed is what the runtime lists
  for (const problem of context.problems) report.warn(problem);
  io.stdout.write(serializeIndex(index.entries.map(indexedPlugin)));
  return EXIT.ok;
}

/** An entry point back in its index's terms: the module as the index names it (`./dist/services.js`). */
function indexedPlugin(ep: EntryPoint): IndexedPlugin {
  return { namespace: ep.namespace, name: ep.name, module: indexModule(ep)!, export: ep.export };
}

/**
 * The package in `dir` as the runtime's scan reaches it: its visible candidate when the workspace lists it, else a
 * package of its own (installed when it lies in a `node_modules` folder, a workspace package otherwise), so the
 * fix a message suggests is the one that fits.
 */
function candidateFor(dir: string): PackageCandidate {
  let realDir: string | undefined;
  try {
    realDir = realpathSync.native(dir);
  } catch {
    // dangling or looping: the reader reports it
  }
  const root = findWorkspaceRoot(dir);
  if (root && realDir !== undefined) {
    const visible = findVisiblePackages(root, new DiscardingRecorder()).candidates.find(
      (candidate) => candidate.realDir === realDir,
    );
    if (visible) return visible;
  }
  const installed = (realDir ?? dir).split(sep).includes('node_modules');
  return { dir, realDir, tier: installed ? 'nested' : 'workspace', hoisted: false, linked: !installed };
}

/**
 * When `dir` is the root of a workspace (a `workspaces` field, `pnpm-workspace.yaml`, …), the names of its
 * workspace packages that declare an index (a `plux` field), sorted; undefined for any other folder.
 */
function workspacePackagesWithIndex(dir: string): string[] | undefined {
  const root = findWorkspaceRoot(dir);
  if (root?.tool === undefined) return undefined;
  let realDir: string;
  try {
    realDir = realpathSync.native(dir);
  } catch {
    return undefined;
  }
  if (root.dir !== realDir) return undefined;
  const names = new Set<string>();
  for (const candidate of findVisiblePackages(root, new DiscardingRecorder()).candidates) {
    if (candidate.tier !== 'workspace' || candidate.realDir === realDir) continue;
    const packageJson = readJson(join(candidate.dir, 'package.json'));
    const name = packageJson?.['name'];
    if (typeof name === 'string' && packageJson?.['plux'] !== undefined) names.add(printable(name));
  }
  return [...names].sort(compareStrings);
}

/** The first visible package named `wanted`, in the runtime's precedence order. */
function findPackage(wanted: string, cwd: string): PackageCandidate | undefined {
  const root = findWorkspaceRoot(cwd);
  if (!root) return undefined;
  for (const candidate of findVisiblePackages(root, new DiscardingRecorder()).candidates) {
    if (readJson(join(candidate.dir, 'package.json'))?.['name'] === wanted) return candidate;
  }
  return undefined;
}
/** A package.json as the runtime reads it: a regular file of bounded size holding a JSON object, else undefined. */
function readJson(path: string): Record<string, unknown> | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseJsonObject(text);
}
