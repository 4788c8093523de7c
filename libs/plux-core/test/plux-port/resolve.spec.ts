/**
 * Resolving entry points (plux's "resolved" state): listing imports nothing, `load` imports the plugin's module,
 * and an export that is not the plugin its entry point names is a resolve error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PluginException, PluginManager, type EntryPoint } from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import {
  captureLogInEachTest,
  createMockListener,
  DOUBLES_URL,
  StaticPluginFinder,
} from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

const NS = 'test.resolve';

/** Module source that records its import in `globalThis.pluxPortImports` and exports the given plugin specs. */
function pluginModule(id: string, specs: Record<string, { namespace: string; name: string }>): string {
  return [
    `import { PluginSpec } from ${JSON.stringify(CORE_SRC_URL)};`,
    `import { GoodPlugin } from ${JSON.stringify(DOUBLES_URL)};`,
    `(globalThis.pluxPortImports ??= []).push(${JSON.stringify(id)});`,
    ...Object.entries(specs).map(
      ([exportName, { namespace, name }]) =>
        `export const ${exportName} = new PluginSpec(${JSON.stringify(namespace)}, ${JSON.stringify(name)}, GoodPlugin);`,
    ),
  ].join('\n');
}

function importsOf(id: string): number {
  const imports = (globalThis as { pluxPortImports?: string[] }).pluxPortImports ?? [];
  return imports.filter((i) => i === id).length;
}

captureLogInEachTest(); // what the manager logs stays out of the test output
afterAll(removeTempDirs);

