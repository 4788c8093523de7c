import { relative, sep } from 'node:path';

/** `path` relative to `folder`, with `/` between segments on every platform: how plux.json and messages write it. */
export function relativePosix(folder: string, path: string): string {
  return relative(folder, path).split(sep).join('/');
}
