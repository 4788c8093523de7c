/**
 * Identity across copies of @plux/core: a spec, a plugin class, an error or a function plugin is told by its brand
 * (a `Symbol.for` key), not by `instanceof` one copy's class, and the brand stays out of the declared shapes.
 */
import { describe, expect, it } from 'vitest';

import { captureLogInEachTest, GoodPlugin, StaticPluginFinder } from '../../test/support/doubles.js';
import { type FunctionPlugin, PluginException, PluginManager, PluginSpec, plugin } from '../index.js';
import { PLUGIN_SPEC } from './brand.js';

const NS = 'test.edges';
captureLogInEachTest(); // what the manager logs stays out of the test output

describe('identity across copies of @plux/core', () => {
  it('instanceof PluginSpec holds for a branded spec of another copy, and not for look-alikes', () => {
    const foreign = { namespace: NS, name: 'x', factory: GoodPlugin };
    expect(foreign).not.toBeInstanceOf(PluginSpec);
    Object.defineProperty(foreign, PLUGIN_SPEC, { value: true });
    expect(foreign).toBeInstanceOf(PluginSpec);
    expect(new PluginSpec(NS, 'y', GoodPlugin)).toBeInstanceOf(PluginSpec);
  });

  it('the brand is not an own enumerable field of a spec (it stays out of the declared type)', () => {
    const spec = new PluginSpec(NS, 'y', GoodPlugin);
    expect(Object.getOwnPropertySymbols(spec)).toEqual([]);
    expect(Object.keys(spec).sort()).toEqual(['factory', 'name', 'namespace']);
  });

  it('two unrelated subclasses of PluginException that share a name are not instances of each other', () => {
    const makeError = () => class CustomError extends PluginException {};
    const A = makeError();
    const B = makeError();
    expect(new B('b')).not.toBeInstanceOf(A);
    expect(new A('a')).toBeInstanceOf(A);
    expect(new A('a')).toBeInstanceOf(PluginException);
  });

  it('function plugins keep their load condition and load function without a declared private field', async () => {
    let ready = false;
    const hello = plugin(
      { namespace: NS, shouldLoad: () => ready, load: (who: string) => `loaded for ${who}` },
      function hello() {
        return 'hi';
      },
    );
    const manager = new PluginManager<FunctionPlugin<typeof hello>>(NS, {
      finder: new StaticPluginFinder([hello.pluginSpec]),
      loadArgs: ['tests'],
    });
    ready = true;
    const loaded = await manager.load('hello');
    expect(loaded.call()).toBe('hi');
    expect(manager.getContainer('hello').loadValue).toBe('loaded for tests');
    expect(Object.keys(loaded).sort()).toEqual(['fn', 'name', 'namespace']);
  });
});
