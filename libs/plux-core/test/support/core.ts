/**
 * Where this package is, for the tests: its root (what fixture packages get as their `@plux/core`), its fixtures,
 * its source and build, and a private copy of the build.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { makeTempDir } from './temp.js';

/** libs/plux-core. */
export const CORE_ROOT = resolve(import.meta.dirname, '..', '..');
/** The repository root, whose node_modules holds the pinned package managers and core's dependencies. */
export const REPO_ROOT = join(CORE_ROOT, '..', '..');
/** test/fixtures: the packages and helper scripts the tests copy or run. */
export const FIXTURES = join(CORE_ROOT, 'test', 'fixtures');
/**
 * `import ... from CORE_SRC_URL` in a module a test writes gets the very `@plux/core` source module the tests use
 * (vitest transforms the TypeScript; the URL names the real file, since a `.js` URL is not mapped to its `.ts`).
 */
export const CORE_SRC_URL = pathToFileURL(join(CORE_ROOT, 'src', 'index.ts')).href;
/** The built `@plux/core` (`npm run build -w @plux/core`): a second copy of the core module. */
export const CORE_DIST_PATH = join(CORE_ROOT, 'dist', 'index.js');

/** Whether `@plux/core` is built, so fixture plugin modules and the `plux` bin can import it. */
export function isCoreBuilt(): boolean {
  return existsSync(CORE_DIST_PATH);
}

/** Builds `@plux/core` when its dist/ is missing (fixture plugins and the `plux` bin import it). */
export function ensureCoreBuilt(): void {
  if (!isCoreBuilt()) execFileSync('npm', ['run', 'build'], { cwd: CORE_ROOT });
}

/**
 * A private copy of the built `@plux/core` (package.json and dist/) for fixture plugins to import, so that a
 * rebuild of this package while tests run (another terminal, watch mode) cannot pull it from under them.
 */
export function copyBuiltCore(): string {
  ensureCoreBuilt();
  const dir = join(makeTempDir('plux-core-copy-'), 'core');
  mkdirSync(dir);
  cpSync(join(CORE_ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(CORE_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}
