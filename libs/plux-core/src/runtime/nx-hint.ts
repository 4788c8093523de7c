/**
 * In an Nx workspace, the command that rewrites a workspace package's index is its Nx target
 * (`nx run <project>:plux-discover`), which builds the package first and is cached; elsewhere it is `plux discover`.
 * Read only when a hint is needed: a package whose index is fine costs nothing here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { isRecord } from '../utils/records.js';
import { parseJsonObject } from './fs.js';

/**
 * `nx run <project>:<target>` for the package at `packageRoot`, when an enclosing Nx workspace infers or declares
 * its discover target (the `@plux/nx` plugin in nx.json, or a `@plux/nx:discover` target in its project.json);
 * undefined otherwise.
 */
export function nxDiscoverCommand(
  packageRoot: string,
  packageJson: Record<string, unknown>,
): string | undefined {
  const project = readJson(join(packageRoot, 'project.json'));
  const declared = Object.entries(asRecord(project?.['targets']) ?? {}).find(
    ([, target]) => asRecord(target)?.['executor'] === '@plux/nx:discover',
  )?.[0];
  const nxJson = findNxJson(packageRoot);
  if (!nxJson) return undefined;
  let target = declared;
  if (target === undefined) {
    const plugins = Array.isArray(nxJson['plugins']) ? (nxJson['plugins'] as unknown[]) : [];
    const registration = plugins.find((p) => {
      const name = typeof p === 'string' ? p : asRecord(p)?.['plugin'];
      return name === '@plux/nx' || name === 'plux';
    });
    if (registration === undefined) return undefined;
    const targetName = asRecord(asRecord(registration)?.['options'])?.['targetName'];
    target = typeof targetName === 'string' && targetName ? targetName : 'plux-discover';
  }
  const name = [project?.['name'], asRecord(packageJson['nx'])?.['name'], packageJson['name']].find(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  return name === undefined ? undefined : `nx run ${name}:${target}`;
}

function findNxJson(from: string): Record<string, unknown> | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const nxJson = readJson(join(dir, 'nx.json'));
    if (nxJson) return nxJson;
    if (dirname(dir) === dir) return undefined;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return parseJsonObject(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
