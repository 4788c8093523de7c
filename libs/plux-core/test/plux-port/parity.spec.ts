/**
 * The parts of plux's public API beyond its own tests that need real packages: where the public
 * `PluginSpecResolver` (plux ≥ 1.4) is injected, and `__version__`. `CompositePluginLifecycleListener.add_listener`
 * and the resolver itself are specified beside them, in src/core/listener.spec.ts and src/core/plugin.resolver.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { discoverPlugins } from '../../src/build/index.js';
import {
  Plugin,
  PluginManager,
  PluginSpec,
  PluginSpecResolver,
  version,
  type PluginSpecResolveContext,
} from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import { StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

afterAll(removeTempDirs);

/** A host's own plugin shape: a plain object `{ route, handle }`, made a plugin by the host's resolver. */
class RoutePlugin extends Plugin {
  constructor(readonly route: { route: string; handle(): string }) {
    super();
  }
}

class RouteResolver extends PluginSpecResolver {
  override resolve(source: unknown, context?: PluginSpecResolveContext): PluginSpec {
    if (typeof source === 'object' && source !== null && 'route' in source && 'handle' in source) {
      const route = source as { route: string; handle(): string };
      return new PluginSpec('test.routes', route.route, () => new RoutePlugin(route));
    }
    return super.resolve(source, context);
  }
}

describe('an injected PluginSpecResolver', () => {
  const root = writePackage(
    {
      'dist/index.js': [
        `import { PluginSpec, Plugin } from ${JSON.stringify(CORE_SRC_URL)};`,
        `export const health = { route: 'health', handle: () => 'ok' };`,
        `class Version extends Plugin { static namespace = 'test.routes'; static pluginName = 'version'; }`,
        `export { Version };`,
      ].join('\n'),
    },
    { name: '@parity/routes', version: '1.0.0', type: 'module', main: './dist/index.js' },
  );

  it("lets a manager accept the host's own plugin shape from an entry point (plux's spec_resolver)", async () => {
    const finder = new StaticPluginFinder([
      entryPointOf(root, {
        namespace: 'test.routes',
        name: 'health',
        module: './dist/index.js',
        export: 'health',
      }),
      entryPointOf(root, {
        namespace: 'test.routes',
        name: 'version',
        module: './dist/index.js',
        export: 'Version',
      }),
    ]);
    const manager = new PluginManager<RoutePlugin>('test.routes', {
      finder,
      specResolver: new RouteResolver(),
    });
    const health = await manager.load('health');
    expect(health).toBeInstanceOf(RoutePlugin);
    expect(health.route.handle()).toBe('ok');
    // the shapes the default resolver knows still resolve through super.resolve
    await expect(manager.load('version')).resolves.toBeInstanceOf(Plugin);

    const plain = new PluginManager('test.routes', { finder });
    await expect(plain.load('health')).rejects.toThrow(/export "health" .* is not a plugin/);
  });

  it('lets discovery index those shapes, so the index and the managers agree', async () => {
    const withResolver = await discoverPlugins({ root, specResolver: new RouteResolver() });
    expect(withResolver.plugins.map((p) => `${p.namespace}:${p.name}#${p.export}`)).toEqual([
      'test.routes:health#health',
      'test.routes:version#Version',
    ]);
    const without = await discoverPlugins({ root });
    expect(without.plugins.map((p) => p.name)).toEqual(['version']);
  });
});

describe('version (plux __version__)', () => {
  it("is @plux/core's package.json version, written in at build time", () => {
    const packageJson = JSON.parse(
      fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    expect(version).toBe(packageJson.version);
  });

  it('the built package carries it in its code, without reading package.json', () => {
    const dist = path.resolve(import.meta.dirname, '../../dist');
    const chunks = fs.readdirSync(path.join(dist, 'chunks')).filter((f) => f.endsWith('.js'));
    const code = [path.join(dist, 'index.js'), ...chunks.map((f) => path.join(dist, 'chunks', f))]
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    expect(code).not.toContain('__PLUX_VERSION__');
    expect(code).toContain(JSON.stringify(version));
  });
});
