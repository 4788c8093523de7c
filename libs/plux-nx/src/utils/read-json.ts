import { existsSync, readFileSync } from 'node:fs';

/**
 * The JSON object in `path`, or undefined when the file is missing, unreadable, not JSON or not an object: the
 * inferred targets read the package.json files Nx hands them and must never fail the project graph over one.
 */
export function readJsonObject(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
