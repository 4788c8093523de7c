import {
  addDependenciesToPackageJson,
  formatFiles,
  getProjects,
  installPackagesTask,
  logger,
  readJson,
  readNxJson,
  runTasksInSerial,
  updateNxJson,
  updateProjectConfiguration,
  writeJson,
  type GeneratorCallback,
  type NxJsonConfiguration,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DEFAULT_TARGET_NAME, normalizeOptions, type PluxPluginOptions } from '../../plugins/options';
import { inferDiscoverTarget } from '../../plugins/plugin';
import { commitIndex } from '../../utils/commit-index';
import {
  declaredDiscoverTargetName,
  inferredDiscoverTargetName,
  PLUGIN_NAMES,
} from '../../utils/discover-target';
import { isDryRun } from '../../utils/dry-run';
import { locatePluxPackages, PLUX_NX_ROOT } from '../../utils/plux-packages';
import { readProject } from '../../utils/read-project';
import { workspaceCommands } from '../../utils/workspace-commands';
import { wireConsumerProjectTargets } from './consumer-project-targets';
import { wireConsumerTargets } from './consumer-target-defaults';
import { wireDeployTargets } from './deploy-targets';
import type { InitGeneratorSchema } from './schema';

/** The index path `init` writes into package.json's `plux` field. */
export const DEFAULT_INDEX_PATH = './plux.json';

const CORE = '@plux/core';

/**
 * `nx g @plux/nx:init` (what `nx add @plux/nx` runs, with no options): sets the workspace up for plux. nx.json
 * registers the `@plux/nx` plugin, which infers a `plux-discover` target for every project whose package.json has a
 * `plux` field, and the root package.json depends on `@plux/core` at this plugin's version (Nx's install task,
 * returned, installs it). The targets that run an app wait for the indexes of its dependencies (see
 * {@link wireConsumerTargets} and {@link wireConsumerProjectTargets}), and so does every copy-workspace-modules
 * target of an app's `prune` (see {@link wireDeployTargets}). With `--project`, it also makes that project a plux
 * package (see {@link configureProjectForPlux}). Idempotent: what is in place is left as it is.
 *
 * @returns the install task when a package.json changed, as Nx's own `init` generators do.
 * @throws Error prefixed `@plux/nx:` when `--project` names no project, or one without package.json.
 */
export default async function initGenerator(
  tree: Tree,
  options: InitGeneratorSchema = {},
): Promise<GeneratorCallback> {
  const commands = workspaceCommands(tree);
  const changed: string[] = [];
  const tasks: GeneratorCallback[] = [];
  setUpPlugin(tree, changed);
  let installs = false;
  if (!options.skipPackageJson) {
    const root = addCoreToWorkspaceRoot(tree, options.keepExistingVersions ?? false);
    if (root.range) {
      changed.push(`${CORE}@${root.range} in package.json`);
      tasks.push(root.install);
      installs = true;
    }
  }
  let project: PluxProjectChanges | undefined;
  if (options.project) {
    project = configureProjectForPlux(tree, options.project);
    changed.push(...project.changed.map((c) => `${options.project}: ${c}`));
    if (project.addedDependency) {
      // a workspace package's package.json changed: Nx's task alone only looks at the root's
      tasks.push(() => installPackagesTask(tree, true));
      installs = true;
    }
  }
  if (!options.skipFormat) await formatFiles(tree);

  const dryRun = isDryRun();
  const plugin = `${commands.collection}:plugin`;
  const install = installs
    ? ` Nx ${dryRun ? 'would then run' : 'runs'} "${commands.install}" to install ${CORE}.`
    : '';
  const next = project
    ? `Next: "nx g ${plugin} <name> --project ${options.project} --namespace <namespace>" adds a plugin; ` +
      `"nx run ${options.project}:${project.targetName}" writes its index (commit plux.json)`
    : `Next: "nx g ${plugin} <name> --project <project> --namespace <namespace>" adds a plugin to a project ` +
      'and configures it for plux';
  logger.info(
    changed.length === 0
      ? `@plux/nx: plux is already set up here. ${next}`
      : `@plux/nx: ${dryRun ? 'would set' : 'set'} up plux (${changed.join(', ')}).${install} ${next}`,
  );
  return runTasksInSerial(...tasks);
}

