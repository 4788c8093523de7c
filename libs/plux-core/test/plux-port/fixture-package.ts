/**
 * Small real packages on disk for the tests that need modules to import (entry points) or a package to resolve
 * (distributions). Each package is written into a fresh folder under the OS temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EntryPoint } from '../../src/index.js';

/**
 * `import ... from CORE_SRC_URL` in a fixture module gets the very `@plux/core` source module the tests use
 * (vitest transforms the TypeScript; the URL names the real file, since a `.js` URL is not mapped to its `.ts`).
 */
export const CORE_SRC_URL = pathToFileURL(path.resolve(import.meta.dirname, '../../src/index.ts')).href;
/** The test doubles, importable from a fixture module. */
export const DOUBLES_URL = pathToFileURL(path.resolve(import.meta.dirname, 'doubles.ts')).href;
/** The built `@plux/core` (`npm run build -w @plux/core`): a second copy of the core module. */
export const CORE_DIST_PATH = path.resolve(import.meta.dirname, '../../dist/index.js');

const created: string[] = [];

/** A new empty folder under the OS temp dir (its real path); removed by {@link removeTempDirs}. */
export function createTempDir(prefix = 'plux-port-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

/** Removes every folder {@link createTempDir} made (call it in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (path relative to `root` → content; objects are written as JSON) and returns `root`. */
export function writeFiles(root: string, files: Record<string, string | object>): string {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return root;
}

/** Writes a package (its package.json and `files`) into a new temp folder and returns the package root. */
export function writePackage(
  packageJson: Record<string, unknown>,
  files: Record<string, string | object>,
): string {
  return writeFiles(createTempDir(), { 'package.json': packageJson, ...files });
}

/**
 * An {@link EntryPoint} as the index finder would build it from a `plux.json` entry of the package at `root`
 * (without its distribution, which a finder double has no need to resolve).
 */
export function entryPointOf(
  root: string,
  entry: { namespace: string; name: string; module: string; export: string },
): EntryPoint {
  const packageName = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string }
  ).name;
  return {
    namespace: entry.namespace,
    name: entry.name,
    module: path.join(root, entry.module),
    export: entry.export,
    value: `${packageName}:${entry.module}#${entry.export}`,
  };
}
