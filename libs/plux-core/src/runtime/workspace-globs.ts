/**
 * Workspace globs without a glob library on the hot path: reading `pnpm-workspace.yaml`'s package list, the static
 * prefix of a glob (the folder the cache watches), and expanding globs when `@manypkg/get-packages` cannot.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';

import type Picomatch from 'picomatch';

import { relativePosix } from '../utils/posix.js';
import { isFile, listFolder } from './fs.js';
import { localRequire } from './local-require.js';

/**
 * The `packages:` list of a `pnpm-workspace.yaml`, read line by line: enough for the globs that decide what the
 * cache watches and for the fallback expansion, without loading a YAML parser on every start.
 */
export function pnpmPackages(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^packages\s*:/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages || /^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s*(['"]?)(.*?)\1\s*(#.*)?$/.exec(line);
    if (!item) break;
    if (item[2]) globs.push(item[2]);
  }
  return globs;
}

/**
 * Expands workspace globs without `@manypkg/get-packages`: walks from each glob's static prefix (skipping
 * `node_modules` and dot folders) and keeps the folders that match and hold a package.json.
 */
export function expandWorkspaceGlobs(rootDir: string, globs: string[]): string[] {
  const positive = globs.filter((g) => !g.startsWith('!')).map(normalizeGlob);
  const negative = globs.filter((g) => g.startsWith('!')).map((g) => normalizeGlob(g.slice(1)));
  if (positive.length === 0) return [];
  const picomatch = localRequire()('picomatch') as typeof Picomatch;
  const isMatch = picomatch(positive, { ignore: negative, dot: false });
  const found = new Set<string>();
  const visited = new Set<string>();
  const walk = (dir: string, depth: number, maxDepth: number) => {
    const rel = relativePosix(rootDir, dir);
    if (rel && isMatch(rel) && isFile(join(dir, 'package.json'))) found.add(dir);
    if (depth >= maxDepth) return;
    let real: string;
    try {
      real = realpathSync.native(dir);
    } catch {
      return;
    }
    if (visited.has(real)) return; // a symlink loop, or two links to one folder
    visited.add(real);
    for (const entry of listFolder(dir) ?? []) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.isFile()) continue;
      walk(join(dir, entry.name), depth + 1, maxDepth);
    }
  };
  for (const glob of positive) {
    const prefix = staticPrefix(glob);
    const rest = glob.slice(prefix.length).split('/').filter(Boolean);
    walk(join(rootDir, prefix), 0, rest.includes('**') ? 16 : rest.length);
  }
  return [...found];
}

function normalizeGlob(glob: string): string {
  return glob.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The leading path segments of a glob that hold no glob syntax (`libs/` of `libs/*`). */
export function staticPrefix(glob: string): string {
  const parts = normalizeGlob(glob).split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!+@]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.length === parts.length ? fixed.join('/') : fixed.map((p) => `${p}/`).join('');
}
