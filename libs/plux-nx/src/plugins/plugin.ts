import {
  createNodesFromFiles,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  type NxJsonConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type * as NxPackageJson from 'nx/src/plugins/package-json';
import type { DiscoverExecutorSchema } from '../executors/discover/schema';
import { locatePluxPackages, requireFromPluxNx, type PackageLocation } from '../utils/plux-packages';
import { readJsonObject } from '../utils/read-json';
import { withTypesTarget } from './types-target';

/** Options of the `@plux/nx` plugin in nx.json (`"plugins": [{ "plugin": "@plux/nx", "options": { … } }]`). */
export interface PluxPluginOptions {
  /** Name of the inferred target. Default `plux-discover`. */
  targetName?: string;
  /**
   * Name of the inferred target that checks the index on disk is up to date (the executor with `check: true`, the
   * index among its inputs). Default `plux-check`.
   */
  checkTargetName?: string;
  /** Name of the project's build target that discovery runs after. Default `build`. */
  buildTargetName?: string;
  /** Executor options every inferred target starts from (a project.json target can still override them). */
  defaults?: DiscoverExecutorSchema;
}

/** The target name `@plux/nx` infers unless its options say otherwise. */
export const DEFAULT_TARGET_NAME = 'plux-discover';

/** The check target name `@plux/nx` infers unless its options say otherwise. */
export const DEFAULT_CHECK_TARGET_NAME = 'plux-check';

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
    const packages = locatePluxPackages(context.workspaceRoot);
    const isProject = createProjectMatcher(context.workspaceRoot);
    const projectFiles = files.filter(isProject);
    const pluxPackages = pluxPackageNames(context.workspaceRoot, projectFiles);
    return createNodesFromFiles(
      (file, opts, ctx) =>
        withTypesTarget(
          createNodesForPackageJson(file, opts ?? {}, ctx, packages, pluxPackages),
          file,
          opts ?? {},
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
 * The inferred target for one package.json; exported for tests. `packages` says where `@plux/nx` and `@plux/core`
 * live, which decides how their code enters the cache key.
 */
export function createNodesForPackageJson(
  file: string,
  options: PluxPluginOptions,
  context: CreateNodesContext,
  packages: { nx: PackageLocation; core: PackageLocation },
  pluxPackages: ReadonlySet<string> = new Set(),
): CreateNodesResult {
  const pkg = readJsonObject(join(context.workspaceRoot, file));
  const projectRoot = dirname(file);
  if (typeof pkg?.['plux'] !== 'string' || pkg['plux'] === '') {
    if (!pkg || !usesPlux(pkg, pluxPackages)) return {};
    const targetName = options.targetName ?? DEFAULT_TARGET_NAME;
    return { projects: { [projectRoot]: { targets: { [targetName]: inferConsumerTarget(targetName) } } } };
  }
  const targetContext: DiscoverTargetContext = {
    projectRoot,
    indexPath: pkg['plux'],
    options,
    nxJson: context.nxJsonConfiguration,
    packages,
  };
  return {
    projects: {
      [projectRoot]: {
        targets: {
          [options.targetName ?? DEFAULT_TARGET_NAME]: inferDiscoverTarget(targetContext),
          [options.checkTargetName ?? DEFAULT_CHECK_TARGET_NAME]: inferCheckTarget(targetContext),
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

/**
 * Whether a package.json without an index of its own uses plux: it depends on `@plux/core` or on a workspace
 * package that has an index.
 */
export function usesPlux(pkg: Record<string, unknown>, pluxPackages: ReadonlySet<string>): boolean {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = pkg[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const name of Object.keys(deps)) {
      if (name === '@plux/core' || pluxPackages.has(name)) return true;
    }
  }
  return false;
}

/** The names of the workspace packages among `files` whose package.json has a `plux` field. */
function pluxPackageNames(workspaceRoot: string, files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const pkg = readJsonObject(join(workspaceRoot, file));
    if (pkg && pkg['plux'] !== undefined && typeof pkg['name'] === 'string') names.add(pkg['name']);
  }
  return names;
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

/**
 * The `plux-discover` target of one project: the executor, `cache`, `dependsOn` (its build, its dependencies'
 * builds, and the build of a workspace `@plux/core`), every input that changes the index, and the index as output.
 */
export function inferDiscoverTarget(ctx: DiscoverTargetContext): TargetConfiguration<DiscoverExecutorSchema> {
  const { projectRoot, options, packages } = ctx;
  const defaults = options.defaults ?? {};
  const output = posix.normalize(defaults.output ?? ctx.indexPath);
  const buildTarget = options.buildTargetName ?? 'build';

  // A missing build target is fine: Nx skips dependsOn entries a project lacks. The discover targets of the
  // project's dependencies run first, so the plugins of a package's dependencies are indexed before its own
  // tests or app load them.
  const dependsOn: NonNullable<TargetConfiguration['dependsOn']> = [
    buildTarget,
    `^${buildTarget}`,
    `^${options.targetName ?? DEFAULT_TARGET_NAME}`,
  ];
  const core = packages.core;
  if (core.workspacePath !== undefined && core.workspacePath !== normalizeRoot(projectRoot) && core.root) {
    // The executor imports the built @plux/core even when this project does not depend on it.
    const coreName = readJsonObject(join(core.root, 'project.json'))?.['name'];
    dependsOn.push({ projects: [typeof coreName === 'string' ? coreName : core.name], target: 'build' });
  }

  const target: TargetConfiguration<DiscoverExecutorSchema> = {
    executor: '@plux/nx:discover',
    cache: true,
    dependsOn,
    inputs: discoverInputs(output, ctx.nxJson, packages),
    outputs: [`{projectRoot}/${output}`],
    metadata: {
      technologies: ['plux'],
      description: 'Find the plux plugins in the build output and write the index',
      help: {
        command: 'npx plux discover --help',
        example: { options: { exclude: ['internal/**'] } },
      },
    },
  };
  if (Object.keys(defaults).length > 0) target.options = { ...defaults };
  return target;
}

/**
 * The `plux-check` target of one project: the discover executor with `check: true`, which writes nothing and fails,
 * naming what differs, when the index on disk is stale. Unlike `plux-discover` the index is one of its inputs and
 * none of its outputs, so editing the index by hand misses the cache and a cached run never restores an old index.
 * (A gitignored index is invisible to Nx's file hashing; check only a committed one.)
 */
export function inferCheckTarget(ctx: DiscoverTargetContext): TargetConfiguration<DiscoverExecutorSchema> {
  const discover = inferDiscoverTarget(ctx);
  const output = posix.normalize(ctx.options.defaults?.output ?? ctx.indexPath);
  const excluded = `!{projectRoot}/${output}`;
  const inputs = (discover.inputs ?? []).filter((input) => input !== excluded);
  inputs.splice(1, 0, `{projectRoot}/${output}`);
  // Checking needs the build, not the dependencies' indexes: a check writes nothing, nor makes others write.
  const dependsOn = discover.dependsOn?.filter(
    (d) => d !== `^${ctx.options.targetName ?? DEFAULT_TARGET_NAME}`,
  );
  return {
    ...discover,
    dependsOn,
    inputs,
    outputs: [],
    options: { ...discover.options, check: true },
    metadata: {
      ...discover.metadata,
      description: 'Fail, naming what differs, when the plux index on disk is stale (writes nothing)',
    },
  };
}

function discoverInputs(
  output: string,
  nxJson: NxJsonConfiguration | undefined,
  packages: { nx: PackageLocation; core: PackageLocation },
): NonNullable<TargetConfiguration['inputs']> {
  const dependencyInput = nxJson?.namedInputs?.['production'] ? '^production' : '^default';
  const inputs: NonNullable<TargetConfiguration['inputs']> = [
    '{projectRoot}/**/*',
    `!{projectRoot}/${output}`,
    // dist/ is gitignored, so no file input sees it; the outputs of the build tasks this target depends on do.
    { dependentTasksOutputFiles: '**/*', transitive: true },
    dependencyInput,
  ];
  const external: string[] = [];
  const unlocked: string[] = [];
  for (const location of [packages.nx, packages.core]) {
    if (location.workspacePath !== undefined) {
      const base = `{workspaceRoot}/${location.workspacePath}`;
      inputs.push(`${base}/src/**/*`, `!${base}/src/**/*.spec.ts`, `${base}/package.json`);
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

/**
 * Whether a package.json belongs to a project: it is in the package manager's workspaces (as Nx's own package.json
 * plugin decides) or has a project.json beside it. Other package.json files (test fixtures, vendored packages) get
 * no target, so they do not become projects of their own.
 */
export function createProjectMatcher(workspaceRoot: string): (file: string) => boolean {
  let inWorkspaces: (file: string) => boolean = () => false;
  try {
    const nxPackageJson = requireFromPluxNx('nx/src/plugins/package-json') as typeof NxPackageJson;
    const patterns = nxPackageJson.buildPackageJsonPatterns(workspaceRoot, (p: string) =>
      readJsonObject(join(workspaceRoot, p)),
    );
    inWorkspaces = nxPackageJson.buildPackageJsonWorkspacesMatcher(patterns);
  } catch {
    // An Nx without these helpers: only a project.json marks a project.
  }
  return (file) => inWorkspaces(file) || existsSync(join(workspaceRoot, dirname(file), 'project.json'));
}

/** A shell command printing the installed version of each package, for a `runtime` input. */
export function versionsCommand(names: string[]): string {
  const list = names.map((n) => `'${n}'`).join(',');
  const print =
    "try { console.log(p, require(p + '/package.json').version) } catch { console.log(p, 'missing') }";
  return `node -e "for (const p of [${list}]) ${print}"`;
}

function normalizeRoot(root: string): string {
  return root === '' ? '.' : root;
}
