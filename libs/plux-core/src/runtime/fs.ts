/**
 * The small file-system questions the runtime asks in several places (is it a file, a folder, what is its real
 * path, what does it hold), each answered without throwing.
 */
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';

import { log } from '../core/log.js';
import { isRecord } from '../utils/records.js';
import { readRegularFile } from './read-file.js';

/**
 * The text of a file, undefined when there is none, or when it is not a regular file or too large to be a config
 * file (see readRegularFile). Checks with a stat first: most paths asked for do not exist (the config files of other
 * package managers, package.json in every ancestor), and a failed read throws, which costs far more than a stat on
 * every start.
 */
export function readText(path: string): string | undefined {
  try {
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
    return readRegularFile(path);
  } catch (error) {
    log.debug(`${path} not read: ${(error as Error).message}`);
    return undefined;
  }
}

/** The JSON object `text` holds; undefined when it is malformed JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The entries of `folder`, undefined when it cannot be listed. */
export function listFolder(folder: string): Dirent[] | undefined {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** The real path of `path`, or `path` itself when it has none (missing, dangling, a loop, no permission). */
export function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/**
 * The real path of `path`; when there is none, `error` says why unless the path simply does not exist (a folder
 * on the way that cannot be searched is not a missing file).
 */
export function realFile(path: string): { real?: string; error?: Error } {
  try {
    return { real: realpathSync.native(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? {} : { error: error as Error };
  }
}
