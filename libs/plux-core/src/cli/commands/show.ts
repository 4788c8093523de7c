import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { parseIndex, serializeIndex } from '../../core/plux-index.js';
import { WatchRecorder } from '../../runtime/cache.js';
import { findVisiblePackages, findWorkspaceRoot } from '../../runtime/workspace.js';
import { defineCommand, findPackageRoot } from '../command.js';
import { describeError, EXIT, Reporter } from '../io.js';

export const showCommand = defineCommand({
  name: 'show',
  maxPositionals: 1,
  options: {
    cwd: { type: 'string' },
  },
  help: `Usage: plux show [package]

Print a package's index (plux.json, or the inline "plux" field of its package.json) as the runtime reads it:
entries that fail validation are left out and reported on stderr.

Arguments:
  package      a package name visible from the current folder (a workspace package or one installed in
               node_modules), or a path to a package folder (default: the package of the current folder)

Options:
  --cwd <dir>  look from this folder instead of the current one
  -h, --help   show this help

Exit codes: 0 printed, 1 no such package or it has no index, 2 bad usage.
`,
  async run({ values, positionals }, io) {
    const report = new Reporter(io);
    const cwd = values.cwd === undefined ? io.cwd : resolve(io.cwd, values.cwd);
    const [wanted] = positionals;
    const root = wanted === undefined ? findPackageRoot(cwd) : findPackage(wanted, cwd);
    if (!root) {
      report.error(
        wanted === undefined
          ? `no package.json in ${cwd} or any folder above it`
          : `no package ${wanted} is visible from ${cwd} (neither a workspace package nor installed in node_modules)`,
      );
      return EXIT.failure;
    }
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
  },
});

/** A package folder: a path to one, or the first visible package of that name, in the runtime's precedence order. */
function findPackage(wanted: string, cwd: string): string | undefined {
  if (wanted.startsWith('.') || isAbsolute(wanted)) {
    const dir = resolve(cwd, wanted);
    return existsSync(join(dir, 'package.json')) ? dir : undefined;
  }
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