describe('PluginManager resolving entry points', () => {
  it('lists without importing, and load imports only the module of that plugin', async () => {
    const id = `listing-${Date.now()}`;
    const root = writePackage(
      {
        'a.js': pluginModule(`${id}/a`, { a: { namespace: NS, name: 'a' } }),
        'b.js': pluginModule(`${id}/b`, { b: { namespace: NS, name: 'b' } }),
      },
      { name: '@plux-port/lazy', version: '1.0.0', type: 'module' },
    );
    const entryPoints = [
      entryPointOf(root, { namespace: NS, name: 'a', module: './a.js', export: 'a' }),
      entryPointOf(root, { namespace: NS, name: 'b', module: './b.js', export: 'b' }),
    ];
    const manager = new PluginManager(NS, { finder: new StaticPluginFinder(entryPoints) });

    expect(manager.listNames()).toEqual(['a', 'b']);
    expect(manager.exists('a')).toBe(true);
    expect(manager.listEntryPoints()).toEqual(entryPoints);
    expect(manager.getContainer('a').isResolved).toBe(false);
    expect(importsOf(`${id}/a`) + importsOf(`${id}/b`)).toBe(0);

    await manager.load('a');

    expect(importsOf(`${id}/a`)).toBe(1);
    expect(importsOf(`${id}/b`)).toBe(0);
    const container = manager.getContainer('a');
    expect(container.isResolved).toBe(true);
    expect(container.spec?.name).toBe('a');
    expect(container.entryPoint).toBe(entryPoints[0]);
  });

  it.each([
    ['name', { namespace: NS, name: 'other-name' }],
    ['namespace', { namespace: 'other.namespace', name: 'mismatch' }],
  ])('a spec whose %s differs from its entry point is a resolve error', async (_what, exported) => {
    const root = writePackage(
      { 'plugins.js': pluginModule('mismatch', { exported }) },
      { name: '@plux-port/mismatch', version: '1.0.0', type: 'module' },
    );
    const entryPoint = entryPointOf(root, {
      namespace: NS,
      name: 'mismatch',
      module: './plugins.js',
      export: 'exported',
    });
    const listener = createMockListener();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([entryPoint]),
      listeners: listener,
    });

    const error = await manager.load('mismatch').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PluginException);
    expect((error as Error).message).toContain(`${NS}:mismatch`);
    expect((error as Error).message).toContain(`${exported.namespace}:${exported.name}`);
    const container = manager.getContainer('mismatch');
    expect(container.resolveError).toBe(error);
    expect(container.isResolved).toBe(false);
    expect(container.isInit).toBe(false);
    expect(listener.onResolveException).toHaveBeenCalledWith(NS, entryPoint, error);
    expect(listener.onResolveAfter).not.toHaveBeenCalled();
    expect(listener.onInitAfter).not.toHaveBeenCalled();
  });

  it('a module that does not exist is a resolve error, and the other plugins still load', async () => {
    const root = writePackage(
      { 'good.js': pluginModule('missing/good', { good: { namespace: NS, name: 'good' } }) },
      { name: '@plux-port/missing', version: '1.0.0', type: 'module' },
    );
    const missing: EntryPoint = entryPointOf(root, {
      namespace: NS,
      name: 'gone',
      module: './gone.js',
      export: 'gone',
    });
    const listener = createMockListener();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        missing,
        entryPointOf(root, { namespace: NS, name: 'good', module: './good.js', export: 'good' }),
      ]),
      listeners: listener,
    });

    const plugins = await manager.loadAll();

    expect(plugins).toEqual([manager.getContainer('good').plugin]);
    const { resolveError } = manager.getContainer('gone');
    expect(resolveError).toBeInstanceOf(PluginException);
    expect((resolveError as Error).message).toContain('gone.js');
    expect(listener.onResolveException).toHaveBeenCalledWith(NS, missing, resolveError);
    await expect(manager.load('gone')).rejects.toBe(resolveError);
  });

  it('a PluginException thrown by onResolveAfter is a resolve error, reported to onResolveException', async () => {
    const root = writePackage(
      { 'plugins.js': pluginModule('refused', { refused: { namespace: NS, name: 'refused' } }) },
      { name: '@plux-port/refused', version: '1.0.0', type: 'module' },
    );
    const entryPoint = entryPointOf(root, {
      namespace: NS,
      name: 'refused',
      module: './plugins.js',
      export: 'refused',
    });
    const failure = new PluginException('refused after resolve', NS, 'refused');
    const observer = createMockListener();
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([entryPoint]),
      listeners: [
        {
          onResolveAfter() {
            throw failure;
          },
        },
        observer,
      ],
    });

    await expect(manager.load('refused')).rejects.toBe(failure);
    const container = manager.getContainer('refused');
    expect(container.resolveError).toBe(failure);
    expect(container.isInit).toBe(false);
    expect(observer.onResolveException).toHaveBeenCalledWith(NS, entryPoint, failure);
  });

  it('an export that does not exist is a resolve error naming the export', async () => {
    const root = writePackage(
      { 'plugins.js': pluginModule('no-export', {}) },
      { name: '@plux-port/no-export', version: '1.0.0', type: 'module' },
    );
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: NS, name: 'ghost', module: './plugins.js', export: 'ghost' }),
      ]),
    });

    const error = await manager.load('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginException);
    expect((error as Error).message).toContain('ghost');
    expect(manager.getContainer('ghost').resolveError).toBe(error);
  });

  it('an export that is not a plugin is a resolve error', async () => {
    const root = writePackage(
      { 'plugins.js': 'export const someMember = "this string should not be interpreted as a plugin";' },
      { name: '@plux-port/not-a-plugin', version: '1.0.0', type: 'module' },
    );
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: NS, name: 'some', module: './plugins.js', export: 'someMember' }),
      ]),
    });

    await expect(manager.load('some')).rejects.toBeInstanceOf(PluginException);
    const error = manager.getContainer('some').resolveError as PluginException;
    expect(error).toBeInstanceOf(PluginException);
    expect([error.namespace, error.pluginName]).toEqual([NS, 'some']);
    expect(error.message).toMatch(
      /^cannot resolve plugin test\.resolve:some: export "someMember" of .*plugins\.js \(entry point @plux-port\/not-a-plugin:\.\/plugins\.js#someMember\) is not a plugin/,
    );
    expect(error.message).toMatch(/run `plux discover`/);
  });

  it('listPluginSpecs resolves every plugin of the namespace', async () => {
    const root = writePackage(
      {
        'plugins.js': pluginModule('specs', {
          one: { namespace: NS, name: 'one' },
          two: { namespace: NS, name: 'two' },
        }),
      },
      { name: '@plux-port/specs', version: '1.0.0', type: 'module' },
    );
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: NS, name: 'one', module: './plugins.js', export: 'one' }),
        entryPointOf(root, { namespace: NS, name: 'two', module: './plugins.js', export: 'two' }),
      ]),
    });

    const specs = await manager.listPluginSpecs();

    expect(specs.map((s) => `${s.namespace}:${s.name}`)).toEqual([`${NS}:one`, `${NS}:two`]);
    expect(manager.isLoaded('one')).toBe(false);
  });
});
