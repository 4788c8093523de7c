import { getProjects, logger, readJson, updateJson, type TargetConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { pluxPackageNames, usesPlux } from '../../plugins/projects';
import { isDryRun } from '../../utils/dry-run';
import { CONSUMER_TARGETS } from './consumer-target-defaults';
import { ownTargets, type ProjectFile } from './deploy-targets';

/** A project whose own targets {@link wireConsumerProjectTargets} changed. */
export interface WiredConsumerProject {
  /** The project's name. */
  project: string;
  /** The files that declare the targets changed: project.json, package.json (`nx` field), or both. */
  files: string[];
  /** The names of the targets that now depend on the discover target. */
  targets: string[];
}

/**
 * Makes the {@link CONSUMER_TARGETS} (`build`, `test`, `serve`, `start`) of every project that uses plux (one whose
 * package.json depends on `@plux/core` or on a workspace package with a `plux` field) depend on the discover target
 * of its dependencies, where the project declares that target's `dependsOn` in its own configuration: a `dependsOn`
 * in project.json or package.json's `nx` field wins over nx.json's `targetDefaults` (`nx g @nx/node:app` writes
 * `serve: { dependsOn: ["build"] }`, for instance), so the default {@link wireConsumerTargets} adds never reaches
 * it. The dependency is appended, keeping what is there; a target without a `dependsOn` of its own is left to the
 * target defaults. Idempotent. Logs one line per project changed.
 *
 * @returns the projects changed.
 */
export function wireConsumerProjectTargets(tree: Tree, discoverTargetName: string): WiredConsumerProject[] {
  const dependency = `^${discoverTargetName}`;
  const projects = [...getProjects(tree)].map(([name, { root }]) => ({
    name,
    packageJson: posix.join(root, 'package.json'),
    projectJson: posix.join(root, 'project.json'),
  }));
  const manifests = new Map<string, Record<string, unknown>>();
  for (const { packageJson } of projects)
    if (tree.exists(packageJson)) manifests.set(packageJson, readJson(tree, packageJson));
  const pluxPackages = pluxPackageNames(tree.root, [...manifests.keys()], (file) => manifests.get(file));
  const wired: WiredConsumerProject[] = [];
  for (const { name, packageJson, projectJson } of projects) {
    const manifest = manifests.get(packageJson);
    if (!manifest || !usesPlux(manifest, pluxPackages)) continue;
    const files: string[] = [];
    const targets: string[] = [];
    // Both files may declare targets (Nx merges them), so each is looked at on its own.
    for (const file of [projectJson, packageJson]) {
      if (!tree.exists(file)) continue;
      const inPackageJson = file === packageJson;
      const declared = ownTargets(readJson(tree, file), inPackageJson);
      const names = CONSUMER_TARGETS.filter((target) => needsDependency(declared[target], dependency));
      if (names.length === 0) continue;
      updateJson(tree, file, (json: ProjectFile) => {
        const own = ownTargets(json, inPackageJson);
        for (const target of names) own[target]!.dependsOn = [...own[target]!.dependsOn!, dependency];
        return json;
      });
      files.push(file);
      targets.push(...names.filter((target) => !targets.includes(target)));
    }
    if (files.length > 0) wired.push({ project: name, files, targets });
  }
  const verb = isDryRun() ? 'would make' : 'made';
  for (const { project, files, targets } of wired) {
    logger.info(
      `@plux/nx: ${verb} ${project}'s ${targets.join(', ')} target${targets.length > 1 ? 's' : ''} depend on ` +
        `${dependency} (${files.join(', ')}: a dependsOn written there wins over nx.json's targetDefaults), so ` +
        'it gets the plux indexes of its dependencies first',
    );
  }
  return wired;
}

function needsDependency(target: unknown, dependency: string): boolean {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return false;
  const { dependsOn } = target as Partial<TargetConfiguration>;
  return Array.isArray(dependsOn) && !dependsOn.some((d) => d === dependency);
}
