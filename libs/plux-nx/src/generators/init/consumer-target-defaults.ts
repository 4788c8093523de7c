import {
  logger,
  readNxJson,
  updateNxJson,
  type NxJsonConfiguration,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { isDryRun } from '../../utils/dry-run';

/**
 * The targets that run an app or its tests, and so read the plux indexes of the packages it depends on. `init`
 * makes each of them depend on `^plux-discover` through nx.json's `targetDefaults`, as Nx's own plugins add their
 * `dependsOn: ["^build"]` defaults: a target default applies only to projects that have the target, and a
 * dependency without a discover target adds nothing, so projects that do not use plux are unaffected.
 */
export const CONSUMER_TARGETS = ['build', 'test', 'serve', 'start'] as const;

/**
 * The executors that build, run or test an app. Nx looks a target's default up by its executor first and falls back
 * to its name only when nx.json has no default keyed by the executor (`@nx/node` adds
 * `targetDefaults["@nx/esbuild:esbuild"]`, for instance), so `init` appends `^plux-discover` to the default of each
 * of these executors that nx.json already has: a `build` that runs `@nx/esbuild:esbuild` never sees
 * `targetDefaults.build`.
 */
export const CONSUMER_EXECUTORS = [
  '@nx/esbuild:esbuild',
  '@nx/webpack:webpack',
  '@nx/rspack:rspack',
  '@nx/js:tsc',
  '@nx/js:swc',
  '@nx/js:node',
  '@nx/vite:build',
  '@nx/vite:test',
  '@nx/vitest:test',
  '@nx/rollup:rollup',
  '@nx/jest:jest',
] as const;

/**
 * Makes every target in {@link CONSUMER_TARGETS} depend on the discover target of the project's dependencies, in
 * `nxJson.targetDefaults` (changed in place), and so the default of every executor in {@link CONSUMER_EXECUTORS}
 * that nx.json already has (one it lacks is not added: the name's default applies then). An existing default keeps
 * what it has: the dependency is appended to its `dependsOn`, or, where it has none, added after `"..."` so the
 * `dependsOn` a plugin infers (`^build`) stays. Idempotent. A default written as an array of filtered entries is
 * left alone (returned in `skipped`).
 *
 * @returns the keys (target names, then executors) whose default changed, and those left alone.
 */
export function addConsumerTargetDefaults(
  nxJson: NxJsonConfiguration,
  discoverTargetName: string,
): { changed: string[]; skipped: string[] } {
  const dependency = `^${discoverTargetName}`;
  const defaults = (nxJson.targetDefaults ??= {}) as Record<string, unknown>;
  const changed: string[] = [];
  const skipped: string[] = [];
  const executors = CONSUMER_EXECUTORS.filter((executor) => defaults[executor] !== undefined);
  for (const name of [...CONSUMER_TARGETS, ...executors]) {
    const current = defaults[name];
    if (current === undefined) {
      defaults[name] = { dependsOn: ['...', dependency] };
      changed.push(name);
      continue;
    }
    if (typeof current !== 'object' || current === null || Array.isArray(current)) {
      skipped.push(name);
      continue;
    }
    const target = current as Partial<TargetConfiguration>;
    const dependsOn = target.dependsOn;
    if (dependsOn === undefined) {
      target.dependsOn = ['...', dependency];
      changed.push(name);
    } else if (!dependsOn.some((d) => d === dependency)) {
      target.dependsOn = [...dependsOn, dependency];
      changed.push(name);
    }
  }
  return { changed, skipped };
}

/**
 * {@link addConsumerTargetDefaults} on the workspace's nx.json, saying what changed (once: a second call changes
 * nothing and says nothing) and warning about a default it cannot extend.
 */
export function wireConsumerTargets(tree: Tree, discoverTargetName: string): void {
  const nxJson = readNxJson(tree);
  if (!nxJson) return;
  const { changed, skipped } = addConsumerTargetDefaults(nxJson, discoverTargetName);
  if (changed.length > 0) {
    updateNxJson(tree, nxJson);
    const names = changed.filter((key) => !key.includes(':'));
    const executors = changed.filter((key) => key.includes(':'));
    const what = [
      names.length > 0 ? `the ${names.join(', ')} targets` : '',
      executors.length > 0 ? `the targets that run ${executors.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    logger.info(
      `@plux/nx: ${isDryRun() ? 'would make' : 'made'} ${what} depend on ^${discoverTargetName} ` +
        '(nx.json targetDefaults), so an app gets the plux indexes of its dependencies first',
    );
  }
  for (const name of skipped) {
    logger.warn(
      `@plux/nx: nx.json's targetDefaults["${name}"] is not a plain object; add "^${discoverTargetName}" to its ` +
        `dependsOn so ${name.includes(':') ? `a target running ${name}` : name} runs after the plux indexes of ` +
        "the project's dependencies are written",
    );
  }
}
