/**
 * The public `PluginSpecResolver` (plux ≥ 1.4, `plux.core.plugin.PluginSpecResolver`): what it takes as a plugin and
 * what it refuses. Where it is injected (a manager, discovery) is in test/plux-port/parity.spec.ts.
 */
import { describe, expect, it } from 'vitest';

import { GoodPlugin } from '../../test/support/doubles.js';
import { SimplePlugin } from '../../test/support/sample-plugins.js';
import { Plugin, PluginException, PluginSpec, PluginSpecResolver, plugin } from '../index.js';

const NS = 'test.parity';

describe('PluginSpecResolver (plux core.plugin.PluginSpecResolver)', () => {
  const resolver = new PluginSpecResolver();

  it('takes a spec as it is, a Plugin class as a spec of the class, a plugin() function as its spec', () => {
    const spec = new PluginSpec(NS, 'as-is', GoodPlugin);
    expect(resolver.resolve(spec)).toBe(spec);

    const fromClass = resolver.resolve(SimplePlugin);
    expect([fromClass.namespace, fromClass.name, fromClass.factory]).toEqual([
      'namespace_2',
      'simple',
      SimplePlugin,
    ]);

    const hello = plugin({ namespace: NS }, function hello() {
      return 'hi';
    });
    expect(resolver.resolve(hello)).toBe(hello.pluginSpec);
  });

  it('raises for anything else, naming the source (plux raises ValueError)', () => {
    expect(() => resolver.resolve(42, { source: './dist/x.js#answer' })).toThrow(PluginException);
    expect(() => resolver.resolve({}, { source: './dist/x.js#obj' })).toThrow(
      /\.\/dist\/x\.js#obj: cannot resolve an object \(Object\) to a plugin/,
    );
    abstract class AbstractBase extends Plugin {
      static override namespace = NS;
    }
    expect(() => resolver.resolve(AbstractBase)).toThrow(/needs both static namespace and static pluginName/);
  });

  it('names an inline arrow after the fallback name, and its plugin carries that name', async () => {
    const arrow = plugin({ namespace: NS }, () => 'arrow');
    const spec = resolver.resolve(arrow, { fallbackName: 'exported' });
    expect(spec.name).toBe('exported');
    const created = (await (spec.factory as unknown as () => Promise<{ name: string }>)()) as {
      name: string;
    };
    expect(created.name).toBe('exported');
  });
});
