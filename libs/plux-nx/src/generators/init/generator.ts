import {
  formatFiles,
  getProjects,
  logger,
  readJson,
  readNxJson,
  updateNxJson,
  updateProjectConfiguration,
  writeJson,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { isDryRun } from '../../utils/dry-run';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DEFAULT_TARGET_NAME, inferDiscoverTarget, type PluxPluginOptions } from '../../plugins/plugin';
import { locatePluxPackages, PLUX_NX_ROOT } from '../../utils/plux-packages';
import { readProject } from '../../utils/read-project';
import { addConsumerTargetDefaults } from './consumer-target-defaults';
import type { InitGeneratorSchema } from './schema';

/** The index path `init` writes into package.json's `plux` field. */
export const DEFAULT_INDEX_PATH = './plux.json';

const PLUGIN_NAMES = new Set(['@plux/nx', 'plux']);

/**
 * `nx g @plux/nx:init --project <p>`: makes a project a plux package. Its package.json gets `"plux": "./plux.json"`
 * (and `plux.json` in `files`, when it lists files) and a dependency on `@plux/core`; nx.json registers the
 * `@plux/nx` plugin, which infers the project's `plux-discover` target (where inference is switched off, the
 * target is written into the project's configuration instead). Idempotent: a configured project is left as it is.
 *
 * @throws Error prefixed `@plux/nx:` when the project does not exist or has no package.json.
 */
export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const changes = configureProjectForPlux(tree, options.project);
  if (!options.skipFormat) await formatFiles(tree);
  const target = changes.targetName;
  if (changes.changed.length === 0) {
    logger.info(
      `@plux/nx: ${options.project} is already configured for plux; run "nx run ${options.project}:${target}"`,
    );
    return;
  }
  logger.info(
    `@plux/nx: ${isDryRun() ? 'would configure' : 'configured'} ${options.project} for plux (${changes.changed.join(', ')}). Next: add a plugin with ` +
      `"nx g plux:plugin --project ${options.project}", then "nx run ${options.project}:${target}" writes its index` +
      (changes.addedDependency ? '; run "npm install" to link @plux/core' : ''),
  );
}

/** What {@link configureProjectForPlux} changed. */
export interface PluxProjectChanges {
  /** Human-readable list of what changed; empty when the project was already configured. */
  changed: string[];
  /** Whether `@plux/core` was added to the project's dependencies (an install is due). */
  addedDependency: boolean;
  /** The name of the project's discover target. */
  targetName: string;
  /** The project's configuration. */
  project: ProjectConfiguration;
}

/**
 * The work of `init`, without formatting or logging; the `plugin` generator calls it for a project that is not
 * configured yet.
 *
 * @throws Error prefixed `@plux/nx:` when the project does not exist or has no package.json.
 */
export function configureProjectForPlux(tree: Tree, projectName: string): PluxProjectChanges {
  const project = readProject(tree, projectName);
  const packageJsonPath = posix.join(project.root, 'package.json');
  if (!tree.exists(packageJsonPath)) {
    throw new Error(
      `@plux/nx: project ${projectName} has no package.json at ${packageJsonPath}; plux indexes npm packages, ` +
        'so give it one (a name and an entry such as "exports") and run this generator again',
    );
  }
  const changed: string[] = [];
  const pkg = readJson<PackageJson>(tree, packageJsonPath);
  if (pkg.plux === undefined) {
    pkg.plux = DEFAULT_INDEX_PATH;
    changed.push(`"plux": "${DEFAULT_INDEX_PATH}"`);
  } else if (typeof pkg.plux !== 'string') {
    logger.warn(
      `@plux/nx: ${packageJsonPath} holds an inline index in "plux"; set it to "${DEFAULT_INDEX_PATH}" to let ` +
        'the discover target write the index',
    );
  }
  const indexPath = typeof pkg.plux === 'string' ? posix.normalize(pkg.plux) : undefined;
  if (indexPath && Array.isArray(pkg.files) && !pkg.files.some((f) => posix.normalize(f) === indexPath)) {
    pkg.files.push(indexPath);
    changed.push(`"files" += "${indexPath}"`);
  }
  let addedDependency = false;
  if (pkg.name !== '@plux/core' && !hasDependency(pkg, '@plux/core')) {
    pkg.dependencies = sortKeys({ ...pkg.dependencies, '@plux/core': coreVersionRange(tree) });
    addedDependency = true;
    changed.push('dependency @plux/core');
  }
  if (changed.length > 0) writeJson(tree, packageJsonPath, pkg);

  const nxJson = readNxJson(tree) ?? {};
  const registration = nxJson.plugins?.find((p) => PLUGIN_NAMES.has(typeof p === 'string' ? p : p.plugin));
  const pluginOptions: PluxPluginOptions =
    registration && typeof registration !== 'string'
      ? ((registration.options ?? {}) as PluxPluginOptions)
      : {};
  const targetName = pluginOptions.targetName ?? DEFAULT_TARGET_NAME;
  if (nxJson.useInferencePlugins === false) {
    // Nothing infers targets here, so the target goes into the project's own configuration.
    if (!project.targets?.[targetName] && indexPath) {
      const packages = locatePluxPackages(tree.root);
      const target = inferDiscoverTarget({
        projectRoot: project.root,
        indexPath,
        options: pluginOptions,
        nxJson,
        packages,
      });
      updateProjectConfiguration(tree, projectName, {
        ...project,
        targets: { ...project.targets, [targetName]: target },
      });
      changed.push(`target ${targetName}`);
    }
  } else if (!registration) {
    nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: '@plux/nx', options: { targetName } }];
    updateNxJson(tree, nxJson);
    changed.push('plugin @plux/nx in nx.json');
  }
  const wiring = addConsumerTargetDefaults(nxJson, targetName);
  if (wiring.changed.length > 0) {
    updateNxJson(tree, nxJson);
    logger.info(
      `@plux/nx: ${isDryRun() ? 'would make' : 'made'} the ${wiring.changed.join(', ')} targets depend on ` +
        `^${targetName} (nx.json targetDefaults), so an app gets the plux indexes of its dependencies first`,
    );
  }
  for (const name of wiring.skipped) {
    logger.warn(
      `@plux/nx: nx.json's targetDefaults["${name}"] is not a plain object; add "^${targetName}" to its dependsOn ` +
        `so ${name} runs after the plux indexes of the project's dependencies are written`,
    );
  }
  return { changed, addedDependency, targetName, project };
}

interface PackageJson {
  name?: string;
  plux?: unknown;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function hasDependency(pkg: PackageJson, name: string): boolean {
  return Boolean(pkg.dependencies?.[name] ?? pkg.peerDependencies?.[name]);
}

/** `*` (or `workspace:*` under pnpm) when @plux/core is a project of this workspace, else `^` this plugin's version. */
function coreVersionRange(tree: Tree): string {
  for (const project of getProjects(tree).values()) {
    const path = posix.join(project.root, 'package.json');
    if (tree.exists(path) && readJson<PackageJson>(tree, path).name === '@plux/core') {
      return tree.exists('pnpm-workspace.yaml') ? 'workspace:*' : '*';
    }
  }
  const own = JSON.parse(readFileSync(join(PLUX_NX_ROOT, 'package.json'), 'utf8')) as { version: string };
  return `^${own.version}`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
