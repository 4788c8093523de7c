/**
 * A function plugin in a real package, found through its entry point: an inline arrow has no name of its own, so it
 * takes the entry point's. The port of plux's tests/test_function_plugin.py is in src/core/function-plugin.spec.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { type FunctionPlugin, PluginManager } from '../../src/index.js';
import { CORE_SRC_URL } from '../support/core.js';
import { StaticPluginFinder } from '../support/doubles.js';
import { entryPointOf, writePackage } from '../support/packages.js';
import { removeTempDirs } from '../support/temp.js';

afterAll(removeTempDirs);

describe('plugin() in a package', () => {
  it('an inline arrow takes its name from the entry point (its export name)', async () => {
    const root = writePackage(
      {
        'greet.js': [
          `import { plugin } from ${JSON.stringify(CORE_SRC_URL)};`,
          `export const greet = plugin({ namespace: 'ns.arrows' }, (who) => 'hello ' + who);`,
        ].join('\n'),
      },
      { name: '@plux-port/arrows', version: '1.0.0', type: 'module' },
    );
    const manager = new PluginManager<FunctionPlugin>('ns.arrows', {
      finder: new StaticPluginFinder([
        entryPointOf(root, { namespace: 'ns.arrows', name: 'greet', module: './greet.js', export: 'greet' }),
      ]),
    });

    const greet = await manager.load('greet');
    expect(greet.call('plux')).toBe('hello plux');
    expect(greet('world')).toBe('hello world');
    expect(greet.name).toBe('greet');
    expect(greet.namespace).toBe('ns.arrows');
    expect(manager.getContainer('greet').spec?.name).toBe('greet');
  });
});
