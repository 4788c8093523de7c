import { statSync } from 'node:fs';

/**
 * Whether `path` is a folder, following symlinks. Anything that keeps it from being used as one (missing, a
 * dangling link, a symlink loop, no permission) is `false`, never an exception.
 */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}
