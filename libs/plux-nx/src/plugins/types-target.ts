import type { CreateNodesContext, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { dirname, join } from 'node:path';
import { LOCKFILES } from '../utils/lockfiles';
import type { PackageLocation } from '../utils/plux-packages';
import { readJsonObject } from '../utils/read-json';
import type { NormalizedPluxOptions } from './options';
import {
  coreBuildDependency,
  dependencyInput,
  workspaceSourceInputs,
  type TargetDependencies,
} from './target-inputs';

/** Where `plux types` writes, relative to the project root (its default). */
export const TYPES_OUTPUT = 'src/plux-registry.d.ts';

/**
 * Adds the `plux-types` target to the nodes inferred for one package.json, when the project uses `@plux/core` (a
 * dependency, dev or peer dependency) and is not `@plux/core` itself: `plux types`, cached, which writes the
 * project's `src/plux-registry.d.ts` from the indexes visible to it, so `new PluginManager('ns')` is typed by the
 * plugins the workspace and its installed packages declare.
 *
 * Its inputs are what the registry is made from: the indexes its dependencies' `plux-discover` tasks write (they
 * run first), its dependencies' files (package.json with its `exports` map, committed indexes, declarations),
 * the project's own package.json and index, the lockfile (installed packages and their indexes), and `@plux/core`.
 */
export function withTypesTarget(
  result: CreateNodesResult,
  file: string,
  options: NormalizedPluxOptions,
  context: CreateNodesContext,
  core: PackageLocation,
): CreateNodesResult {
  if (options.typesTargetName === false) return result;
  const pkg = readJsonObject(join(context.workspaceRoot, file));
  if (!pkg || !usesPluxCore(pkg)) return result;
  const projectRoot = dirname(file);
  const name = options.typesTargetName;
  const existing = result.projects?.[projectRoot];
  return {
    ...result,
    projects: {
      ...result.projects,
      [projectRoot]: {
        ...existing,
        targets: { ...existing?.targets, [name]: inferTypesTarget(options, context, core) },
      },
    },
  };
}

/** The `plux-types` target of a project that uses `@plux/core`. */
export function inferTypesTarget(
  options: NormalizedPluxOptions,
  context: CreateNodesContext,
  core: PackageLocation,
): TargetConfiguration {
  const discover = options.targetName;
  const inputs: NonNullable<TargetConfiguration['inputs']> = [
    '{projectRoot}/package.json',
    '{projectRoot}/plux.json',
    // the indexes are gitignored build output: the discover tasks' outputs are what Nx can hash
    { dependentTasksOutputFiles: '**/plux.json', transitive: true },
    dependencyInput(context.nxJsonConfiguration),
    // every lockfile, npm-shrinkwrap.json too: npm installs from it as from package-lock.json
    ...LOCKFILES.map(({ file }) => `{workspaceRoot}/${file}`),
  ];
  if (core.workspacePath !== undefined) {
    inputs.push(...workspaceSourceInputs(core.workspacePath));
  } else if (core.inLockfile) {
    inputs.push({ externalDependencies: ['@plux/core'] });
  }
  const dependsOn: TargetDependencies = [discover, `^${discover}`];
  // the command runs the built @plux/core of this workspace
  const coreBuild = coreBuildDependency(core);
  if (coreBuild) dependsOn.push(coreBuild);
  return {
    command: 'plux types',
    options: { cwd: '{projectRoot}' },
    cache: true,
    // Nx skips the entries a project lacks: a consumer without an index of its own has no plux-discover
    dependsOn,
    inputs,
    outputs: [`{projectRoot}/${TYPES_OUTPUT}`],
    metadata: {
      technologies: ['plux'],
      description:
        'Write the PluginRegistry types of every plugin visible to this project (typed namespaces)',
      help: { command: 'npx plux types --help', example: { args: ['--check'] } },
    },
  };
}

function usesPluxCore(pkg: Record<string, unknown>): boolean {
  if (pkg['name'] === '@plux/core' || pkg['name'] === '@plux/nx') return false;
  return ['dependencies', 'devDependencies', 'peerDependencies'].some((field) => {
    const deps = pkg[field];
    return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, '@plux/core');
  });
}
