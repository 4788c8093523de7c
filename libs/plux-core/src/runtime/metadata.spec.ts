import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempTree, removeTempDirs } from '../../test/support/temp.js';
import { PluginSpec } from '../core/plugin.js';
import {
  createLazyDistribution,
  registerDistribution,
  rememberDistribution,
  resolveDistribution,
} from './metadata.js';

afterAll(removeTempDirs);
const tree = (files: Record<string, string | object>) => makeTempTree(files, 'plux-meta-');

describe('resolveDistribution', () => {
  it('finds the nearest package.json with a name, above a file path or a file URL', () => {
    const root = tree({
      'app/package.json': { name: '@acme/app', version: '1.2.3', license: 'MIT' },
      'app/dist/package.json': { type: 'module' },
      'app/dist/index.js': '',
    });
    const byPath = resolveDistribution(join(root, 'app/dist/index.js'));
    expect(byPath).toMatchObject({
      name: '@acme/app',
      version: '1.2.3',
      root: join(root, 'app'),
      workspace: true,
    });
    expect(byPath!.packageJson['license']).toBe('MIT');
    expect(resolveDistribution(pathToFileURL(join(root, 'app/dist/index.js')).href)).toBe(byPath);
    // a file that does not exist still belongs to the package around it
    expect(resolveDistribution(join(root, 'app/dist/later.js'))?.name).toBe('@acme/app');
  });

  it('marks a package inside node_modules as installed and defaults the version', () => {
    const root = tree({ 'node_modules/dep/package.json': { name: 'dep' }, 'node_modules/dep/x.js': '' });
    expect(resolveDistribution(join(root, 'node_modules/dep/x.js'))).toMatchObject({
      name: 'dep',
      version: '0.0.0',
      workspace: false,
    });
  });

  it('follows symlinks to the real package', () => {
    const root = tree({ 'real/package.json': { name: 'real-pkg' }, 'real/x.js': '' });
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(resolveDistribution(join(root, 'link/x.js'))).toMatchObject({
      name: 'real-pkg',
      root: join(root, 'real'),
    });
  });

  it('returns undefined outside any named package, and for a malformed URL', () => {
    const root = tree({ 'loose/x.js': '', 'loose/package.json': '{ not json' });
    expect(resolveDistribution(join(root, 'loose/x.js'))).toBeUndefined();
    expect(resolveDistribution('file://host/%')).toBeUndefined();
  });

  it('gives a spec the distribution remembered for it, or for its factory', () => {
    const root = tree({ 'p/package.json': { name: 'p', version: '2.0.0' } });
    const distribution = resolveDistribution(join(root, 'p'))!;
    const factory = () => ({}) as never;
    const spec = new PluginSpec('ns', 'a', factory);
    expect(resolveDistribution(spec)).toBeUndefined();
    rememberDistribution(spec, distribution);
    expect(resolveDistribution(spec)).toBe(distribution);
    expect(resolveDistribution(new PluginSpec('ns', 'b', factory))).toBe(distribution);
  });

  it('answers a path with the registered distribution of its root', () => {
    const root = tree({ 'q/package.json': { name: 'q' }, 'q/lib/x.js': '' });
    const registered = {
      name: 'q',
      version: '9.9.9',
      root: join(root, 'q'),
      packageJson: {},
      workspace: true,
    };
    registerDistribution(registered);
    expect(resolveDistribution(join(root, 'q/lib/x.js'))).toBe(registered);
  });
});

describe('createLazyDistribution', () => {
  it('reads package.json on first access only, and serialises like a plain one', () => {
    const root = tree({ 'package.json': { name: 'lazy', version: '1.0.0', license: 'ISC' } });
    const distribution = createLazyDistribution({ name: 'lazy', version: '1.0.0', root, workspace: false });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'lazy', license: 'MIT' }));
    expect(distribution.packageJson['license']).toBe('MIT');
    expect(JSON.parse(JSON.stringify(distribution))).toEqual({
      name: 'lazy',
      version: '1.0.0',
      root,
      workspace: false,
      packageJson: { name: 'lazy', license: 'MIT' },
    });
  });
});
