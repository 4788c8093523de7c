import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` so that a reader never sees half a file: into `<file>.<pid>.tmp` beside it, then renamed
 * over it. What the file is stays as it was:
 *
 * - a symlink is written through: the file it points to is replaced, the link stays a link;
 * - an existing file keeps its permission bits (a package.json at 640 stays 640);
 * - temp files that writers killed mid-write left beside it (`<file>.<pid>.tmp` of a process that no longer
 *   runs) are removed first, so they do not pile up or end up published.
 *
 * @returns the path actually written (the link's target for a symlink).
 */
export function writeAtomically(path: string, text: string): string {
  const target = resolveLink(path);
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  removeStaleTemps(target);
  const mode = modeOf(target);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, mode === undefined ? undefined : { mode });
    if (mode !== undefined) chmodSync(temp, mode); // writeFileSync's mode is filtered by the umask
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return target;
}

/** Removes `<file>.<pid>.tmp` files beside `path` (a link's target) whose writer process is gone. Never throws. */
export function removeStaleTemps(path: string): string[] {
  const file = resolveLink(path);
  const prefix = `${basename(file)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (!/^\d+$/.test(pid) || isRunning(Number(pid))) continue;
    const temp = join(dirname(file), name);
    try {
      if (!lstatSync(temp).isFile()) continue;
      rmSync(temp, { force: true });
      removed.push(temp);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** Whether a process with this id runs (one of another user counts: it is not ours to judge). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // a leftover of an earlier process that had our id
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file a path names, symlinks followed; the path itself when it is no link or a dangling one. */
function resolveLink(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
    return realpathSync(path);
  } catch {
    return path;
  }
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}
