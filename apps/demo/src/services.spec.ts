import { createRouter, ServicePlugin, type Router } from '@minicloud/api';
import { PluginSpec, type PluginFinder } from '@plux/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { PluginReport } from './report.js';
import { loadServices, unknownServicesWarning } from './services.js';

class EchoService extends ServicePlugin {
  static override pluginName = 'echo';
  readonly description = 'answers what it was sent';
  protected mount(router: Router) {
    router.route('POST', '/', (req) => ({ body: req.text() }));
  }
}

class ThrowsOnLoadService extends ServicePlugin {
  static override pluginName = 'broken';
  readonly description = 'never loads';
  protected mount(): void {
    throw new Error('controlled load fail');
  }
}

class ShyService extends ServicePlugin {
  static override pluginName = 'shy';
  readonly description = 'left out by configuration';
  protected mount(router: Router) {
    router.route('GET', '/', () => ({}));
  }
}

/** A finder that hands the specs over directly: no index, no package. */
const finder: PluginFinder = {
  findPlugins: () => [
    new PluginSpec('minicloud.services', 'echo', EchoService),
    new PluginSpec('minicloud.services', 'broken', ThrowsOnLoadService),
    new PluginSpec('minicloud.services', 'shy', ShyService),
  ],
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadServices', () => {
  it('loads each service with { router, config } and reports running, failed and disabled ones with the reason', async () => {
    const router = createRouter();
    const report = new PluginReport();
    const env = { MINICLOUD_SERVICES: 'echo,broken' };
    // the plugins' shouldLoad() reads the process environment, as installed plugin packages do
    vi.stubEnv('MINICLOUD_SERVICES', env.MINICLOUD_SERVICES);
    const rows = await loadServices({ router, config: { host: '127.0.0.1', port: 0 }, report, env, finder });
    expect(rows.map((r) => [r.name, r.state, r.reason ?? r.description])).toEqual([
      ['broken', 'failed', 'controlled load fail'],
      ['echo', 'running', 'answers what it was sent'],
      [
        'shy',
        'disabled',
        'Load condition for plugin was false: shy is not in MINICLOUD_SERVICES=echo,broken',
      ],
    ]);
    expect(rows.find((r) => r.name === 'echo')?.routes).toEqual([{ method: 'POST', pattern: '/echo' }]);
    expect(router.routes).toEqual([{ method: 'POST', pattern: '/echo' }]);

    expect(report.events.map((e) => `${e.state} ${e.name}`)).toEqual([
      'resolved broken',
      'failed broken',
      'resolved echo',
      'loaded echo',
      'resolved shy',
      'disabled shy',
    ]);
    expect(report.events.find((e) => e.state === 'failed')?.detail).toBe('load: controlled load fail');
    const lines = report.format({
      bold: (s) => s,
      dim: (s) => s,
      red: (s) => s,
      green: (s) => s,
      yellow: (s) => s,
      cyan: (s) => s,
    });
    // one aligned log: the plugin ids start at the same column on every line
    expect(new Set(lines.map((l) => l.indexOf('minicloud.services:')))).toEqual(new Set([12]));
  });
});

describe('unknownServicesWarning', () => {
  const rows = ['s3', 'kv', 'secrets', 'queue'].map((name) => ({ name }));

  it('names the selected services no plugin has, and the known ones, sorted', () => {
    expect(unknownServicesWarning(rows, ['s3', 'nope'])).toBe(
      'unknown service nope (known: kv, queue, s3, secrets)',
    );
    expect(unknownServicesWarning(rows, ['nope', 'sqs'])).toBe(
      'unknown services nope, sqs (known: kv, queue, s3, secrets)',
    );
  });

  it('says nothing when every name is known or every service is selected', () => {
    expect(unknownServicesWarning(rows, ['s3', 'queue'])).toBeUndefined();
    expect(unknownServicesWarning(rows, undefined)).toBeUndefined();
  });
});
