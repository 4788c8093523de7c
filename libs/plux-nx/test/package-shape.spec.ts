/**
 * The shape of @plux/nx's package.json, as a framework's Nx plugin publishes it: @plux/core is a peer (the workspace
 * installs the core its code imports; the plugin uses that copy, and pnpm or yarn can meet the peer from a local
 * tarball), and `nx migrate` finds the plugin's migrations through `nx-migrations`. Installing the packed tarballs
 * with npm, pnpm and yarn is proven end to end by tools/example.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  'nx-migrations'?: { migrations?: string };
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

describe('@plux/nx package.json', () => {
  it('declares @plux/core as a peer dependency, not a dependency', () => {
    expect(pkg.peerDependencies?.['@plux/core']).toBe('*');
    expect(pkg.dependencies?.['@plux/core']).toBeUndefined();
  });

  it('points nx-migrations at a migrations.json that Nx can read', () => {
    const path = pkg['nx-migrations']?.migrations;
    expect(path).toBe('./migrations.json');
    expect(existsSync(join(ROOT, path!))).toBe(true);
    const migrations = JSON.parse(readFileSync(join(ROOT, path!), 'utf8')) as Record<string, unknown>;
    expect(migrations['generators']).toEqual({});
    expect(migrations['packageJsonUpdates']).toEqual({});
  });
});
