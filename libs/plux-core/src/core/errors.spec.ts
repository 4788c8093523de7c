import { describe, expect, it } from 'vitest';

import { isPluginError, PluginDisabled, PluginException, PluginNotFound, pluginNotFound } from './errors.js';

describe('plux errors', () => {
  it('keep plux wording and carry what identifies the plugin', () => {
    const disabled = new PluginDisabled('acme.services', 's3', 'Load condition for plugin was false');
    expect(disabled.message).toBe(
      'plugin acme.services:s3 is disabled, reason: Load condition for plugin was false',
    );
    expect(disabled.name).toBe('PluginDisabled');
    expect(disabled.pluginName).toBe('s3');
    expect(disabled.namespace).toBe('acme.services');
    expect(new PluginDisabled('a', 'b').message).toBe('plugin a:b is disabled');
  });

  it('are instances of their whole class chain and of nothing else', () => {
    const e = new PluginDisabled('a', 'b');
    expect(e).toBeInstanceOf(PluginDisabled);
    expect(e).toBeInstanceOf(PluginException);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(PluginNotFound);
    expect(new Error('x')).not.toBeInstanceOf(PluginException);
  });

  it('are recognised by instanceof when made by another copy of @plux/core (same brand)', () => {
    // A structurally separate class with the same name stands in for the other copy's class.
    const Other = new Function('base', 'return class PluginDisabled extends base {}')(
      PluginException,
    ) as typeof PluginException;
    const foreign = Object.create(Other.prototype) as object;
    Object.defineProperty(foreign, Symbol.for('plux.PluginException.kinds'), {
      value: ['PluginDisabled', 'PluginException'],
    });
    expect(foreign).toBeInstanceOf(PluginDisabled);
    expect(isPluginError(foreign, 'PluginDisabled')).toBe(true);
  });

  it('PluginNotFound lists the names that exist, or says how to get some', () => {
    expect(pluginNotFound('ns', 'x', ['a', 'b']).message).toBe(
      'no plugin named x in namespace ns; available: a, b',
    );
    expect(pluginNotFound('ns', 'x', []).message).toMatch(/has no plugins/);
    expect(pluginNotFound('ns', 'x', [])).toBeInstanceOf(PluginNotFound);
  });

  it('keep a cause', () => {
    const cause = new Error('root');
    expect(new PluginException('wrapped', 'ns', 'a', { cause }).cause).toBe(cause);
  });
});
