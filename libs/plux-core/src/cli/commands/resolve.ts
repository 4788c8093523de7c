import { PluginManager, type PluginContainer } from '../../runtime/manager.js';
import { defineCommand, resolveCwd } from '../command.js';
import { EXIT, errorText, formatTable, paletteFor, printable, Reporter, type Cell } from '../io.js';

/** One row of `plux resolve --json`. */
export interface ResolvedPlugin {
  name: string;
  state: 'loaded' | 'disabled' | 'error';
  /** `name@version` of the providing package, when known. */
  package: string | null;
  /** Why the plugin is disabled. */
  reason?: string;
  /** The step that failed: `resolve` (import), `init` (factory) or `load`. */
  stage?: 'resolve' | 'init' | 'load';
  /** The error, as `Name: message`. */
  error?: string;
}

export const resolveCommand = defineCommand({
  name: 'resolve',
  description: `Load every plugin of a namespace through a PluginManager, as an application would (without load
arguments), and report each one's state: loaded, disabled with its reason, or error with its message.
This imports the plugins' modules and runs their load(): it runs their code.`,
  options: {
    namespace: {
      type: 'string',
      short: 'n',
      value: '<ns>',
      description: 'the namespace (required)',
      required: true,
    },
    json: { type: 'boolean', description: 'print a JSON array instead of a table' },
    cwd: {
      type: 'string',
      value: '<dir>',
      description: 'resolve from this folder instead of the current one',
    },
  },
  exitCodes: [
    '0 every plugin loaded or is disabled, 1 at least one failed,',
    '2 bad usage (--namespace missing, --cwd names no folder).',
  ],
  async run({ values }, io) {
    const report = new Reporter(io);
    const namespace = values.namespace!;
    const cwd = resolveCwd(io, values.cwd);
    const manager = new PluginManager(namespace, { cwd });
    const results: ResolvedPlugin[] = [];
    for (const name of manager.listNames()) {
      try {
        await manager.load(name);
      } catch {
        // The container holds the state and the error; every state is reported below.
      }
      results.push(describeContainer(manager.getContainer(name)));
    }

    if (values.json) {
      io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else if (results.length === 0) {
      report.info(`no plugins in namespace ${printable(namespace)} visible from ${cwd}`);
    } else {
      const palette = paletteFor(io);
      const paint = { loaded: palette.green, disabled: palette.yellow, error: palette.red };
      const rows = results.map((r): Cell[] => [
        r.name,
        { text: r.state, paint: paint[r.state] },
        r.package ?? '?',
        r.state === 'disabled'
          ? (r.reason ?? '')
          : r.state === 'error'
            ? `${r.stage}: ${printable(r.error ?? '', 1000)}`
            : '',
      ]);
      io.stdout.write(formatTable(['NAME', 'STATE', 'PACKAGE', 'DETAIL'], rows, palette));
    }
    const failed = results.filter((r) => r.state === 'error');
    if (failed.length) {
      report.error(
        `${failed.length} of ${results.length} plugin(s) in ${printable(namespace)} failed: ${failed.map((r) => r.name).join(', ')}`,
      );
      return EXIT.failure;
    }
    return EXIT.ok;
  },
});

function describeContainer(container: PluginContainer): ResolvedPlugin {
  const dist = container.distribution ?? container.entryPoint?.distribution;
  const base = { name: container.name, package: dist ? `${dist.name}@${dist.version}` : null };
  if (container.isDisabled) return { ...base, state: 'disabled', reason: container.disabledReason ?? '' };
  const failure =
    container.resolveError !== undefined
      ? { stage: 'resolve' as const, error: container.resolveError }
      : container.initError !== undefined
        ? { stage: 'init' as const, error: container.initError }
        : container.loadError !== undefined
          ? { stage: 'load' as const, error: container.loadError }
          : undefined;
  if (failure) return { ...base, state: 'error', stage: failure.stage, error: errorText(failure.error) };
  if (container.isLoaded) return { ...base, state: 'loaded' };
  return { ...base, state: 'error', error: 'the plugin did not load, and no error was recorded' };
}
