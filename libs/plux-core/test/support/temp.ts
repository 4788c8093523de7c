/**
 * Temp folders for the tests, and files written into them. Every folder is removed by {@link removeTempDirs}.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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

/** Writes `files` (path relative to `root` → content; objects are written as JSON) and returns `root`. */
export function writeFiles(root: string, files: Record<string, string | object>): string {
  for (const [file, content] of Object.entries(files)) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return root;
}
