import type { NxJsonConfiguration } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { addConsumerTargetDefaults, CONSUMER_TARGETS } from './consumer-target-defaults';

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

  it('leaves a default written as filtered entries alone and reports it', () => {
    const entries = [{ filter: { projects: ['app'] }, dependsOn: ['^build'] }];
    const nxJson = { targetDefaults: { test: entries } } as unknown as NxJsonConfiguration;

    expect(addConsumerTargetDefaults(nxJson, 'plux-discover').skipped).toEqual(['test']);
    expect((nxJson.targetDefaults as Record<string, unknown>)['test']).toBe(entries);
  });
});
