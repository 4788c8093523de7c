import { relative } from 'node:path';

import { EXAMPLES_NAMESPACE, SERVICES_NAMESPACE } from '@minicloud/api';
import { PluginManager, type EntryPoint } from '@plux/core';

import { COMMANDS_NAMESPACE, defineCommand, sharedOptions, styleFor, writeLines } from '../command.js';
import { describeDistribution, packageLabel } from '../origin.js';
import { appRoot } from '../paths.js';
import { formatTable } from '../term.js';

/** The namespaces minicloud reads plugins from. */
export const NAMESPACES = [COMMANDS_NAMESPACE, SERVICES_NAMESPACE, EXAMPLES_NAMESPACE] as const;

/**
 * `minicloud plugins`: every plugin of minicloud's namespaces with the package that provides it, read from the
 * packages' `plux.json` indexes only: no plugin module is imported.
 */
export const plugins = defineCommand(
  'plugins',
  {
    summary: "list every plugin in minicloud's namespaces and its package (reads plux.json, imports nothing)",
    options: { json: sharedOptions.json },
  },
  async function plugins(args, io) {
    const entries = NAMESPACES.flatMap((ns) =>
      new PluginManager(ns, { cwd: appRoot })
        .listEntryPoints()
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(entries.map(toJson), null, 2)}\n`);
      return 0;
    }
    const style = styleFor(io);
    const header = ['NAMESPACE', 'NAME', 'PACKAGE', 'FROM', 'ENTRY POINT'].map((h) => style.dim(h));
    writeLines(io.stdout, [
      ...formatTable([
        header,
        ...entries.map((e) => {
          const origin = describeDistribution(e.distribution);
          return [
            e.namespace,
            style.bold(e.name),
            packageLabel(origin),
            origin.kind === 'installed' ? style.cyan(origin.kind) : origin.kind,
            style.dim(`${moduleOf(e)}#${e.export}`),
          ];
        }),
      ]),
      '',
      style.dim(
        `${entries.length} plugins in ${NAMESPACES.length} namespaces, read from plux.json; none imported`,
      ),
    ]);
    return 0;
  },
);

function moduleOf(entry: EntryPoint): string {
  return entry.distribution ? relative(entry.distribution.root, entry.module) : entry.module;
}

function toJson(entry: EntryPoint) {
  const origin = describeDistribution(entry.distribution);
  return {
    namespace: entry.namespace,
    name: entry.name,
    value: entry.value,
    package: { name: origin.package, version: origin.version, origin: origin.kind, path: origin.path },
  };
}
