import { logger, type ExecutorContext } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_CHECK_TARGET_NAME, DEFAULT_TARGET_NAME } from '../../plugins/options';
import { loadCoreBuild } from '../../utils/plux-packages';
import { thrownText } from '../../utils/thrown-text';
import type { DiscoverExecutorSchema } from './schema';
import type { IndexDiff, RunDiscoverResult } from '@plux/core/build';

/**
 * `@plux/nx:discover`: writes the project's plux index (`plux.json`). A thin face over `runDiscover` from
 * `@plux/core/build`, the same API the `plux discover` command calls; the defaults come from the project (the
 * scanned folder from its package.json entry, the index path from its `plux` field).
 *
 * Returns `{ success: false }` with a message prefixed `@plux/nx:` when discovery fails (a module that throws with
 * `strict`, a module that calls `process.exit()` or whose import never settles, two plugins with one name) or when
 * `check` finds the index stale. Discovery runs in Nx's process: `process.exit()` is trapped while a module is
 * imported, so such a module fails the target instead of ending Nx.
 *
 * @example
 * ```json
 * "plux-discover": { "executor": "@plux/nx:discover", "options": { "exclude": ["internal/**"] } }
 * ```
 */
export default async function discoverExecutor(
  options: DiscoverExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  const project = context.projectsConfigurations?.projects[projectName];
  if (!project) {
    logger.error(
      `@plux/nx: the discover executor needs a project; run it as ` +
        `"nx run <project>:${context.targetName ?? DEFAULT_TARGET_NAME}"`,
    );
    return { success: false };
  }
  const root = join(context.root, project.root);
  const output = resolve(root, options.output ?? indexPathOf(root) ?? 'plux.json');
  const shown = relative(context.root, output) || output;
  const targets = project.targets ?? {};
  const targetNamed = (check: boolean, fallback: string) =>
    Object.entries(targets).find(
      ([, t]) => t.executor === '@plux/nx:discover' && Boolean(t.options?.['check']) === check,
    )?.[0] ?? fallback;
  const rerun = `nx run ${projectName}:${options.check ? targetNamed(false, DEFAULT_TARGET_NAME) : (context.targetName ?? DEFAULT_TARGET_NAME)}`;
  const outputs = targets[context.targetName ?? '']?.outputs ?? [];
  if (options.check && declaresOutput(outputs, output, context.root, project.root)) {
    // Its inputs leave the index out, so after one run every later --check is a cache hit, and Nx restores the
    // cached index over the file being checked.
    logger.error(
      `@plux/nx: --check does not belong on ${projectName}:${context.targetName}, whose outputs include ${shown}: ` +
        `Nx would answer it from the cache without looking at the index. ` +
        `Run "nx run ${projectName}:${targetNamed(true, DEFAULT_CHECK_TARGET_NAME)}" instead.`,
    );
    return { success: false };
  }

  const core = await loadCoreBuild();
  const existed = existsSync(output);
  try {
    const run = await core.runDiscover({
      root,
      path: options.path,
      include: options.include,
      exclude: options.exclude,
      strict: options.strict,
      check: options.check,
      output,
      importTimeout: options.importTimeout,
    });
    for (const failure of run.result.failures) {
      logger.warn(`@plux/nx: skipped ${failure.module}, it threw on import: ${thrownText(failure.error)}`);
    }
    for (const line of [...run.result.warnings, ...run.hints]) logger.warn(`@plux/nx: ${line}`);
    if (options.check) {
      if (run.stale) {
        logger.error(`@plux/nx: ${shown} is stale (${describeDiff(run.diff)}); run "${rerun}" and commit it`);
        return { success: false };
      }
      logger.info(`@plux/nx: ${shown} is up to date`);
      return { success: true };
    }
    if (run.output === undefined) process.stdout.write(run.result.index);
    else for (const line of reportOutcome(run, { shown, existed })) logger.info(`@plux/nx: ${line}`);
    return { success: true };
  } catch (error) {
    if (error instanceof core.DiscoveryError) {
      logger.error(`@plux/nx: discovery failed for ${projectName}:`);
      for (const problem of error.problems) logger.error(`  - ${problem}`);
      return { success: false };
    }
    logger.error(`@plux/nx: discovery failed unexpectedly for ${projectName}: ${thrownText(error)}`);
    if (error instanceof Error && error.stack) logger.error(error.stack);
    return { success: false };
  }
}

/** The index path a package.json names in its `plux` field, when the field is a path (not an inline index). */
export function indexPathOf(projectRoot: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { plux?: unknown };
    return typeof pkg.plux === 'string' && pkg.plux !== '' ? pkg.plux : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a target's `outputs` name the index file (so its cache key cannot see the index). */
function declaresOutput(
  outputs: string[],
  index: string,
  workspaceRoot: string,
  projectRoot: string,
): boolean {
  return outputs.some((pattern) => {
    const path = pattern
      .replace('{projectRoot}', projectRoot)
      .replace('{workspaceRoot}', '')
      .replace(/^\/+/, '');
    return resolve(workspaceRoot, path) === index;
  });
}

/**
 * What the run did to the index, phrased as the state it left and the change the discovery made to the index it
 * found: `pkg/plux.json lists 3 plugins from 2 modules, unchanged`, or that line ending in `; discovery changed
 * the index it found:` and one `added`/`removed`/`changed <namespace>:<name>` line per plugin. On a cache hit Nx
 * replays these lines while it restores the file, and they still hold: they describe the discovery that produced
 * the restored index, never "wrote" as if this run had written it.
 */
export function reportOutcome(run: RunDiscoverResult, index: { shown: string; existed: boolean }): string[] {
  const { shown, existed } = index;
  const { result, diff } = run;
  const state = `${shown} lists ${plural(result.plugins.length, 'plugin')} from ${plural(result.modules.length, 'module')}`;
  if (!run.written) return [`${state}, unchanged`];
  const where = (id: string) => {
    const plugin = result.plugins.find((p) => `${p.namespace}:${p.name}` === id);
    return plugin ? ` (${plugin.module}#${plugin.export})` : '';
  };
  const changes = [
    ...diff.added.map((id) => `  added ${id}${where(id)}`),
    ...diff.removed.map((id) => `  removed ${id}`),
    ...diff.changed.map((id) => `  changed ${id}${where(id)}`),
  ];
  if (changes.length > 0) return [`${state}; discovery changed the index it found:`, ...changes];
  return [`${state}; discovery ${existed ? 'reformatted the index it found (same plugins)' : 'created it'}`];
}

function describeDiff(diff: IndexDiff): string {
  const parts = [
    diff.added.length ? `added ${diff.added.join(', ')}` : '',
    diff.removed.length ? `removed ${diff.removed.join(', ')}` : '',
    diff.changed.length ? `changed ${diff.changed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'same plugins, different bytes';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
