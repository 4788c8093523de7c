import type { CreateNodesContext, TargetConfiguration } from '@nx/devkit';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodes } from './plugin';
import type { PluxPluginOptions } from './options';

const FIXTURE = join(__dirname, '../../test/fixtures/inferred-workspace');

describe('the inferred plux-types target', () => {
  let workspace: string;
  const files = ['libs/with-plux/package.json', 'libs/no-plux/package.json', 'libs/consumer/package.json'];

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'plux-nx-types-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    mkdirSync(join(workspace, 'libs/consumer'), { recursive: true });
    writeFileSync(
      join(workspace, 'libs/consumer/package.json'),
      JSON.stringify({ name: '@x/consumer', version: '1.0.0', dependencies: { '@plux/core': '*' } }),
    );
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  async function infer(options?: PluxPluginOptions) {
    const context: CreateNodesContext = { workspaceRoot: workspace, nxJsonConfiguration: {} };
    const results = await createNodes[1](files, options, context);
    const targets: Record<string, Record<string, TargetConfiguration>> = {};
    for (const [, result] of results) {
      for (const [root, project] of Object.entries(result.projects ?? {}))
        targets[root] = project.targets ?? {};
    }
    return targets;
  }

  it('goes to every project that uses @plux/core, beside its other plux targets, and to no other', async () => {
    const targets = await infer();

    // a consumer also gets the no-op plux-discover that runs its dependencies' discovery
    expect(Object.keys(targets['libs/consumer']!)).toEqual(['plux-discover', 'plux-types']);
    expect(targets['libs/with-plux']!['plux-types']).toBeUndefined();
    expect(targets['libs/no-plux']).toBeUndefined();
  });

  it('runs plux types in the project, cached, after the discover tasks, with the registry as its output', async () => {
    const target = (await infer())['libs/consumer']!['plux-types']!;

    expect(target).toMatchObject({
      command: 'plux types',
      options: { cwd: '{projectRoot}' },
      cache: true,
      outputs: ['{projectRoot}/src/plux-registry.d.ts'],
    });
    expect(target.dependsOn).toEqual(expect.arrayContaining(['plux-discover', '^plux-discover']));
    expect(target.inputs).toEqual(
      expect.arrayContaining([
        '{projectRoot}/package.json',
        { dependentTasksOutputFiles: '**/plux.json', transitive: true },
        '^default',
        '{workspaceRoot}/package-lock.json',
      ]),
    );
  });

  it('hashes every lockfile, npm-shrinkwrap.json too (npm installs from it as from package-lock.json)', async () => {
    const { inputs } = (await infer())['libs/consumer']!['plux-types']!;

    const lockfiles = [
      'package-lock.json',
      'npm-shrinkwrap.json',
      'pnpm-lock.yaml',
      'yarn.lock',
      'bun.lock',
      'bun.lockb',
    ];
    expect(inputs).toEqual(expect.arrayContaining(lockfiles.map((file) => `{workspaceRoot}/${file}`)));
  });

  it('takes its name from typesTargetName, and is not inferred with false', async () => {
    expect(Object.keys((await infer({ typesTargetName: 'registry' }))['libs/consumer']!)).toEqual([
      'plux-discover',
      'registry',
    ]);
    expect(Object.keys((await infer({ typesTargetName: false }))['libs/consumer']!)).toEqual([
      'plux-discover',
    ]);
  });
});
