import type { PackageManager } from '@nx/devkit';

/** A lockfile at the workspace root: one of the files that decide which packages an install puts in place. */
export interface Lockfile {
  /** Its name, at the workspace root. */
  file: string;
  /** The package manager that writes and reads it. */
  packageManager: PackageManager;
  /**
   * Whether Nx reads the workspace's external nodes (the npm packages a target may name in `externalDependencies`)
   * from it, and its text names those packages. Not `npm-shrinkwrap.json`, which npm honours but Nx does not parse,
   * nor the binary `bun.lockb`.
   */
  externalNodes: boolean;
}

/**
 * Every lockfile of the package managers Nx knows, in the order Nx detects the package manager by (the first one
 * present wins; `npm-shrinkwrap.json` last, since npm is what Nx falls back to anyway). A change in any of them can
 * change what is installed, so each is an input of the targets that read installed packages.
 */
export const LOCKFILES: readonly Lockfile[] = [
  { file: 'bun.lockb', packageManager: 'bun', externalNodes: false },
  { file: 'bun.lock', packageManager: 'bun', externalNodes: true },
  { file: 'yarn.lock', packageManager: 'yarn', externalNodes: true },
  { file: 'pnpm-lock.yaml', packageManager: 'pnpm', externalNodes: true },
  { file: 'package-lock.json', packageManager: 'npm', externalNodes: true },
  // npm reads it in place of package-lock.json when both exist
  { file: 'npm-shrinkwrap.json', packageManager: 'npm', externalNodes: false },
];
