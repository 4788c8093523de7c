import { describe, expect, it } from 'vitest';

import type { PluginContainer } from './container.js';
import { pluginState } from './plugin-state.js';

const container = (state: Partial<PluginContainer>): PluginContainer => ({
  name: 's3',
  isResolved: false,
  isInit: false,
  isLoaded: false,
  isDisabled: false,
  ...state,
});

describe('pluginState', () => {
  it('reads found, resolved and loaded from the flags', () => {
    expect(pluginState(container({}))).toEqual({ state: 'found' });
    expect(pluginState(container({ isResolved: true, spec: {} as never }))).toEqual({ state: 'resolved' });
    expect(pluginState(container({ isResolved: true, spec: {} as never, isInit: true }))).toEqual({
      state: 'resolved',
    });
    expect(pluginState(container({ isResolved: true, isInit: true, isLoaded: true }))).toEqual({
      state: 'loaded',
    });
  });

  it("gives a disabled plugin's reason, undefined when plux has none", () => {
    expect(pluginState(container({ isDisabled: true, disabledReason: 'PLUX_DISABLED' }))).toEqual({
      state: 'disabled',
      reason: 'PLUX_DISABLED',
    });
    expect(pluginState(container({ isDisabled: true }))).toEqual({ state: 'disabled', reason: undefined });
  });

  it('names the first step that failed, with its error as thrown', () => {
    const error = new Error('boom');

    expect(pluginState(container({ resolveError: error, loadError: 'later' }))).toEqual({
      state: 'failed',
      stage: 'resolve',
      error,
    });
    expect(pluginState(container({ isResolved: true, initError: error }))).toMatchObject({ stage: 'init' });
    expect(pluginState(container({ isResolved: true, isInit: true, loadError: 7 }))).toEqual({
      state: 'failed',
      stage: 'load',
      error: 7,
    });
  });
});
