import type { EntryPoint } from '../../core/entry-point.js';
import { IndexPluginFinder } from '../../runtime/finder.js';
import { compareStrings } from '../../utils/compare.js';
import { defineCommand, resolveCwd } from '../command.js';
import { EXIT, formatTable, paletteFor, printable, Reporter, type Cell } from '../io.js';
import { CWD_OPTION, JSON_TABLE_OPTION, modulePath } from './shared.js';

/** One row of `plux list --json`. */
export interface ListedPlugin {
  namespace: string;
  name: string;
  /** The providing package's name, or null when the entry point has no distribution. */
  package: string | null;
  version: string | null;
  /** `workspace` for a package of the enclosing workspace, `installed` for one in node_modules. */
  source: 'workspace' | 'installed' | null;
  /** The module relative to its package root (`./dist/services.js`). */
  module: string;
  export: string;
  /** `<package>:<module>#<export>`: what `value` filters and `PLUX_DISABLED` rules see. */
  value: string;
  /** The absolute path of the module. */
  path: string;
  /** Set on a plugin that another package's plugin of the same namespace and name hides: `name@version`. */
  shadowedBy?: string;
}

export const listCommand = defineCommand({
  name: 'list',
  description: `List every plugin visible from the current folder: those of the enclosing workspace's packages and of the
packages installed in node_modules, read from their indexes (plux.json). Nothing is imported.

Columns: namespace, name, package@version, workspace or installed, module#export. A plugin hidden by a
plugin of the same namespace and name in a package that takes precedence is listed as shadowed.`,
  options: {
    namespace: {
      type: 'string',
      short: 'n',
      value: '<ns>',
      description: 'only the plugins of this namespace',
    },
    json: JSON_TABLE_OPTION,
    cwd: CWD_OPTION,
  },
  exitCodes: ['0 listed (also when nothing was found), 2 bad usage (--cwd names no folder).'],
  async run({ values }, io) {
    const report = new Reporter(io);
    const cwd = resolveCwd(io, values.cwd);
    const finder = IndexPluginFinder.forCwd(cwd);
    const wanted = (ep: EntryPoint) => values.namespace === undefined || ep.namespace === values.namespace;
    const listed: ListedPlugin[] = finder.listEntryPoints().filter(wanted).map(toListed);
    for (const { winner, loser } of finder.listShadowed()) {
      if (!wanted(loser)) continue;
      listed.push({ ...toListed(loser), shadowedBy: packageRef(winner) });
    }
    listed.sort(
      (a, b) =>
        compareStrings(a.namespace, b.namespace) ||
        compareStrings(a.name, b.name) ||
        Number(a.shadowedBy !== undefined) - Number(b.shadowedBy !== undefined) ||
        compareStrings(a.value, b.value),
    );
    // Problems in the indexes (and shadowed plugins) are already reported by the finder, once, on stderr.

    if (values.json) {
      io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
      return EXIT.ok;
    }
    if (listed.length === 0) {
      // With no plugin visible at all the finder has already warned, naming the root and the fix: said once.
      if (values.namespace !== undefined && finder.listEntryPoints().length > 0)
        report.info(`no plugins in namespace ${printable(values.namespace)} visible from ${cwd}`);
      return EXIT.ok;
    }
    const palette = paletteFor(io);
    const anyShadowed = listed.some((p) => p.shadowedBy !== undefined);
    const header = ['NAMESPACE', 'NAME', 'PACKAGE', 'SOURCE', 'MODULE', ...(anyShadowed ? ['NOTE'] : [])];
    const rows = listed.map((p): Cell[] => {
      const row: Cell[] = [
        p.namespace,
        p.name,
        p.package === null ? '?' : `${p.package}@${p.version}`,
        p.source ?? '?',
        `${p.module}#${p.export}`,
      ];
      if (p.shadowedBy !== undefined) {
        const dim = (cell: string): Cell => ({ text: cell, paint: palette.dim });
        return [...row.map((c) => dim(c as string)), dim(`shadowed by ${p.shadowedBy}`)];
      }
      return row;
    });
    io.stdout.write(formatTable(header, rows, palette));
    return EXIT.ok;
  },
});

function toListed(ep: EntryPoint): ListedPlugin {
  const dist = ep.distribution;
  return {
    namespace: ep.namespace,
    name: ep.name,
    package: dist?.name ?? null,
    version: dist?.version ?? null,
    source: dist === undefined ? null : dist.workspace ? 'workspace' : 'installed',
    module: modulePath(ep),
    export: ep.export,
    value: ep.value,
    path: ep.module,
  };
}

function packageRef(ep: EntryPoint): string {
  return ep.distribution ? `${ep.distribution.name}@${ep.distribution.version}` : ep.value;
}
