import { defineCommand, resolveCwd } from '../command.js';
import { printable } from '../../core/printable.js';
import { explainPlugin, type Explanation } from '../explain/explain.js';
import { EXIT, paletteFor, type Palette, UsageError } from '../io.js';
import { CWD_OPTION } from './shared.js';

export const explainCommand = defineCommand({
  name: 'explain',
  description: `Why a plugin is, or is not, there: the package that declares it (name@version, folder, workspace or
installed), the packages' entries it hides and by which precedence rule, index entries of it that were
skipped and why, the PLUX_DISABLED rule that disables it, and whether its module exists inside its package.
For a name no visible package declares: the nearest names and namespaces, and the packages whose index is
missing or points at modules that are not built.

Reads the indexes only: nothing is imported, unless --load.`,
  arguments: [{ name: '<namespace>:<name>', description: 'the plugin to explain', required: true }],
  options: {
    load: {
      type: 'boolean',
      description: 'also import, create and load the plugin (no load arguments), and report what happened',
    },
    json: { type: 'boolean', description: 'print a JSON object instead of text' },
    cwd: CWD_OPTION,
  },
  exitCodes: [
    '0 the plugin would load (with --load: it loaded), 1 it would not,',
    '2 bad usage (no plugin named, --cwd names no folder).',
  ],
  async run({ values, positionals }, io) {
    const [target] = positionals;
    if (target === undefined) throw new UsageError('name the plugin: plux explain <namespace>:<name>');
    const colon = target.indexOf(':');
    if (colon <= 0 || colon === target.length - 1) {
      throw new UsageError(`expected <namespace>:<name>, got "${printable(target)}"`);
    }
    const cwd = resolveCwd(io, values.cwd);
    const explanation = await explainPlugin(target.slice(0, colon), target.slice(colon + 1), {
      cwd,
      load: values.load === true,
    });
    io.stdout.write(
      values.json
        ? `${JSON.stringify(explanation, null, 2)}\n`
        : formatExplanation(explanation, paletteFor(io)),
    );
    return explanation.wouldLoad ? EXIT.ok : EXIT.failure;
  },
});

/** The text form: one fact per line, the verdict last. */
export function formatExplanation(e: Explanation, palette: Palette): string {
  const lines = [palette.bold(e.plugin)];
  const fact = (label: string, text: string) => lines.push(`  ${label.padEnd(11)}${text}`);
  if (e.found) {
    if (e.package) {
      fact('package', `${e.package.name}@${e.package.version} (${e.package.source}) ${e.package.root}`);
    }
    fact(
      'module',
      `${e.module} ${e.moduleExists ? '(exists, inside the package)' : palette.red('(missing: build the package, then run `plux discover` in it)')}`,
    );
    for (const s of e.shadows) {
      fact('shadows', `${s.package.name}@${s.package.version} (${s.package.source}) ${s.module}: ${s.rule}`);
    }
  } else {
    fact('declared', palette.red('by no visible package'));
  }
  for (const reason of e.skipped) fact('skipped', reason);
  fact('disabled', e.disabledBy ? palette.yellow(`by PLUX_DISABLED rule "${e.disabledBy}"`) : 'no');
  if (e.load) {
    const l = e.load;
    const detail =
      l.state === 'loaded'
        ? palette.green('loaded')
        : l.state === 'disabled'
          ? palette.yellow(`disabled: ${l.reason}`)
          : palette.red(`${l.stage ?? 'error'} failed: ${l.error}`);
    fact('load', detail);
  }
  if (!e.found) {
    if (e.nearestPlugins?.length) fact('nearest', e.nearestPlugins.join(', '));
    if (e.nearestNamespaces?.length) fact('namespaces', e.nearestNamespaces.join(', '));
    for (const problem of e.indexProblems ?? []) fact('index', problem);
  }
  const verdict = e.load
    ? e.wouldLoad
      ? palette.green('loads')
      : palette.red('does not load')
    : e.wouldLoad
      ? palette.green('would load (run with --load to import and load it)')
      : palette.red('would not load');
  fact('verdict', verdict);
  return `${lines.join('\n')}\n`;
}
