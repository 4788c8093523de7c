import {
  createNodesFromFiles,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  type NxJsonConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import { dirname, join, posix } from 'node:path';
import type { DiscoverExecutorSchema } from '../executors/discover/schema';
import { locatePluxPackages, type PackageLocation } from '../utils/plux-packages';
import { readJsonObject } from '../utils/read-json';
import {
  DEFAULT_TARGET_NAME,
  normalizeOptions,
  type NormalizedPluxOptions,
  type PluxPluginOptions,
} from './options';
import { createProjectMatcher, pluxPackageNames, usesPlux } from './projects';
import {
  coreBuildDependency,
  dependencyInput,
  versionsCommand,
  workspaceSourceInputs,
  type TargetDependencies,
} from './target-inputs';
import { withTypesTarget } from './types-target';

export { DEFAULT_CHECK_TARGET_NAME, DEFAULT_TARGET_NAME, type PluxPluginOptions } from './options';

/**
 * Infers a cached `plux-discover` target for every project whose package.json has a `plux` field naming its index
 * file (`"plux": "./plux.json"`); a project whose `plux` field holds an inline index gets none, since there is no
 * file to write. The target runs after the project's build and declares every input that changes the index, so a
 * cache hit is never stale: the project's files and package.json, the output of the tasks it depends on (the
 * build, which is gitignored and so invisible to file inputs), its dependencies' sources, and the code of
 * `@plux/nx` and `@plux/core` (their sources in this workspace, their versions when installed). A project without
 * an index that uses plux (it depends on `@plux/core` or on a workspace package with an index) gets a
 * `plux-discover` that runs its dependencies' discovery, so `nx run app:plux-discover` works on an app too.
 */
export const createNodes: CreateNodes<PluxPluginOptions> = [
  '**/package.json',
  async (files, options, context) => {
    const normalized = normalizeOptions(options);
    const packages = locatePluxPackages(context.workspaceRoot);
    const isProject = createProjectMatcher(context.workspaceRoot);
    const projectFiles = files.filter(isProject);
    const pluxPackages = pluxPackageNames(context.workspaceRoot, projectFiles);
    return createNodesFromFiles(
      // every file gets the same options: the ones normalised above
      (file, _options, ctx) =>
        withTypesTarget(
          createNodesForPackageJson(file, normalized, ctx, packages, pluxPackages),
          file,
          normalized,
          ctx,
          packages.core,
        ),
      projectFiles,
      options,
      context,
    );
  },
];

/**
 * The same as {@link createNodes}, under the name Nx 20–22 look for first (Nx 23 reads both and prefers
 * `createNodes`).
 */
export const createNodesV2 = createNodes;

/**
 * The inferred targets for one package.json; exported for tests. `packages` says where `@plux/nx` and `@plux/core`
 * live, which decides how their code enters the cache key.
 */
export function createNodesForPackageJson(
  file: string,
  options: NormalizedPluxOptions,
  context: CreateNodesContext,
  packages: { nx: PackageLocation; core: PackageLocation },
  pluxPackages: ReadonlySet<string> = new Set(),
): CreateNodesResult {
  const pkg = readJsonObject(join(context.workspaceRoot, file));
  const projectRoot = dirname(file);
  if (typeof pkg?.['plux'] !== 'string' || pkg['plux'] === '') {
    if (!pkg || !usesPlux(pkg, pluxPackages)) return {};
    const targets = { [options.targetName]: inferConsumerTarget(options.targetName) };
    return { projects: { [projectRoot]: { targets } } };
  }
  const project: IndexProject = {
    projectRoot,
    indexPath: pkg['plux'],
    nxJson: context.nxJsonConfiguration,
    packages,
  };
  return {
    projects: {
      [projectRoot]: {
        targets: {
          [options.targetName]: discoverTarget(project, options),
          [options.checkTargetName]: checkTarget(project, options),
        },
      },
    },
  };
}

/**
 * The `plux-discover` target of a project that uses plux without plugins of its own (an app that loads the plugins
 * of the packages it depends on): it does nothing itself and runs the discover target of every dependency, so
 * `nx run app:plux-discover` writes the indexes the app reads at run time. A project with plugins of its own gets
 * the same through {@link inferDiscoverTarget}'s `^plux-discover`.
 */
export function inferConsumerTarget(targetName: string = DEFAULT_TARGET_NAME): TargetConfiguration {
  return {
    executor: 'nx:noop',
    // cached like any task, so a second run reads 'all hit' (an uncached no-op counts as a miss in Nx's summary)
    cache: true,
    dependsOn: [`^${targetName}`],
    metadata: {
      technologies: ['plux'],
      description: 'Write the plux index of every package this project depends on',
    },
  };
}

/** What {@link inferDiscoverTarget} needs to know about a project and the workspace. */
export interface DiscoverTargetContext {
  /** The project's root, relative to the workspace root. */
  projectRoot: string;
  /** The index path from the project's package.json `plux` field, relative to the project root. */
  indexPath: string;
  /** The plugin's options from nx.json. */
  options: PluxPluginOptions;
  /** nx.json, for the named inputs it defines. */
  nxJson?: NxJsonConfiguration;
  /** Where `@plux/nx` and `@plux/core` live (see `locatePluxPackages`). */
  packages: { nx: PackageLocation; core: PackageLocation };
}

/** A project with an index file: its {@link DiscoverTargetContext} less the options, which come normalised. */
type IndexProject = Omit<DiscoverTargetContext, 'options'>;

/**
 * The `plux-discover` target of one project: the executor, `cache`, `dependsOn` (its build, its dependencies'
 * builds, and the build of a workspace `@plux/core`), every input that changes the index, and the index as output.
 */
export function inferDiscoverTarget(ctx: DiscoverTargetContext): TargetConfiguration<DiscoverExecutorSchema> {
  return discoverTarget(ctx, normalizeOptions(ctx.options));
}

/**
 * The `plux-check` target of one project: the discover executor with `check: true`, which writes nothing and fails,
 * naming what differs, when the index on disk is stale. Unlike `plux-discover` the index is one of its inputs and
 * none of its outputs, so editing the index by hand misses the cache and a cached run never restores an old index.
 * (A gitignored index is invisible to Nx's file hashing; check only a committed one.)
 */
export function inferCheckTarget(ctx: DiscoverTargetContext): TargetConfiguration<DiscoverExecutorSchema> {
  return checkTarget(ctx, normalizeOptions(ctx.options));
}

function discoverTarget(
  project: IndexProject,
  options: NormalizedPluxOptions,
): TargetConfiguration<DiscoverExecutorSchema> {
  const output = indexOutput(project, options);
  const target: TargetConfiguration<DiscoverExecutorSchema> = {
    executor: '@plux/nx:discover',
    cache: true,
    // The discover targets of the project's dependencies run first, so the plugins of a package's dependencies are
    // indexed before its own tests or app load them.
    dependsOn: [...buildDependencies(options), `^${options.targetName}`, ...coreBuild(project)],
    inputs: indexInputs(`!{projectRoot}/${output}`, project),
    outputs: [`{projectRoot}/${output}`],
    metadata: {
      technologies: ['plux'],
      description: 'Find the plux plugins in the build output and write the index',
      help: DISCOVER_HELP,
    },
  };
  if (Object.keys(options.defaults).length > 0) target.options = { ...options.defaults };
  return target;
}

function checkTarget(
  project: IndexProject,
  options: NormalizedPluxOptions,
): TargetConfiguration<DiscoverExecutorSchema> {
  return {
    executor: '@plux/nx:discover',
    cache: true,
    // Checking needs the build, not the dependencies' indexes: a check writes nothing, nor makes others write.
    dependsOn: [...buildDependencies(options), ...coreBuild(project)],
    inputs: indexInputs(`{projectRoot}/${indexOutput(project, options)}`, project),
    outputs: [],
    metadata: {
      technologies: ['plux'],
      description: 'Fail, naming what differs, when the plux index on disk is stale (writes nothing)',
      help: DISCOVER_HELP,
    },
    options: { ...options.defaults, check: true },
  };
}

const DISCOVER_HELP = {
  command: 'npx plux discover --help',
  example: { options: { exclude: ['internal/**'] } },
};

/** Where the index is written, relative to the project root: the default `output`, else package.json's `plux`. */
function indexOutput(project: IndexProject, options: NormalizedPluxOptions): string {
  return posix.normalize(options.defaults.output ?? project.indexPath);
}

/** The project's build and its dependencies' builds; a missing build target is fine, Nx skips what a project lacks. */
function buildDependencies(options: NormalizedPluxOptions): TargetDependencies {
  return [options.buildTargetName, `^${options.buildTargetName}`];
}

/** The build of a workspace `@plux/core`, which the executor imports even when this project does not depend on it. */
function coreBuild(project: IndexProject): TargetDependencies {
  if (project.packages.core.workspacePath === normalizeRoot(project.projectRoot)) return [];
  const build = coreBuildDependency(project.packages.core);
  return build ? [build] : [];
}

/**
 * Every input that changes the index: the project's files, `index` (the index itself, `!`-excluded for the target
 * that writes it), the output of the tasks it depends on, its dependencies' sources, and the plux code.
 */
function indexInputs(index: string, project: IndexProject): NonNullable<TargetConfiguration['inputs']> {
  const { nxJson, packages } = project;
  const inputs: NonNullable<TargetConfiguration['inputs']> = [
    '{projectRoot}/**/*',
    index,
    // dist/ is gitignored, so no file input sees it; the outputs of the build tasks this target depends on do.
    { dependentTasksOutputFiles: '**/*', transitive: true },
    dependencyInput(nxJson),
  ];
  const external: string[] = [];
  const unlocked: string[] = [];
  for (const location of [packages.nx, packages.core]) {
    if (location.workspacePath !== undefined) {
      inputs.push(...workspaceSourceInputs(location.workspacePath));
    } else if (location.inLockfile) {
      external.push(location.name);
    } else {
      unlocked.push(location.name);
    }
  }
  if (packages.nx.workspacePath !== undefined) {
    inputs.push(`{workspaceRoot}/${packages.nx.workspacePath}/executors.json`);
  }
  if (external.length > 0) inputs.push({ externalDependencies: external });
  // Installed, but unknown to Nx's lockfile parsing: hash the versions Node resolves instead.
  if (unlocked.length > 0) inputs.push({ runtime: versionsCommand(unlocked) });
  return inputs;
}

function normalizeRoot(root: string): string {
  return root === '' ? '.' : root;
}
