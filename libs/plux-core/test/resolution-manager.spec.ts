/**
 * The PluginManager over the default index finder, on real folders: listing imports nothing, loading imports the
 * one module of the plugin, and a broken plugin fails alone. Fixture plugin modules push their URL to
 * `globalThis.__pluxImports` when imported, and import the built `@plux/core` (a second copy of the core).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PluginException } from '../src/core/errors.js';
import { setLogSink } from '../src/core/log.js';
import { IndexPluginFinder } from '../src/runtime/finder.js';
import { PluginManager } from '../src/runtime/manager.js';
import { breakWorkspace } from './support/break-workspace.js';
import { ensureCoreBuilt } from './support/core.js';
import { copyFixture } from './support/packages.js';
import { removeTempDirs } from './support/temp.js';

declare global {
  var __pluxImports: string[] | undefined;
}

/** The fixture modules imported so far, relative to `root`. */
const imported = (root: string) =>
  (globalThis.__pluxImports ?? []).map((url) => url.slice(pathToFileURL(root).href.length + 1));

beforeAll(() => {
  ensureCoreBuilt();
});
beforeEach(() => {
  globalThis.__pluxImports = [];
  setLogSink(() => {});
});
afterEach(() => setLogSink());
afterAll(removeTempDirs);

function managerFor(root: string, namespace: string) {
  return new PluginManager(namespace, { finder: new IndexPluginFinder({ cwd: root, cache: false }) });
}

describe('PluginManager with the index finder', () => {
  it('lists names, answers exists and lists entry points without importing any plugin module', () => {
    const root = copyFixture('npm-workspace');
    for (const namespace of ['acme.services', 'acme.extras', 'acme.cli']) {
      const manager = managerFor(root, namespace);
      expect(manager.listNames().length).toBeGreaterThan(0);
      expect(manager.exists(manager.listNames()[0]!)).toBe(true);
      expect(manager.exists('nope')).toBe(false);
      expect(manager.listEntryPoints().every((ep) => ep.distribution !== undefined)).toBe(true);
      expect(manager.listContainers().every((c) => !c.isResolved)).toBe(true);
    }
    expect(imported(root)).toEqual([]);
  });

  it('imports exactly the module of the plugin it loads', async () => {
    const root = copyFixture('npm-workspace');
    const manager = managerFor(root, 'acme.services');
    expect(manager.listNames()).toEqual(['dynamodb', 's3', 'sqs']);

    const s3 = await manager.load('s3');
    expect(s3.load()).toBe('s3 from @acme/services');
    expect(imported(root)).toEqual(['libs/services/lib/services.js']);

    // dynamodb lives in the same module: nothing new is imported
    await manager.load('dynamodb');
    expect(manager.getContainer('dynamodb').loadValue).toBe('dynamodb from @acme/services');
    expect(imported(root)).toEqual(['libs/services/lib/services.js']);

    await manager.load('sqs');
    expect(imported(root)).toEqual([
      'libs/services/lib/services.js',
      'libs/services/node_modules/nested-plugins/lib/index.js',
    ]);
  });

  it('loads the winner of a clash and never imports the loser', async () => {
    const root = copyFixture('npm-workspace');
    const manager = managerFor(root, 'acme.extras');
    await manager.loadAll();
    expect(manager.getContainer('shared').loadValue).toBe('shared from plain-plugins');
    expect(imported(root).sort()).toEqual([
      'node_modules/@scope/scoped-plugins/lib/index.js',
      'node_modules/plain-plugins/lib/index.js',
      'vendor/linked-plugins/lib/index.js',
    ]);
  });

  it("gives each container its package's distribution", async () => {
    const root = copyFixture('pnpm-workspace');
    const manager = managerFor(root, 'demo.pnpm');
    await manager.loadAll();
    const alpha = manager.getContainer('alpha');
    expect(alpha.loadValue).toBe('alpha from @acme/pnpm-plugins');
    expect(alpha.distribution).toMatchObject({
      name: '@acme/pnpm-plugins',
      version: '1.0.0',
      root: join(root, 'node_modules/.pnpm/@acme+pnpm-plugins@1.0.0/node_modules/@acme/pnpm-plugins'),
      workspace: false,
    });
    expect(managerFor(root, 'demo.app').getContainer('home').distribution).toMatchObject({
      name: '@pnpm-demo/app',
      root: join(root, 'packages/app'),
      workspace: true,
    });
  });

  it('fails only the plugin whose export is missing or whose constructor or load throws', async () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const manager = managerFor(root, 'bad.entries');
    expect(manager.listNames()).toEqual(['constructor-throws', 'good', 'load-throws', 'no-export']);

    const error = await manager.load('no-export').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginException);
    expect((error as Error).message).toContain('has no export "doesNotExist"');
    expect((error as Error).message).toContain('@acme/bad-entries@1.0.0');
    await expect(manager.load('constructor-throws')).rejects.toThrow('controlled constructor fail');
    await expect(manager.load('load-throws')).rejects.toThrow('controlled load fail');

    const loaded = await managerFor(root, 'bad.entries').loadAll();
    expect(loaded.map((p) => (p as { fn?: () => unknown }).fn?.())).toEqual(['good']);
    // the entry whose module leaves the package through a symlink is never imported
    expect(imported(root).some((m) => m.includes('outside'))).toBe(false);
  });

  it('loads plugins named __proto__ and constructor like any other', async () => {
    const root = copyFixture('npm-workspace');
    breakWorkspace(root);
    const proto = managerFor(root, '__proto__');
    expect(proto.listNames()).toEqual(['constructor']);
    await proto.load('constructor');
    expect(proto.getContainer('constructor').loadValue).toBe('proto');
    const ctor = managerFor(root, 'constructor');
    await ctor.load('__proto__');
    expect(ctor.getContainer('__proto__').loadValue).toBe('ctor');
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
