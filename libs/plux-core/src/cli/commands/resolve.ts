import { IndexPluginFinder } from '../../runtime/finder.js';
import { PluginManager, type PluginContainer } from '../../runtime/manager.js';
import { pluginState } from '../../runtime/plugin-state.js';
import { defineCommand, resolveCwd } from '../command.js';
import { EXIT, errorText, formatTable, paletteFor, printable, Reporter, type Cell } from '../io.js';
import { JSON_TABLE_OPTION } from './shared.js';

/** One row of `plux resolve --json`. */
export interface ResolvedPlugin {
  name: string;
  /** `resolved` without `--load`; `loaded` or `disabled` with it; `error` when a step failed. */
  state: 'resolved' | 'loaded' | 'disabled' | 'error';
  /** `name@version` of the providing package, when known. */
  package: string | null;
  /** Why the plugin is disabled. */
  reason?: string;
  /** The step that failed: `resolve` (import), `init` (factory) or `load`. */
  stage?: 'resolve' | 'init' | 'load';
  /** The error, as `Name: message`. */
  error?: string;
  /** The resolved spec, as `PluginSpec(<ns>:<name> = <factory>)` (plux prints the spec the same way). */
  spec?: string;
}

export const resolveCommand = defineCommand({
  name: 'resolve',
  description: `Resolve every plugin of a namespace, as plux's resolve does: import its module and turn its export
into a PluginSpec, then print the spec. Nothing is created or loaded. This imports the plugins' modules: it
runs their top-level code.

With --load, also create and load each plugin through a PluginManager, as an application would (without
load arguments), and report its state: loaded, disabled with its reason, or error with its message.`,
  options: {
    namespace: {
      type: 'string',
      short: 'n',
      value: '<ns>',
      description: 'the namespace (required)',
      required: true,
    },
    load: {
      type: 'boolean',
      description: 'also create and load each plugin (runs its constructor, shouldLoad and load)',
    },
    json: JSON_TABLE_OPTION,
    cwd: {
      type: 'string',
      value: '<dir>',
      description: 'resolve from this folder instead of the current one',
    },
  },
  exitCodes: [
    '0 every plugin resolved (with --load: loaded or is disabled), 1 at least one failed,',
    '2 bad usage (--namespace missing, --cwd names no folder).',
  ],
  async run({ values }, io) {
    const report = new Reporter(io);
    const namespace = values.namespace!;
    const cwd = resolveCwd(io, values.cwd);
    const manager = new PluginManager(namespace, { cwd });
    const results: ResolvedPlugin[] = [];
    if (!values.load) {
      // imports each module and resolves each export; a failure is recorded on its container
      await manager.listPluginSpecs();
    }
    for (const name of manager.listNames()) {
      if (values.load) {
        try {
          await manager.load(name);
        } catch {
          // The container holds the state and the error; every state is reported below.
        }
      }
      results.push(describeContainer(manager.getContainer(name)));
    }

    if (values.json) {
      io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else if (results.length === 0) {
      // With no plugin visible at all the finder has already warned, naming the root and the fix: said once.
      if (IndexPluginFinder.forCwd(cwd).listEntryPoints().length > 0)
        report.info(`no plugins in namespace ${printable(namespace)} visible from ${cwd}`);
    } else {
      const palette = paletteFor(io);
      const paint = {
        resolved: palette.green,
        loaded: palette.green,
        disabled: palette.yellow,
        error: palette.red,
      };
      const rows = results.map((r): Cell[] => [
        r.name,
        { text: r.state, paint: paint[r.state] },
        r.package ?? '?',
        r.state === 'disabled'
          ? (r.reason ?? '')
          : r.state === 'error'
            ? `${r.stage}: ${printable(r.error ?? '', 1000)}`
            : r.state === 'resolved'
              ? (r.spec ?? '')
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

/** The state of a container as `plux resolve` reports it: {@link pluginState}, in the command's words. */
export function describeContainer(container: PluginContainer): ResolvedPlugin {
  const dist = container.distribution ?? container.entryPoint?.distribution;
  const base = { name: container.name, package: dist ? `${dist.name}@${dist.version}` : null };
  const state = pluginState(container);
  switch (state.state) {
    case 'disabled':
      return { ...base, state: 'disabled', reason: state.reason ?? '' };
    case 'failed':
      return { ...base, state: 'error', stage: state.stage, error: errorText(state.error) };
    case 'loaded':
      return { ...base, state: 'loaded' };
    case 'resolved':
      return { ...base, state: 'resolved', spec: String(container.spec) };
    case 'found':
      return { ...base, state: 'error', error: 'the plugin did not load, and no error was recorded' };
  }
}
