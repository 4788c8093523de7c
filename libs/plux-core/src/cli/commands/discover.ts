import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import {
  DiscoveryError,
  isEmptyDiff,
  runDiscover,
  type IndexDiff,
  type IndexedPlugin,
  type RunDiscoverResult,
} from '../../build/index.js';
import { DEFAULT_IMPORT_TIMEOUT_MS } from '../../build/import-module.js';
import { defineCommand, findPackageRoot, resolveFolder, splitList } from '../command.js';
import { describeError, EXIT, printable, Reporter, UsageError, type CliIo } from '../io.js';

export const discoverCommand = defineCommand({
  name: 'discover',
  description: `Import every JavaScript module of the package's build output (.js, .mjs, .cjs), collect each export that is a
plugin (a PluginSpec, a Plugin class with namespace and pluginName, a plugin() function) and write plux.json.`,
  options: {
    path: {
      type: 'string',
      value: '<dir>',
      description:
        'folder to scan, relative to the package root\n(default: the folder of the built entry, from exports["."] or main)',
    },
    include: {
      type: 'string',
      multiple: true,
      value: '<globs>',
      description:
        'import only modules matching these globs, relative to the scanned folder\n' +
        '(comma-separated or repeated; a glob matching a folder matches all inside it)',
    },
    exclude: {
      type: 'string',
      multiple: true,
      value: '<globs>',
      description: 'never import modules matching these globs; exclude wins over include',
    },
    output: {
      type: 'string',
      short: 'o',
      value: '<file>',
      description:
        'the index file (default: plux.json in the package root); "-" prints it to stdout\n' +
        '(and sends whatever the imported modules print to stderr)',
    },
    strict: {
      type: 'boolean',
      description: 'fail when a module throws on import (default: report it and skip it)',
    },
    check: {
      type: 'boolean',
      description: 'write nothing; exit 1 when the index file is stale, naming what differs',
    },
    'update-package': {
      type: 'boolean',
      description: 'point package.json at the index ("plux" field, and "files" when present)',
    },
    root: {
      type: 'string',
      value: '<dir>',
      description: 'the package root (default: the nearest folder with a package.json)',
    },
    'import-timeout': {
      type: 'string',
      value: '<ms>',
      description: `how long one module's import may take (default: $PLUX_IMPORT_TIMEOUT, else ${DEFAULT_IMPORT_TIMEOUT_MS})`,
    },
  },
  notes: `Discovery runs your package's code: each module it imports executes, side effects included. Keep modules
that do something on import (start servers, write files) out with --exclude. node_modules, dot-folders and
test files (*.spec.*, *.test.*) are never imported. A module that calls process.exit() while it is imported,
or whose import does not settle (a top-level await that never ends, or runs past --import-timeout), fails
discovery, naming the module.`,
  exitCodes: [
    '0 written or up to date (also when a module failed to import without --strict),',
    '1 a module threw (--strict), ended or stalled the import, duplicate plugins, or a stale',
    '  index (--check),',
    '2 bad usage (also a --root that names no folder).',
  ],
  async run({ values }, io) {
    const report = new Reporter(io);
    const root =
      values.root === undefined ? findPackageRoot(io.cwd) : resolveFolder(io, '--root', values.root);
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
    // With --output -, stdout is the index alone: whatever the imported modules print, now or later, goes to
    // stderr (io.stdout keeps the real stream).
    if (output === '-') io.routeStrayOutput?.();
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
        importTimeout: parseTimeout(values['import-timeout']),
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
  const changes = describeChanges(result.plugins, diff);

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

/**
 * One line per plugin the diff names (`added acme:sqs (./dist/sqs.js#sqs)`). Linear in the plugins: each is read
 * once into a map, never searched for per line.
 */
export function describeChanges(plugins: readonly IndexedPlugin[], diff: IndexDiff): string[] {
  const byId = new Map<string, IndexedPlugin>();
  for (const p of plugins) byId.set(`${p.namespace}:${p.name}`, p);
  const where = (id: string) => {
    const p = byId.get(id);
    return p ? ` (${p.module}#${p.export})` : '';
  };
  return [
    ...diff.added.map((id) => `added ${id}${where(id)}`),
    ...diff.removed.map((id) => `removed ${id}`),
    ...diff.changed.map((id) => `changed ${id}${where(id)}`),
  ];
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(
      `--import-timeout needs a positive whole number of milliseconds, got ${printable(value)}`,
    );
  }
  return ms;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
