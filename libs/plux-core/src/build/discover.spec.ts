import { symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { copyFixture, writePackage } from '../../test/support/packages.js';
import { removeTempDirs } from '../../test/support/temp.js';
import { discoverPlugins } from './discover.js';
import { DiscoveryError } from './errors.js';

afterAll(removeTempDirs);

async function discoveryError(promise: Promise<unknown>): Promise<DiscoveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscoveryError);
  return error as DiscoveryError;
}

describe('discoverPlugins', () => {
  // CommonJS is covered through the real binary (test/cli-discover.spec.ts): vitest's own loader, which discovery
  // falls back to in here, loads a .cjs file that another one required a second time, and turns every property of
  // module.exports into a named export, unlike Node.
  it('names the defining module of a plugin re-exported through barrels and aliases', async () => {
    const root = copyFixture('build-barrels');
    const result = await discoverPlugins({ root, exclude: ['cjs'] });

    expect(result.plugins).toEqual([
      { namespace: 'acme.cli', name: 'greet', module: './dist/greet.js', export: 'greet' },
      {
        namespace: 'acme.storage',
        name: 'dynamodb',
        module: './dist/services/dynamodb.js',
        export: 'dynamodb',
      },
      { namespace: 'acme.storage', name: 's3', module: './dist/services/s3.js', export: 'S3Plugin' },
    ]);
    expect(result.scanned).toBe(join(root, 'dist'));
    expect(result.failures).toEqual([]);
  });

  it('lists the modules it imported and the ones that threw, with their errors', async () => {
    const result = await discoverPlugins({ root: copyFixture('build-services'), exclude: ['internal/**'] });

    expect(result.modules).toEqual([
      './dist/broken.js',
      './dist/cli/deploy.js',
      './dist/index.js',
      './dist/late.mjs',
      './dist/legacy.cjs',
      './dist/services.js',
    ]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.module).toBe('./dist/broken.js');
    expect((result.failures[0]!.error as Error).message).toBe('controlled import failure');
  });

  it('throws in strict mode, naming each module that threw', async () => {
    const error = await discoveryError(
      discoverPlugins({ root: copyFixture('build-services'), strict: true }),
    );

    expect(error.problems).toEqual(['./dist/broken.js: Error: controlled import failure']);
    expect(error.message).toContain('strict');
  });

  it('imports only what include selects, and exclude wins over include', async () => {
    const root = copyFixture('build-services');
    const onlyCli = await discoverPlugins({ root, include: ['cli/**'] });
    const none = await discoverPlugins({ root, include: ['cli/**'], exclude: ['cli'] });

    expect(onlyCli.modules).toEqual(['./dist/cli/deploy.js']);
    expect(onlyCli.plugins.map((p) => `${p.namespace}:${p.name}`)).toEqual([
      'acme.cli:deploy',
      'acme.cli:rollback',
    ]);
    expect(none.modules).toEqual([]);
    expect(none.index).toBe('{\n  "formatVersion": 1,\n  "plugins": {}\n}\n');
  });

  it('scans --path instead of the built entry folder', async () => {
    const root = copyFixture('build-services');
    const result = await discoverPlugins({ root, path: 'dist/cli' });

    expect(result.scanned).toBe(join(root, 'dist', 'cli'));
    expect(result.modules).toEqual(['./dist/cli/deploy.js']);
  });

  it('rejects duplicates naming both modules and exports', async () => {
    const error = await discoveryError(discoverPlugins({ root: copyFixture('build-duplicates') }));

    expect(error.problems).toEqual([
      'duplicate plugin acme.dup:twin: exported by ./dist/alpha.js#TwinPlugin and ./dist/beta.js#twin; ' +
        'give each a unique name, or export one value',
    ]);
  });

  it('rejects a plugin whose namespace the index cannot hold', async () => {
    const root = writePackage({
      'dist/index.js': `import { PluginSpec } from '@plux/core';\nexport const bad = new PluginSpec('acme:bad', 'x', () => ({}));\n`,
    });
    const error = await discoveryError(discoverPlugins({ root }));

    expect(error.problems).toEqual([
      './dist/index.js#bad: plugin "acme:bad:x": a namespace must not contain ":" or whitespace',
    ]);
  });

  it('warns about a class with pluginName but no namespace', async () => {
    const root = writePackage({
      'dist/index.js': `import { Plugin } from '@plux/core';\nexport class Orphan extends Plugin { static pluginName = 'orphan'; }\n`,
    });
    const result = await discoverPlugins({ root });

    expect(result.plugins).toEqual([]);
    expect(result.warnings).toEqual([
      './dist/index.js#Orphan: class Orphan has pluginName but no namespace, so it is not a plugin',
    ]);
  });

  it('never follows a symlink out of the scanned folder', async () => {
    const root = writePackage({
      'dist/index.js': 'export const x = 1;\n',
      'outside/side-effect.js': "throw new Error('imported from outside the scanned folder');\n",
    });
    symlinkSync(join(root, 'outside'), join(root, 'dist', 'linked'), 'dir');
    const result = await discoverPlugins({ root });

    expect(result.modules).toEqual(['./dist/index.js']);
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('skipped linked: it is a symlink to')]);
  });

  it('explains what to do when there is nothing to scan', async () => {
    const noEntry = writePackage({}, { main: undefined });
    const notBuilt = writePackage({});

    expect((await discoveryError(discoverPlugins({ root: noEntry }))).message).toContain(
      'package.json has neither exports["."] nor main; pass --path',
    );
    expect((await discoveryError(discoverPlugins({ root: notBuilt }))).message).toContain(
      'build the package first',
    );
    expect((await discoveryError(discoverPlugins({ root: notBuilt, path: '../..' }))).message).toContain(
      'outside the package root',
    );
  });
});