/** What {@link configureProjectForPlux} changed. */
export interface PluxProjectChanges {
  /** Human-readable list of what changed; empty when the project was already configured. */
  changed: string[];
  /** Whether `@plux/core` was added to the project's dependencies (an install is due). */
  addedDependency: boolean;
  /**
   * The name of the project's discover target: the one it declares, else the one the nx.json registration whose
   * `include`/`exclude` covers it infers.
   */
  targetName: string;
  /** The project's configuration. */
  project: ProjectConfiguration;
}

/**
 * Makes a project a plux package: its package.json gets `"plux": "./plux.json"` (and the index in `files`, when it
 * lists files) and a dependency on `@plux/core`; git is made to commit the index (see {@link commitIndex}); nx.json
 * registers the `@plux/nx` plugin, which infers the project's `plux-discover` target (where inference is switched
 * off, or the `include`/`exclude` of every registration leaves the project out, the target is written into the
 * project's configuration instead). What `init --project` does, and what the
 * `plugin` generator does for a project that is not configured yet; formats nothing, and logs only the app targets
 * it made wait for the discover target (see {@link setUpPlugin}).
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
  const firstTime = pkg.plux === undefined;
  if (firstTime) {
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
  if (pkg.name !== CORE && !hasDependency(pkg, CORE)) {
    pkg.dependencies = sortKeys({ ...pkg.dependencies, [CORE]: coreVersionRange(tree) });
    addedDependency = true;
    changed.push(`dependency ${CORE}`);
  }
  if (changed.length > 0) writeJson(tree, packageJsonPath, pkg);
  // Only when the project is configured now: a project configured earlier keeps whatever its owners chose since.
  if (firstTime && indexPath) {
    const { unignoredIn } = commitIndex(tree, project.root, indexPath);
    if (unignoredIn) changed.push(`${indexPath} no longer ignored by ${unignoredIn}`);
  }

  const registration = setUpPlugin(tree, changed);
  const nxJson = readNxJson(tree) ?? {};
  let targetName = declaredDiscoverTargetName(project) ?? inferredDiscoverTargetName(nxJson, project.root);
  if (targetName === undefined) {
    // Nothing infers this project's targets (inference is off, or the include/exclude of every registration
    // leaves it out), so the target goes into its own configuration, under the name the workspace's wiring uses.
    targetName = registration.targetName;
    if (!project.targets?.[targetName] && indexPath) {
      const target = inferDiscoverTarget({
        projectRoot: project.root,
        indexPath,
        options: registration.options,
        nxJson,
        packages: locatePluxPackages(tree.root),
      });
      updateProjectConfiguration(tree, projectName, {
        ...project,
        targets: { ...project.targets, [targetName]: target },
      });
      changed.push(`target ${targetName}`);
    }
  }
  return { changed, addedDependency, targetName, project };
}

/**
 * Registers the plugin (see {@link registerPlugin}), noting it in `changed`, and makes the targets that run an app
 * (see {@link wireConsumerTargets}, and {@link wireConsumerProjectTargets} for a `dependsOn` a project writes
 * itself) and the copy-workspace-modules targets of an app's `prune` (see
 * {@link wireDeployTargets}) wait for the discover target it infers; returns the registration and the name of that
 * target. Run by `init` and for every project configured for plux (`init --project`, the plugin generator), so a
 * workspace set up by the plugin generator alone deploys the indexes too.
 */
function setUpPlugin(tree: Tree, changed: string[]): PluginRegistration & { targetName: string } {
  const registration = registerPlugin(tree);
  if (registration.added) changed.push('plugin @plux/nx in nx.json');
  const { targetName } = normalizeOptions(registration.options);
  wireConsumerTargets(tree, targetName);
  wireConsumerProjectTargets(tree, targetName);
  wireDeployTargets(tree, targetName);
  return { ...registration, targetName };
}

