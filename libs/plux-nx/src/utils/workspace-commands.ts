import {
  detectPackageManager,
  getPackageManagerCommand,
  readJson,
  readNxJson,
  type PackageManager,
  type Tree,
} from '@nx/devkit';
import { LOCKFILES } from './lockfiles';

/** The commands a hint may name, as they work in the workspace at hand. */
export interface WorkspaceCommands {
  /** The package manager: `nx.json` `cli.packageManager`, else the lockfile, else the one running Nx. */
  packageManager: PackageManager;
  /** Its install command, as Nx runs it (`npm install`, `pnpm install --no-frozen-lockfile`, `yarn`). */
  install: string;
  /**
   * The collection the generators are reached by: `plux` where a root tsconfig `paths` alias makes `plux`
   * resolvable (inside the plux repository), else the package name `@plux/nx`.
   */
  collection: string;
}

/**
 * What hints should name in this workspace. Read from the tree (the lockfiles and tsconfig it holds, pending changes
 * included), so a hint matches the workspace the generator runs in, not the repository @plux/nx was built in.
 */
export function workspaceCommands(tree: Tree): WorkspaceCommands {
  const packageManager = packageManagerOf(tree);
  return {
    packageManager,
    install: getPackageManagerCommand(packageManager, tree.root).install,
    collection: generatorCollection(tree),
  };
}

/**
 * The package manager of the workspace in `tree`: nx.json's `cli.packageManager`, else the first lockfile found
 * (Nx's own order), else what Nx detects for the root folder (the package manager that runs it).
 */
export function packageManagerOf(tree: Tree): PackageManager {
  const configured = readNxJson(tree)?.cli?.packageManager;
  if (configured) return configured;
  for (const { file, packageManager } of LOCKFILES) if (tree.exists(file)) return packageManager;
  return detectPackageManager(tree.root);
}

/** `plux` where the root tsconfig maps the bare name `plux` (so `nx g plux:plugin` resolves), else `@plux/nx`. */
export function generatorCollection(tree: Tree): string {
  for (const file of ['tsconfig.base.json', 'tsconfig.json']) {
    if (!tree.exists(file)) continue;
    try {
      const paths = readJson<{ compilerOptions?: { paths?: Record<string, unknown> } }>(tree, file)
        .compilerOptions?.paths;
      if (paths && Object.hasOwn(paths, 'plux')) return 'plux';
    } catch {
      // a tsconfig that does not parse makes no alias; Nx itself then resolves by package name
    }
  }
  return '@plux/nx';
}
