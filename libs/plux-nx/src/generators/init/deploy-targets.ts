import { getProjects, logger, readJson, updateJson, type TargetConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { isDryRun } from '../../utils/dry-run';

/** The executor that copies an app's workspace libraries into its pruned output (`nx g @nx/node:app`'s `prune`). */
export const COPY_WORKSPACE_MODULES_EXECUTOR = '@nx/js:copy-workspace-modules';

/** The name `nx g @nx/node:app` gives the target that runs {@link COPY_WORKSPACE_MODULES_EXECUTOR}. */
export const COPY_WORKSPACE_MODULES_TARGET = 'copy-workspace-modules';

/** A project file whose own targets {@link wireDeployTargets} changed. */
export interface WiredDeployTarget {
  /** The project's name. */
  project: string;
  /** The file that declares the target: the project's project.json, or its package.json (`nx` field). */
  file: string;
  /** The names of the targets that now depend on the discover target. */
  targets: string[];
}

/**
 * Makes every copy-workspace-modules target (by name, or by its executor whatever its name) that a project
 * declares in its own configuration depend on the discover target of the project's dependencies, so the libraries
 * a `prune` copies hold their plux indexes. This cannot come from nx.json's `targetDefaults` or from inferred
 * targets: the generated app configuration declares the target's `dependsOn` itself, and that wins over both. An
 * existing `dependsOn` keeps its entries and gets the dependency appended; where the target has none, the
 * dependency goes after `"..."` so what Nx would otherwise apply stays. Idempotent. Logs one line per project
 * changed.
 *
 * @returns the project files changed.
 */
export function wireDeployTargets(tree: Tree, discoverTargetName: string): WiredDeployTarget[] {
  const dependency = `^${discoverTargetName}`;
  const wired: WiredDeployTarget[] = [];
  for (const [project, { root }] of getProjects(tree)) {
    // Both files may declare targets (Nx merges them), so each is looked at on its own.
    for (const file of [posix.join(root, 'project.json'), posix.join(root, 'package.json')]) {
      if (!tree.exists(file)) continue;
      const inPackageJson = file.endsWith('package.json');
      const targets = ownTargets(readJson(tree, file), inPackageJson);
      const names = Object.keys(targets).filter((name) => needsDependency(name, targets[name], dependency));
      if (names.length === 0) continue;
      updateJson(tree, file, (json: ProjectFile) => {
        const declared = ownTargets(json, inPackageJson);
        for (const name of names) {
          const target = declared[name]!;
          target.dependsOn = target.dependsOn ? [...target.dependsOn, dependency] : ['...', dependency];
        }
        return json;
      });
      wired.push({ project, file, targets: names });
    }
  }
  const verb = isDryRun() ? 'would make' : 'made';
  for (const { project, file, targets } of wired) {
    logger.info(
      `@plux/nx: ${verb} ${project}'s ${targets.join(', ')} target${targets.length > 1 ? 's' : ''} depend on ` +
        `${dependency} (${file}), so its prune copies the plux indexes of its workspace libraries`,
    );
  }
  return wired;
}

/** The JSON of a project file that may declare targets: project.json, or package.json (`nx.targets`). */
export interface ProjectFile {
  targets?: Record<string, Partial<TargetConfiguration>>;
  nx?: { targets?: Record<string, Partial<TargetConfiguration>> };
}

/** The targets a project file declares itself: project.json's `targets`, package.json's `nx.targets`. */
export function ownTargets(
  json: ProjectFile,
  inPackageJson: boolean,
): Record<string, Partial<TargetConfiguration>> {
  return (inPackageJson ? json.nx?.targets : json.targets) ?? {};
}

// --- internal ---

function needsDependency(name: string, target: unknown, dependency: string): boolean {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return false;
  const { executor, dependsOn } = target as Partial<TargetConfiguration>;
  if (name !== COPY_WORKSPACE_MODULES_TARGET && executor !== COPY_WORKSPACE_MODULES_EXECUTOR) return false;
  return !dependsOn?.some((d) => d === dependency);
}
