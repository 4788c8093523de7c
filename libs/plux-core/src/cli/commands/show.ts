import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { parseIndex, serializeIndex } from '../../core/plux-index.js';
import { findVisiblePackages } from '../../runtime/visible-packages.js';
import { WatchRecorder } from '../../runtime/watch.js';
import { findWorkspaceRoot } from '../../runtime/workspace.js';
import { defineCommand, findPackageRoot, resolveCwd } from '../command.js';
import { describeError, EXIT, printable, Reporter, UsageError, type CliIo } from '../io.js';

export const showCommand = defineCommand({
  name: 'show',
  description: `Print a package's index (plux.json, or the inline "plux" field of its package.json) as the runtime reads it:
entries that fail validation are left out and reported on stderr.`,
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
    cwd: { type: 'string', value: '<dir>', description: 'look from this folder instead of the current one' },
  },
  exitCodes: [
    '0 printed, 1 no such package or it has no index,',
    '2 bad usage (a path or --cwd that names no folder).',
  ],
  async run({ values, positionals }, io) {
    const report = new Reporter(io);
    const cwd = resolveCwd(io, values.cwd);
    const [wanted] = positionals;
    if (wanted !== undefined && isPath(wanted)) return showPath(wanted, cwd, io);
    const root = wanted === undefined ? findPackageRoot(cwd) : findPackage(wanted, cwd);
    if (!root) {
      report.error(
        wanted === undefined
          ? `no package.json in ${cwd} or any folder above it`
          : `no package ${printable(wanted)} is visible from ${cwd} (neither a workspace package nor installed in node_modules)`,
      );
      return EXIT.failure;
    }
    return showIndex(root, io);
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

function showIndex(root: string, io: CliIo): number {
  const report = new Reporter(io);
  const packageJson = readJson(join(root, 'package.json'));
  const name = typeof packageJson?.['name'] === 'string' ? packageJson['name'] : root;
  const field = packageJson?.['plux'];
  if (field === undefined) {
    report.error(`${name} (${root}) has no "plux" field in its package.json, so it declares no index`);
    report.detail("Run 'plux discover --update-package' in it to write and declare one.");
    return EXIT.failure;
  }
  let raw: unknown = field;
  if (typeof field === 'string') {
    const file = resolve(root, field);
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      report.error(`${name}: cannot read its index ${field}: ${describeError(error)}`);
      return EXIT.failure;
    }
  }
  const { plugins, problems } = parseIndex(raw);
  for (const problem of problems) report.warn(`${name}: ${problem}`);
  io.stdout.write(serializeIndex(plugins));
  return EXIT.ok;
}

/** The folder of the first visible package named `wanted`, in the runtime's precedence order. */
function findPackage(wanted: string, cwd: string): string | undefined {
  const root = findWorkspaceRoot(cwd);
  if (!root) return undefined;
  for (const candidate of findVisiblePackages(root, new WatchRecorder()).candidates) {
    if (readJson(join(candidate.dir, 'package.json'))?.['name'] === wanted) return candidate.dir;
  }
  return undefined;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
