import { log } from '../core/log.js';
import { globProblem, matchesGlob } from './filter.js';

/** One rule of `PLUX_DISABLED`: globs over the namespace and the name. */
export interface DisabledRule {
  /** The rule as written, e.g. `acme.services:legacy-*`. */
  rule: string;
  namespace: string;
  name: string;
}

let parsedFrom: string | undefined;
let parsedRules: DisabledRule[] = [];

/** Bad rules already reported: each once per process, however often the variable is re-read. */
const reportedRules = new Set<string>();

/**
 * The rules of `PLUX_DISABLED="ns:name,ns:*,…"` (comma-separated globs over `namespace:name`; a rule without `:`
 * matches every plugin of the namespaces it matches). Re-read whenever the variable changes. A rule that is not a
 * valid glob (`[z-a]`) is reported once, as a warning naming it and why, and ignored; the other rules still apply.
 */
export function disabledRules(env: NodeJS.ProcessEnv = process.env): DisabledRule[] {
  const raw = env['PLUX_DISABLED'] ?? '';
  if (raw === parsedFrom) return parsedRules;
  parsedFrom = raw;
  parsedRules = [];
  for (const rule of raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)) {
    const colon = rule.indexOf(':');
    const parsed =
      colon === -1
        ? { rule, namespace: rule, name: '*' }
        : { rule, namespace: rule.slice(0, colon), name: rule.slice(colon + 1) || '*' };
    const problem = globProblem(parsed.namespace) ?? globProblem(parsed.name);
    if (problem === undefined) {
      parsedRules.push(parsed);
    } else if (!reportedRules.has(rule)) {
      reportedRules.add(rule);
      log.warn(
        `PLUX_DISABLED rule ${JSON.stringify(rule)} is not a valid glob (${problem}); it is ignored, the other ` +
          'rules still apply',
      );
    }
  }
  return parsedRules;
}

/** The `PLUX_DISABLED` rule that disables `namespace:name`, if any. */
export function findDisabledRule(
  namespace: string,
  name: string,
  env?: NodeJS.ProcessEnv,
): DisabledRule | undefined {
  return disabledRules(env).find((r) => matchesGlob(namespace, r.namespace) && matchesGlob(name, r.name));
}
