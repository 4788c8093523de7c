import type { NxJsonConfiguration } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { addConsumerTargetDefaults, CONSUMER_EXECUTORS, CONSUMER_TARGETS } from './consumer-target-defaults';

describe('addConsumerTargetDefaults', () => {
  it('makes build, test, serve and start depend on ^plux-discover, after what plugins infer ("...")', () => {
    const nxJson: NxJsonConfiguration = {};
    const result = addConsumerTargetDefaults(nxJson, 'plux-discover');

    expect(result).toEqual({ changed: [...CONSUMER_TARGETS], skipped: [] });
    expect(nxJson.targetDefaults).toEqual({
      build: { dependsOn: ['...', '^plux-discover'] },
      test: { dependsOn: ['...', '^plux-discover'] },
      serve: { dependsOn: ['...', '^plux-discover'] },
      start: { dependsOn: ['...', '^plux-discover'] },
    });
  });

  it('keeps existing defaults, appending to their dependsOn, and is idempotent', () => {
    const nxJson: NxJsonConfiguration = {
      targetDefaults: {
        build: { dependsOn: ['^build'], cache: true, outputs: ['{projectRoot}/dist'] },
        test: { cache: true },
        serve: { dependsOn: ['build', '^index'] },
      },
    };
    expect(addConsumerTargetDefaults(nxJson, 'index').changed).toEqual(['build', 'test', 'start']);
    const once = structuredClone(nxJson);

    expect(nxJson.targetDefaults).toEqual({
      build: { dependsOn: ['^build', '^index'], cache: true, outputs: ['{projectRoot}/dist'] },
      test: { cache: true, dependsOn: ['...', '^index'] },
      serve: { dependsOn: ['build', '^index'] },
      start: { dependsOn: ['...', '^index'] },
    });
    expect(addConsumerTargetDefaults(nxJson, 'index')).toEqual({ changed: [], skipped: [] });
    expect(nxJson).toEqual(once);
  });

  it('also appends to the default of every consumer executor nx.json has, since Nx prefers it to the name key', () => {
    const nxJson = {
      targetDefaults: {
        '@nx/esbuild:esbuild': { cache: true, dependsOn: ['^build'] },
        '@nx/jest:jest': { cache: true },
        '@nx/js:tsc': { dependsOn: ['^build', '^plux-discover'] },
        '@nx/eslint:lint': { cache: true },
      },
    } as NxJsonConfiguration;

    expect(addConsumerTargetDefaults(nxJson, 'plux-discover').changed).toEqual([
      ...CONSUMER_TARGETS,
      '@nx/esbuild:esbuild',
      '@nx/jest:jest',
    ]);

    const defaults = nxJson.targetDefaults as Record<string, unknown>;
    expect(defaults['@nx/esbuild:esbuild']).toEqual({ cache: true, dependsOn: ['^build', '^plux-discover'] });
    expect(defaults['@nx/jest:jest']).toEqual({ cache: true, dependsOn: ['...', '^plux-discover'] });
    expect(defaults['@nx/js:tsc']).toEqual({ dependsOn: ['^build', '^plux-discover'] });
    expect(defaults['@nx/eslint:lint']).toEqual({ cache: true });
    // only executors nx.json already names: no default for @nx/webpack:webpack and the like appears
    for (const executor of CONSUMER_EXECUTORS) {
      if (!['@nx/esbuild:esbuild', '@nx/jest:jest', '@nx/js:tsc'].includes(executor)) {
        expect(defaults[executor]).toBeUndefined();
      }
    }
    expect(addConsumerTargetDefaults(nxJson, 'plux-discover').changed).toEqual([]);
  });

  it('leaves a default written as filtered entries alone and reports it', () => {
    const entries = [{ filter: { projects: ['app'] }, dependsOn: ['^build'] }];
    const nxJson = { targetDefaults: { test: entries } } as unknown as NxJsonConfiguration;

    expect(addConsumerTargetDefaults(nxJson, 'plux-discover').skipped).toEqual(['test']);
    expect((nxJson.targetDefaults as Record<string, unknown>)['test']).toBe(entries);
  });
});
