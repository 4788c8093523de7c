import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of minicloud's own package (`apps/demo`): where its plugin managers start looking for packages, so
 * the program finds its plugins from whatever folder it is run in.
 */
export const appRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** minicloud's version, from its package.json. */
export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

let root: string | undefined;

/** The nearest folder above the app with a package-lock.json or node_modules: where paths are shown from. */
export function workspaceRoot(): string {
  if (root) return root;
  for (let dir = dirname(appRoot); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json')) || existsSync(join(dir, 'node_modules')))
      return (root = dir);
    if (dirname(dir) === dir) return (root = appRoot);
  }
}
