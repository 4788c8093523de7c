import { addProjectConfiguration, readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import { wireDeployTargets } from './deploy-targets';
import initGenerator from './generator';

/** The copy-workspace-modules target `nx g @nx/node:app` writes into an app's configuration. */
const GENERATED = {
  dependsOn: ['build'],
  cache: true,
  outputs: ['{workspaceRoot}/apps/api/dist/workspace_modules'],
  executor: '@nx/js:copy-workspace-modules',
  options: { buildTarget: 'build' },
};

const nxLogger = spyOnNxLoggerInEachTest();

function logged(): string[] {
  return nxLogger.info.mock.calls.map((call: unknown[]) => String(call[0]));
}

describe('wireDeployTargets', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] });
  });

  it('adds ^plux-discover to a copy-workspace-modules target in project.json, keeping its dependsOn', () => {
    addProjectConfiguration(tree, 'api', {
      root: 'apps/api',
      targets: { 'copy-workspace-modules': GENERATED, prune: { executor: 'nx:noop' } },
    });

    wireDeployTargets(tree, 'plux-discover');

    const targets = readJson(tree, 'apps/api/project.json').targets;
    expect(targets['copy-workspace-modules']).toEqual({
      ...GENERATED,
      dependsOn: ['build', '^plux-discover'],
    });
    expect(targets.prune).toEqual({ executor: 'nx:noop' });
    expect(logged()).toEqual([
      "@plux/nx: made api's copy-workspace-modules target depend on ^plux-discover (apps/api/project.json), " +
        'so its prune copies the plux indexes of its workspace libraries',
    ]);
  });

  it("adds it in package.json's nx field, and leaves the rest of package.json as it was", () => {
    const pkg = {
      name: '@acme/api',
      version: '0.0.1',
      nx: { targets: { 'copy-workspace-modules': GENERATED } },
      dependencies: { '@acme/greetings': '*' },
    };
    writeJson(tree, 'apps/api/package.json', pkg);

    wireDeployTargets(tree, 'plux-discover');

    expect(readJson(tree, 'apps/api/package.json')).toEqual({
      ...pkg,
      nx: { targets: { 'copy-workspace-modules': { ...GENERATED, dependsOn: ['build', '^plux-discover'] } } },
    });
    expect(logged()).toEqual([expect.stringContaining("made @acme/api's copy-workspace-modules target")]);
  });

  it('matches the executor whatever the target is called, and keeps what Nx applies where dependsOn is absent', () => {
    const { dependsOn: _, ...withoutDependsOn } = GENERATED;
    addProjectConfiguration(tree, 'api', {
      root: 'apps/api',
      targets: { 'bundle-libs': withoutDependsOn },
    });

    wireDeployTargets(tree, 'discover');

    expect(readJson(tree, 'apps/api/project.json').targets['bundle-libs'].dependsOn).toEqual([
      '...',
      '^discover',
    ]);
  });

  it('is idempotent: a second run changes nothing and logs nothing', () => {
    writeJson(tree, 'apps/api/package.json', {
      name: '@acme/api',
      nx: { targets: { 'copy-workspace-modules': GENERATED } },
    });
    wireDeployTargets(tree, 'plux-discover');
    const after = tree.read('apps/api/package.json', 'utf8');
    nxLogger.info.mockClear();

    expect(wireDeployTargets(tree, 'plux-discover')).toEqual([]);

    expect(tree.read('apps/api/package.json', 'utf8')).toBe(after);
    expect(readJson(tree, 'apps/api/package.json').nx.targets['copy-workspace-modules'].dependsOn).toEqual([
      'build',
      '^plux-discover',
    ]);
    expect(logged()).toEqual([]);
  });

  it('changes no project without such a target', () => {
    addProjectConfiguration(tree, 'lib', {
      root: 'packages/lib',
      targets: { build: { executor: '@nx/js:tsc', dependsOn: ['^build'] } },
    });
    writeJson(tree, 'packages/other/package.json', { name: 'other', nx: { targets: { test: {} } } });
    const before = [
      tree.read('packages/lib/project.json', 'utf8'),
      tree.read('packages/other/package.json', 'utf8'),
    ];

    expect(wireDeployTargets(tree, 'plux-discover')).toEqual([]);

    expect([
      tree.read('packages/lib/project.json', 'utf8'),
      tree.read('packages/other/package.json', 'utf8'),
    ]).toEqual(before);
    expect(logged()).toEqual([]);
  });

  it('says "would" under --dry-run', () => {
    writeJson(tree, 'apps/api/package.json', {
      name: '@acme/api',
      nx: { targets: { 'copy-workspace-modules': GENERATED } },
    });
    const argv = process.argv;
    process.argv = [...argv, '--dry-run'];
    try {
      wireDeployTargets(tree, 'plux-discover');
    } finally {
      process.argv = argv;
    }

    expect(logged()).toEqual([
      expect.stringMatching(/^@plux\/nx: would make @acme\/api's copy-workspace-modules/),
    ]);
  });
});

describe('init generator and deploy targets', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] });
    writeJson(tree, 'apps/api/package.json', {
      name: '@acme/api',
      nx: { targets: { 'copy-workspace-modules': GENERATED } },
    });
    writeJson(tree, 'packages/greetings/package.json', { name: '@acme/greetings', version: '1.0.0' });
  });

  it.each([[{}], [{ project: '@acme/greetings' }]])(
    'wires every app, with %o, using the target name the registered plugin configures',
    async (options) => {
      await initGenerator(tree, { ...options, skipPackageJson: true, skipFormat: true });

      expect(readJson(tree, 'apps/api/package.json').nx.targets['copy-workspace-modules'].dependsOn).toEqual([
        'build',
        '^plux-discover',
      ]);
      expect(logged()).toContainEqual(
        expect.stringContaining("made @acme/api's copy-workspace-modules target"),
      );
    },
  );
});
