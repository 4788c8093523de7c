import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import { DiscoveryError, isEmptyDiff, runDiscover, type RunDiscoverResult } from '../../build/index.js';
import { defineCommand, findPackageRoot, splitList } from '../command.js';
import { describeError, EXIT, Reporter, type CliIo } from '../io.js';

export const discoverCommand = defineCommand({
  name: 'discover',
  maxPositionals: 0,
  options: {
    path: { type: 'string' },
    include: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
    strict: { type: 'boolean' },
    check: { type: 'boolean' },
    'update-package': { type: 'boolean' },
    root: { type: 'string' },
  },
  help: `Usage: plux discover [options]

Import every JavaScript module of the package's build output (.js, .mjs, .cjs), collect each export that is a
plugin (a PluginSpec, a Plugin class with namespace and pluginName, a plugin() function) and write plux.json.

Options:
  --path <dir>        folder to scan, relative to the package root
                      (default: the folder of the built entry, from exports["."] or main)
  --include <globs>   import only modules matching these globs, relative to the scanned folder
                      (comma-separated or repeated; a glob matching a folder matches all inside it)
  --exclude <globs>   never import modules matching these globs; exclude wins over include
  -o, --output <file> the index file (default: plux.json in the package root); "-" prints it to stdout
  --strict            fail when a module throws on import (default: report it and skip it)
  --check             write nothing; exit 1 when the index file is stale, naming what differs
  --update-package    point package.json at the index ("plux" field, and "files" when present)
  --root <dir>        the package root (default: the nearest folder with a package.json)
  -h, --help          show this help

Discovery runs your package's code: each module it imports executes, side effects included. Keep modules
that do something on import (start servers, write files) out with --exclude. node_modules, dot-folders and
test files (*.spec.*, *.test.*) are never imported.

Exit codes: 0 written or up to date (also when a module failed to import without --strict),
            1 a module threw (--strict), duplicate plugins, or a stale index (--check),
            2 bad usage.
`,
  async run({ values }, io) {
    const report = new Reporter(io);
    const root = values.root === undefined ? findPackageRoot(io.cwd) : resolve(io.cwd, values.root);
    if (!root) {
      report.error(
        `no package.json in ${io.cwd} or any folder above it; run plux discover inside a package, or pass --root`,
      );
      return EXIT.failure;
    }
    const output =
      values.output === undefined || values.output === '-' ? values.output : resolve(io.cwd, values.output);
    if (values.check && output === '-') {
      report.error(
        'plux discover: --check compares with an index file; it cannot be combined with --output -',
      );
      report.detail("Run 'plux discover --help' for usage.");
      return EXIT.usage;
    }
    if (values.check && values['update-package']) {
      report.error('plux discover: --check writes nothing; it cannot be combined with --update-package');
      report.detail("Run 'plux discover --help' for usage.");
      return EXIT.usage;
    }
    let run: RunDiscoverResult;
    try {
      run = await runDiscover({
        root,
        path: values.path,
        include: splitList(values.include),
        exclude: splitList(values.exclude),
        strict: values.strict,
        output,
        check: values.check,
        updatePackage: values['update-package'],
      });
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error;
      report.error(error.message);
      return EXIT.failure;
    }
    return printOutcome(run, { io, report, check: values.check === true });
  },
});

function printOutcome(
  run: RunDiscoverResult,
  { io, report, check }: { io: CliIo; report: Reporter; check: boolean },
) {
  const { result, diff } = run;
  for (const warning of result.warnings) report.warn(warning);
  for (const failure of result.failures) {
    report.warn(
      `could not import ${failure.module}: ${describeError(failure.error)} (skipped; --strict makes this an error)`,
    );
  }
  const namespaces = new Set(result.plugins.map((p) => p.namespace)).size;
  const scanned = relative(result.root, result.scanned) || '.';
  const summary =
    `${count(result.plugins.length, 'plugin')} in ${count(namespaces, 'namespace')}, ` +
    `${count(result.modules.length, 'module')} imported from ${scanned}`;
  const where = (id: string) => {
    const p = result.plugins.find((x) => `${x.namespace}:${x.name}` === id);
    return p ? ` (${p.module}#${p.export})` : '';
  };
  const changes = [
    ...diff.added.map((id) => `added ${id}${where(id)}`),
    ...diff.removed.map((id) => `removed ${id}`),
    ...diff.changed.map((id) => `changed ${id}${where(id)}`),
  ];

  if (run.output === undefined) {
    io.stdout.write(result.index);
    report.info(`found ${summary}`);
    return EXIT.ok;
  }
  const file = relative(io.cwd, run.output) || run.output;
  if (check && run.stale) {
    report.error(`${file} is stale: it does not match the plugins discovered (${summary})`);
    for (const change of changes) report.detail(change);
    for (const problem of run.schemaProblems) report.detail(`breaks plux.schema.json: ${problem}`);
    if (isEmptyDiff(diff))
      report.detail(
        existsSync(run.output)
          ? 'same plugins, but its bytes differ (formatting)'
          : 'the file does not exist',
      );
    report.detail(`Run 'plux discover' (or the package's plux-discover target) to regenerate it.`);
    return EXIT.failure;
  }
  if (run.written) {
    report.info(`wrote ${file}: ${summary}`);
    for (const change of changes) report.detail(change);
  } else {
    report.info(`${file} is up to date: ${summary}`);
  }
  if (run.packageUpdated)
    report.info(
      `updated ${relative(io.cwd, run.packageUpdated) || run.packageUpdated}: "plux" points to the index`,
    );
  for (const hint of run.hints) report.hint(hint);
  return EXIT.ok;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
