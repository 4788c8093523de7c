/** What several `plux` commands share: flags declared alike, and an entry point put back in its index's terms. */
import type { EntryPoint } from '../../core/entry-point.js';
import { relativePosix } from '../../utils/posix.js';

/** `--cwd <dir>`, for a command that looks for packages from a folder. */
export const CWD_OPTION = {
  type: 'string',
  value: '<dir>',
  description: 'look from this folder instead of the current one',
} as const;

/** `--json`, for a command that prints a table otherwise. */
export const JSON_TABLE_OPTION = {
  type: 'boolean',
  description: 'print a JSON array instead of a table',
} as const;

/**
 * The module of an entry point exactly as its package's index spells it (`dist/services.js`, `./dist/services.js`),
 * or undefined when it did not come from an index: the runtime's value is `<package>:<module>#<export>`.
 */
export function indexModule(ep: EntryPoint): string | undefined {
  if (!ep.distribution) return undefined;
  const prefix = `${ep.distribution.name}:`;
  const suffix = `#${ep.export}`;
  const { value } = ep;
  if (value.length <= prefix.length + suffix.length || !value.startsWith(prefix) || !value.endsWith(suffix))
    return undefined;
  return value.slice(prefix.length, value.length - suffix.length);
}

/** The module relative to its package (`./dist/services.js`), as in the package's index. */
export function modulePath(ep: EntryPoint): string {
  const module = indexModule(ep);
  if (module !== undefined) return module.startsWith('.') ? module : `./${module}`;
  if (ep.distribution) return `./${relativePosix(ep.distribution.root, ep.module)}`;
  return ep.module;
}
