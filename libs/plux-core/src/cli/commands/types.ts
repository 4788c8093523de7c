import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

import { IndexPluginFinder } from '../../runtime/finder.js';
import { defineCommand, findPackageRoot, resolveCwd } from '../command.js';
import { EXIT, Reporter, UsageError } from '../io.js';
import { CWD_OPTION } from './shared.js';
import { renderRegistry } from '../types/render.js';

/** Where `plux types` writes, relative to the package root, unless `--out` says otherwise. */
export const DEFAULT_TYPES_OUT = 'src/plux-registry.d.ts';

export const typesCommand = defineCommand({
  name: 'types',
  description: `Write the PluginRegistry augmentation of @plux/core for every plugin visible from the current folder, from the
indexes (plux.json) alone: nothing is imported. With it in your program, new PluginManager('acme.services')
knows its plugins: load('s3') has the S3 plugin's own type, and a misspelt namespace or name does not compile.

Each plugin's type is a type-only import of its export through a path your code can resolve: the package's
name and its "exports" map. A plugin whose type cannot be reached from outside its package (no .d.ts, or no
export leads to its module) is typed as Plugin, and named on stderr.`,
  options: {
    out: {
      type: 'string',
      short: 'o',
      value: '<file>|-',
      description: `where to write, relative to the package root (default: ${DEFAULT_TYPES_OUT}); - for stdout`,
    },
    check: {
      type: 'boolean',
      description:
        'write nothing; exit 1, naming the difference, when the file is not up to date (a CI lint)',
    },
    cwd: CWD_OPTION,
  },
  exitCodes: [
    '0 written (or up to date), 1 stale under --check,',
    '2 bad usage (--check with --out -, --cwd names no folder).',
  ],
  async run({ values }, io) {
    const report = new Reporter(io);
    const cwd = resolveCwd(io, values.cwd);
    const root = findPackageRoot(cwd) ?? cwd;
    const out = values.out ?? DEFAULT_TYPES_OUT;
    if (values.check && out === '-')
      throw new UsageError('--check compares a file: it cannot be used with --out -');
    const finder = new IndexPluginFinder({ cwd });
    const command = out === DEFAULT_TYPES_OUT ? 'plux types' : `plux types --out ${out}`;
    const { text, plugins, untyped } = renderRegistry(finder.listEntryPoints(), command);
    for (const u of untyped) {
      report.warn(`${u.namespace}:${u.name} (${u.package}) is typed as Plugin: ${u.reason}`);
    }
    if (out === '-') {
      io.stdout.write(text);
      return EXIT.ok;
    }
    const file = resolve(root, out);
    const shown = relative(io.cwd, file) || file;
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (values.check) {
      if (current === text) {
        report.info(`${shown} is up to date (${plugins} plugin(s))`);
        return EXIT.ok;
      }
      report.error(
        current === undefined
          ? `${shown} does not exist; run '${command}' to write it`
          : `${shown} is stale: ${describeChange(current, text)}; run '${command}' to regenerate it`,
      );
      return EXIT.failure;
    }
    if (current !== text) {
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, file);
    }
    report.info(`${current === text ? 'unchanged' : 'wrote'} ${shown} (${plugins} plugin(s))`);
    return EXIT.ok;
  },
});

/** The plugin lines that differ between two registries, in a few words. */
function describeChange(before: string, after: string): string {
  const entries = (text: string) => new Set(text.split('\n').filter((l) => /^\s{6}"/.test(l)));
  const old = entries(before);
  const now = entries(after);
  const added = [...now].filter((l) => !old.has(l)).map((l) => l.trim().split(':')[0]);
  const removed = [...old].filter((l) => !now.has(l)).map((l) => l.trim().split(':')[0]);
  const parts = [
    ...(added.length ? [`${added.length} entry(ies) to add or change (${added.join(', ')})`] : []),
    ...(removed.length ? [`${removed.length} to remove or change (${removed.join(', ')})`] : []),
  ];
  return parts.length ? parts.join(', ') : 'its text differs';
}
