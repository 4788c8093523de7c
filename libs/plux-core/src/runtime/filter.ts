import { isEntryPoint, type EntryPoint } from '../core/entry-point.js';
import type { PluginSpec } from '../core/plugin.js';

/** Decides whether a plugin is disabled before it is created: `true` disables it. */
export type PluginFilter = (spec: PluginSpec | EntryPoint) => boolean;

/** A pattern of {@link MatchingPluginFilter}; every field set must match (AND), each is a glob (`*`, `?`, `[...]`). */
export interface PluginMatcher {
  /** Glob over the namespace, e.g. `acme.services.*`. */
  namespace?: string;
  /** Glob over the plugin name. */
  name?: string;
  /** Glob over the entry point's value `<package>:<module>#<export>`, e.g. `@acme/legacy:*`. */
  value?: string;
}

/**
 * A {@link PluginFilter} (callable, like plux's `MatchingPluginFilter.__call__`) that disables every plugin matching
 * one of its exclusions. `exclusions` is a plain array: `exclusions.length = 0` clears it.
 */
export interface MatchingPluginFilter extends PluginFilter {
  readonly exclusions: PluginMatcher[];
  /** Adds an exclusion (plux's `add_pattern`). */
  addExclusion(matcher: PluginMatcher): void;
}

/**
 * Creates an empty {@link MatchingPluginFilter}.
 *
 * @example
 * ```ts
 * const filter = createMatchingPluginFilter();
 * filter.addExclusion({ namespace: 'acme.services', name: 'legacy-*' });
 * new PluginManager('acme.services', { filters: [filter] });
 * ```
 */
export function createMatchingPluginFilter(): MatchingPluginFilter {
  const exclusions: PluginMatcher[] = [];
  const filter = ((spec: PluginSpec | EntryPoint) =>
    exclusions.some((m) => matches(m, spec))) as MatchingPluginFilter;
  Object.defineProperty(filter, 'exclusions', { value: exclusions, enumerable: true });
  filter.addExclusion = (matcher) => {
    for (const field of ['namespace', 'name', 'value'] as const) {
      const glob = matcher[field];
      const problem = glob === undefined ? undefined : globProblem(glob);
      if (problem)
        throw new TypeError(`invalid ${field} glob ${JSON.stringify(glob)} in an exclusion: ${problem}`);
    }
    exclusions.push({ ...matcher });
  };
  return filter;
}

/** The filter every manager uses unless given its own `filters` (plux's `global_plugin_filter`). */
export const globalPluginFilter: MatchingPluginFilter = createMatchingPluginFilter();

/**
 * Translates an fnmatch-style glob to a regular expression: `*` any run of characters, `?` one, `[...]`/`[!...]` a
 * class. Like Python's fnmatch (which plux uses), `*` also crosses `.` and `/`.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/**
 * Why `glob` cannot be used (a class like `[z-a]` whose range is out of order), or undefined when it can. Python's
 * fnmatch rejects the same globs, with `re.error`.
 */
export function globProblem(glob: string): string | undefined {
  try {
    globToRegExp(glob);
    return undefined;
  } catch (error) {
    // "Invalid regular expression: /^[z-a]$/s: Range out of order in character class": the regular expression is
    // ours, not the user's; keep the reason
    const message = (error as Error).message;
    return message.slice(message.lastIndexOf(': ') + 2) || message;
  }
}

const compiled = new Map<string, RegExp>();

/** Whether `text` matches the fnmatch-style `glob`. */
export function matchesGlob(text: string, glob: string): boolean {
  let re = compiled.get(glob);
  if (!re) compiled.set(glob, (re = globToRegExp(glob)));
  return re.test(text);
}

function matches(matcher: PluginMatcher, target: PluginSpec | EntryPoint): boolean {
  if (matcher.namespace !== undefined && !matchesGlob(target.namespace, matcher.namespace)) return false;
  if (matcher.name !== undefined && !matchesGlob(target.name, matcher.name)) return false;
  if (matcher.value !== undefined) {
    if (!isEntryPoint(target) || !matchesGlob(target.value, matcher.value)) return false;
  }
  return true;
}
