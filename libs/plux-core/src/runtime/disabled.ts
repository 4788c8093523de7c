import { matchesGlob } from './filter.js';

/** One rule of `PLUX_DISABLED`: globs over the namespace and the name. */
export interface DisabledRule {
  /** The rule as written, e.g. `acme.services:legacy-*`. */
  rule: string;
  namespace: string;
  name: string;
}

let parsedFrom: string | undefined;
let parsedRules: DisabledRule[] = [];

/**
 * The rules of `PLUX_DISABLED="ns:name,ns:*,…"` (comma-separated globs over `namespace:name`; a rule without `:`
 * matches every plugin of the namespaces it matches). Re-read whenever the variable changes.
 */
export function disabledRules(env: NodeJS.ProcessEnv = process.env): DisabledRule[] {
  const raw = env['PLUX_DISABLED'] ?? '';
  if (raw === parsedFrom) return parsedRules;
  parsedFrom = raw;
  parsedRules = raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((rule) => {
      const colon = rule.indexOf(':');
      return colon === -1
        ? { rule, namespace: rule, name: '*' }
        : { rule, namespace: rule.slice(0, colon), name: rule.slice(colon + 1) || '*' };
    });
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
