import type { NxJsonConfiguration, TargetConfiguration } from '@nx/devkit';
import { join } from 'node:path';
import type { PackageLocation } from '../utils/plux-packages';
import { readJsonObject } from '../utils/read-json';

/**
 * The parts every inferred plux target shares: how the code of `@plux/nx` and `@plux/core` enters the cache key,
 * and which build of them a target waits for.
 */

/** The named input that stands for a project's dependencies: `^production` when nx.json defines it, else `^default`. */
export function dependencyInput(nxJson: NxJsonConfiguration | undefined): string {
  return nxJson?.namedInputs?.['production'] ? '^production' : '^default';
}

/** The file inputs of a package that is a project of this workspace: its sources (not its specs) and package.json. */
export function workspaceSourceInputs(workspacePath: string): string[] {
  const base = `{workspaceRoot}/${workspacePath}`;
  return [`${base}/src/**/*`, `!${base}/src/**/*.spec.ts`, `${base}/package.json`];
}

/**
 * The build of `@plux/core` to wait for when it is a project of this workspace (the plux code imports its built
 * output), named as its project.json names it; undefined when `@plux/core` is installed.
 */
export function coreBuildDependency(
  core: PackageLocation,
): { projects: string[]; target: string } | undefined {
  if (core.workspacePath === undefined || !core.root) return undefined;
  const coreName = readJsonObject(join(core.root, 'project.json'))?.['name'];
  return { projects: [typeof coreName === 'string' ? coreName : core.name], target: 'build' };
}

/** A shell command printing the installed version of each package, for a `runtime` input. */
export function versionsCommand(names: string[]): string {
  const list = names.map((n) => `'${n}'`).join(',');
  const print =
    "try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }";
  return `node -e "for (const p of [${list}]) ${print}"`;
}

/** The `dependsOn` entries of an inferred target. */
export type TargetDependencies = NonNullable<TargetConfiguration['dependsOn']>;
