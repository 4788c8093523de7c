/**
 * `CompositePluginLifecycleListener` beyond plux's own tests: `addListener` (plux's `add_listener`).
 */
import { describe, expect, it } from 'vitest';

import { createMockListener, GoodPlugin, StaticPluginFinder } from '../../test/support/doubles.js';
import { CompositePluginLifecycleListener, PluginManager, PluginSpec } from '../index.js';

const NS = 'test.parity';

describe('CompositePluginLifecycleListener.addListener (plux add_listener)', () => {
  it('a listener added after construction receives the hooks fired from then on, after the others', async () => {
    const calls: string[] = [];
    const first = { onInitAfter: () => void calls.push('first') };
    const composite = new CompositePluginLifecycleListener([first]);
    const manager = new PluginManager(NS, {
      finder: new StaticPluginFinder([
        new PluginSpec(NS, 'one', GoodPlugin),
        new PluginSpec(NS, 'two', GoodPlugin),
      ]),
      listeners: composite,
    });
    await manager.load('one');
    const added = createMockListener();
    composite.addListener(added);
    composite.addListener({ onInitAfter: () => void calls.push('last') });
    await manager.load('two');

    expect(composite.listeners).toHaveLength(3);
    expect(calls).toEqual(['first', 'first', 'last']);
    expect(added.onInitAfter).toHaveBeenCalledTimes(1);
    expect(added.onLoadAfter).toHaveBeenCalledTimes(1);
  });
});
