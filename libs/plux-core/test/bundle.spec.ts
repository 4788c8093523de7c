/**
 * The bundled `dist/` (rolldown.config.mjs) keeps what the per-file `tsc` output guaranteed: each source module
 * exists once in the package, so `PluginSpec`, `Plugin` and the errors are one class whichever entry
 * (`@plux/core`, `@plux/core/build`, the CLI) a program reaches them through; and every class keeps its name, which
 * plux errors use as their kind (`this.name = new.target.name`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { CORE_ROOT, ensureCoreBuilt } from './support/core.js';

const DIST = join(CORE_ROOT, 'dist');
const SRC = join(CORE_ROOT, 'src');

beforeAll(() => {
  ensureCoreBuilt();
});

describe("@plux/core's dist", () => {
  it('holds every source module in exactly one file', () => {
    const holders = new Map<string, string[]>();
    for (const map of listFiles(DIST).filter((file) => file.endsWith('.js.map'))) {
      const { sources } = JSON.parse(readFileSync(join(DIST, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const module = relative(SRC, resolve(dirname(join(DIST, map)), source))
          .split(sep)
          .join('/');
        holders.set(module, [...(holders.get(module) ?? []), map.replace(/\.map$/, '')]);
      }
    }
    expect([...holders].filter(([, files]) => files.length > 1)).toEqual([]);
    // The modules every entry shares are among them (a map listing nothing would pass the check above).
    expect([...holders.keys()]).toEqual(
      expect.arrayContaining(['core/plugin.ts', 'core/errors.ts', 'core/plux-index.ts', 'build/discover.ts']),
    );
  });

  it('keeps the name of every exported class, and errors report their class name', async () => {
    const core = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as Record<string, unknown>;
    const build = (await import(pathToFileURL(join(DIST, 'build', 'index.js')).href)) as Record<
      string,
      unknown
    >;
    const renamed = Object.entries({ ...core, ...build })
      .filter(
        ([, value]) =>
          typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)),
      )
      .map(([name, value]) => [name, (value as { name: string }).name])
      .filter(([exported, own]) => exported !== own);
    expect(renamed).toEqual([]);
    const { PluginDisabled } = core as { PluginDisabled: new (ns: string, name: string) => Error };
    expect(new PluginDisabled('acme.services', 's3').name).toBe('PluginDisabled');
  });
});

/** Every file under `dir`, relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}