/** How nx.json registers `@plux/nx` (see {@link registerPlugin}). */
interface PluginRegistration {
  /** Whether this run added the registration. */
  added: boolean;
  /** The plugin's options in nx.json. */
  options: PluxPluginOptions;
}

/**
 * Registers `@plux/nx` in nx.json `plugins` unless it is there (as `@plux/nx`, or as `plux` inside the plux
 * repository) or the workspace does not use inference plugins (`useInferencePlugins: false`, `NX_ADD_PLUGINS=false`,
 * as Nx's own `init` generators decide).
 */
function registerPlugin(tree: Tree): PluginRegistration {
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const existing = nxJson.plugins?.find((p) => PLUGIN_NAMES.has(typeof p === 'string' ? p : p.plugin));
  const options =
    existing && typeof existing !== 'string' ? ((existing.options ?? {}) as PluxPluginOptions) : {};
  const inference = nxJson.useInferencePlugins !== false && process.env['NX_ADD_PLUGINS'] !== 'false';
  if (existing || !inference) return { added: false, options };
  nxJson.plugins = [
    ...(nxJson.plugins ?? []),
    { plugin: '@plux/nx', options: { targetName: DEFAULT_TARGET_NAME } },
  ];
  updateNxJson(tree, nxJson);
  return { added: true, options: { targetName: DEFAULT_TARGET_NAME } };
}

/**
 * Adds `@plux/core` to the root package.json's dependencies at `^` this plugin's version, through Nx's
 * `addDependenciesToPackageJson` (so `keepExistingVersions` and a lower existing range behave as in every Nx
 * plugin). Left alone: a workspace where `@plux/core` is a project, and a root that already declares it with a
 * spec that is not a registry range (`file:`, `link:`, `workspace:`, a URL), which Nx would overwrite.
 */
function addCoreToWorkspaceRoot(
  tree: Tree,
  keepExistingVersions: boolean,
): { range?: string; install: GeneratorCallback } {
  const none = { install: () => undefined };
  if (!tree.exists('package.json') || coreIsProject(tree)) return none;
  const declared = declaredSpec(readJson<PackageJson>(tree, 'package.json'), CORE);
  if (declared !== undefined && !isRegistryRange(declared)) return none;
  const range = `^${ownVersion()}`;
  const before = tree.read('package.json', 'utf8');
  const install = addDependenciesToPackageJson(
    tree,
    { [CORE]: range },
    {},
    'package.json',
    keepExistingVersions,
  );
  return tree.read('package.json', 'utf8') === before ? none : { range, install };
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

function declaredSpec(pkg: PackageJson, name: string): string | undefined {
  return pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? pkg.peerDependencies?.[name];
}

/** A semver range or dist-tag the registry answers (`^0.1.0`, `~1`, `*`, `latest`), not a path or protocol. */
function isRegistryRange(spec: string): boolean {
  return !/^[a-z+]+:|[/\\]|^\.|^~\//i.test(spec.trim());
}

function coreIsProject(tree: Tree): boolean {
  for (const project of getProjects(tree).values()) {
    const path = posix.join(project.root, 'package.json');
    if (tree.exists(path) && readJson<PackageJson>(tree, path).name === CORE) return true;
  }
  return false;
}

/**
 * The range a project depends on `@plux/core` with: `*` (or `workspace:*` under pnpm) when `@plux/core` is a
 * project of this workspace, the root's own range when it declares one from the registry, else `^` this plugin's
 * version.
 */
function coreVersionRange(tree: Tree): string {
  if (coreIsProject(tree)) return tree.exists('pnpm-workspace.yaml') ? 'workspace:*' : '*';
  const root = tree.exists('package.json')
    ? declaredSpec(readJson<PackageJson>(tree, 'package.json'), CORE)
    : undefined;
  return root !== undefined && isRegistryRange(root) ? root : `^${ownVersion()}`;
}

function ownVersion(): string {
  return (JSON.parse(readFileSync(join(PLUX_NX_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
