/**
 * Temp folders for the tests, and files written into them. Every folder is removed by {@link removeTempDirs}.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const tempDirs: string[] = [];

/** A fresh temp folder (its real path), removed by {@link removeTempDirs}. */
export function makeTempDir(prefix = 'plux-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder {@link makeTempDir} made; call from `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes `files` (path relative to `root` → content; objects are written as JSON, `{ symlink: target }` as a link)
 * and returns `root`.
 */
export function writeFiles(root: string, files: Record<string, string | object>): string {
  for (const [file, content] of Object.entries(files)) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === 'object' && 'symlink' in content) {
      symlinkSync((content as { symlink: string }).symlink, target);
    } else {
      writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    }
  }
  return root;
}

/** A fresh temp folder (its real path) holding `files` as {@link writeFiles} writes them. */
export function makeTempTree(files: Record<string, string | object>, prefix?: string): string {
  return writeFiles(makeTempDir(prefix), files);
}

/** `paths` below `root`, relative to it (`root/libs/a` → `libs/a`). */
export function relativePaths(root: string, paths: string[]): string[] {
  return paths.map((p) => p.slice(root.length + 1));
}

/**
 * A fresh temp folder with an empty `node_modules` to list and one file to watch, `plux.json` holding `{"a":1}`:
 * the root the watch and cache specs record and check.
 */
export function makeWatchedRoot(prefix?: string): { root: string; file: string } {
  const root = makeTempDir(prefix);
  mkdirSync(join(root, 'node_modules'));
  const file = join(root, 'plux.json');
  writeFileSync(file, '{"a":1}');
  return { root, file };
}
