import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as NxPackageJson from 'nx/src/plugins/package-json';
import { requireFromPluxNx } from '../utils/plux-packages';
import { readJsonObject } from '../utils/read-json';

/** Which package.json files the plugin gives targets to: the workspace's projects, and among them the plux users. */

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

/**
 * The names of the workspace packages among `files` (package.json paths relative to the workspace root) whose
 * package.json has a `plux` field; `read` gives a file's JSON (from disk by default, or from a generator's tree).
 */
export function pluxPackageNames(
  workspaceRoot: string,
  files: readonly string[],
  read: (file: string) => Record<string, unknown> | undefined = (file) =>
    readJsonObject(join(workspaceRoot, file)),
): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const pkg = read(file);
    if (pkg && pkg['plux'] !== undefined && typeof pkg['name'] === 'string') names.add(pkg['name']);
  }
  return names;
}
