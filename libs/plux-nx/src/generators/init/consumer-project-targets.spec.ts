import {
  readJson,
  readNxJson,
  updateNxJson,
  writeJson,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readTargetDefaultsForTarget } from 'nx/src/devkit-internals';
import { beforeEach, describe, expect, it } from 'vitest';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import { generatePlugin } from '../../../test/support/plugin-workspace';
import { wireConsumerProjectTargets } from './consumer-project-targets';
import initGenerator from './generator';

// What `create-nx-workspace@23.2.1 --preset=ts`, `nx add @nx/node` and `nx g @nx/node:app apps/api
// --bundler=esbuild` write, copied from the files they wrote: nx.json's targetDefaults, and the app's package.json
// (which then got a dependency on the plugin library, as a user adds it).

/** nx.json's `targetDefaults` after `nx add @nx/node`: keyed by the executor, not by `build`. */
const NX_NODE_TARGET_DEFAULTS = {
  '@nx/esbuild:esbuild': {
    cache: true,
    dependsOn: ['^build'],
    inputs: [
      'production',
      '^production',
      { json: '{workspaceRoot}/tsconfig.json', fields: ['extends', 'files', 'include'] },
    ],
  },
};

/** apps/api/package.json as `nx g @nx/node:app apps/api --bundler=esbuild` writes it, plus the plugin library. */
const NX_NODE_APP = {
  name: '@ws/api',
  version: '0.0.1',
  private: true,
  nx: {
    targets: {
      build: {
        executor: '@nx/esbuild:esbuild',
        outputs: ['{options.outputPath}'],
        defaultConfiguration: 'production',
        options: {
          platform: 'node',
          outputPath: 'apps/api/dist',
          format: ['cjs'],
          bundle: false,
          main: 'apps/api/src/main.ts',
          tsConfig: 'apps/api/tsconfig.app.json',
          assets: ['apps/api/src/assets'],
          esbuildOptions: { sourcemap: true, outExtension: { '.js': '.js' } },
        },
        configurations: {
          development: {},
          production: { esbuildOptions: { sourcemap: false, outExtension: { '.js': '.js' } } },
        },
      },
      'prune-lockfile': {
        dependsOn: ['build'],
        cache: true,
        executor: '@nx/js:prune-lockfile',
        outputs: [
          '{workspaceRoot}/apps/api/dist/package.json',
          '{workspaceRoot}/apps/api/dist/package-lock.json',
        ],
        options: { buildTarget: 'build' },
      },
      'copy-workspace-modules': {
        dependsOn: ['build'],
        cache: true,
        outputs: ['{workspaceRoot}/apps/api/dist/workspace_modules'],
        executor: '@nx/js:copy-workspace-modules',
        options: { buildTarget: 'build' },
      },
      prune: { dependsOn: ['prune-lockfile', 'copy-workspace-modules'], executor: 'nx:noop' },
      serve: {
        continuous: true,
        executor: '@nx/js:node',
        defaultConfiguration: 'development',
        dependsOn: ['build'],
        options: { buildTarget: '@ws/api:build', runBuildTargetDependencies: false },
        configurations: {
          development: { buildTarget: '@ws/api:build:development' },
          production: { buildTarget: '@ws/api:build:production' },
        },
      },
    },
  },
  dependencies: { '@ws/services': '*' },
};

const SERVICES = {
  name: '@ws/services',
  version: '0.0.1',
  type: 'module',
  exports: './dist/index.js',
  plux: './plux.json',
  dependencies: { '@plux/core': '^0.1.0' },
};

const nxLogger = spyOnNxLoggerInEachTest();

function logged(): string[] {
  return nxLogger.info.mock.calls.map((call: unknown[]) => String(call[0]));
}

type AppTargets = Record<string, Partial<TargetConfiguration>>;

function appTargets(tree: Tree): AppTargets {
  return readJson(tree, 'apps/api/package.json').nx.targets;
}

/** The `dependsOn` Nx 23 resolves for the app's target: its own, else the target default Nx picks for it. */
function resolvedDependsOn(tree: Tree, name: string): unknown {
  const target = appTargets(tree)[name]!;
  if (target.dependsOn) return target.dependsOn;
  const targetDefaults = readNxJson(tree)?.targetDefaults as Parameters<
    typeof readTargetDefaultsForTarget
  >[1];
  return readTargetDefaultsForTarget(name, targetDefaults, target.executor)?.dependsOn;
}

describe('an @nx/node app (esbuild) that depends on a plux library', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', {
      name: '@ws/source',
      private: true,
      workspaces: ['packages/*', 'apps/*'],
    });
    updateNxJson(tree, { ...readNxJson(tree), targetDefaults: structuredClone(NX_NODE_TARGET_DEFAULTS) });
    writeJson(tree, 'apps/api/package.json', NX_NODE_APP);
    writeJson(tree, 'packages/services/package.json', SERVICES);
  });

  it("before init, Nx resolves the app's build and serve without the indexes (the fixture is what Nx reads)", () => {
    expect(resolvedDependsOn(tree, 'build')).toEqual(['^build']);
    expect(resolvedDependsOn(tree, 'serve')).toEqual(['build']);
  });

  it('init makes build (through the esbuild default) and serve (in the app) wait for ^plux-discover', async () => {
    await initGenerator(tree, { skipPackageJson: true, skipFormat: true });

    expect(readNxJson(tree)?.targetDefaults?.['@nx/esbuild:esbuild']).toEqual({
      ...NX_NODE_TARGET_DEFAULTS['@nx/esbuild:esbuild'],
      dependsOn: ['^build', '^plux-discover'],
    });
    expect(resolvedDependsOn(tree, 'build')).toEqual(['^build', '^plux-discover']);
    expect(resolvedDependsOn(tree, 'serve')).toEqual(['build', '^plux-discover']);
    const { build, serve, 'copy-workspace-modules': copy, ...rest } = appTargets(tree);
    expect(build).toEqual(NX_NODE_APP.nx.targets.build);
    expect(serve).toEqual({ ...NX_NODE_APP.nx.targets.serve, dependsOn: ['build', '^plux-discover'] });
    expect(copy?.dependsOn).toEqual(['build', '^plux-discover']);
    const { build: _b, serve: _s, 'copy-workspace-modules': _c, ...untouched } = NX_NODE_APP.nx.targets;
    expect(rest).toEqual(untouched);
    // an executor default nx.json lacks is not added: the name's default applies to such targets
    expect(Object.keys(readNxJson(tree)?.targetDefaults ?? {}).sort()).toEqual(
      ['@nx/esbuild:esbuild', 'build', 'serve', 'start', 'test'].sort(),
    );
    expect(logged()).toContain(
      '@plux/nx: made the build, test, serve, start targets and the targets that run @nx/esbuild:esbuild depend ' +
        'on ^plux-discover (nx.json targetDefaults), so an app gets the plux indexes of its dependencies first',
    );
    expect(logged()).toContain(
      "@plux/nx: made @ws/api's serve target depend on ^plux-discover (apps/api/package.json: a dependsOn " +
        "written there wins over nx.json's targetDefaults), so it gets the plux indexes of its dependencies first",
    );
  });

  it('a second init changes nothing and says nothing about the targets', async () => {
    await initGenerator(tree, { skipPackageJson: true, skipFormat: true });
    const nxJson = tree.read('nx.json', 'utf8');
    const app = tree.read('apps/api/package.json', 'utf8');
    nxLogger.info.mockClear();

    await initGenerator(tree, { skipPackageJson: true, skipFormat: true });

    expect(tree.read('nx.json', 'utf8')).toBe(nxJson);
    expect(tree.read('apps/api/package.json', 'utf8')).toBe(app);
    expect(logged()).toEqual([expect.stringMatching(/^@plux\/nx: plux is already set up here\./)]);
  });

  it('under --dry-run, says "would"', async () => {
    const argv = process.argv;
    process.argv = [...argv, '--dry-run'];
    try {
      await initGenerator(tree, { skipPackageJson: true, skipFormat: true });
    } finally {
      process.argv = argv;
    }

    expect(logged()).toContainEqual(
      expect.stringMatching(/^@plux\/nx: would make the build, test, serve, start/),
    );
    expect(logged()).toContainEqual(expect.stringMatching(/^@plux\/nx: would make @ws\/api's serve target/));
  });

  it('the plugin generator, configuring the library, wires the app as init does', async () => {
    const { plux: _, ...unconfigured } = SERVICES;
    writeJson(tree, 'packages/services/package.json', { ...unconfigured, files: ['dist'] });
    tree.write('packages/services/src/index.ts', "export const version = '1';");

    await generatePlugin(tree, { project: '@ws/services', namespace: 'ws.services', unitTestRunner: 'none' });

    expect(resolvedDependsOn(tree, 'build')).toEqual(['^build', '^plux-discover']);
    expect(resolvedDependsOn(tree, 'serve')).toEqual(['build', '^plux-discover']);
  });
});

describe('wireConsumerProjectTargets', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] });
    writeJson(tree, 'packages/services/package.json', SERVICES);
  });

  it('leaves a project that uses no plux package alone', () => {
    const other = { ...NX_NODE_APP, name: '@ws/other', dependencies: { express: '^5.0.0' } };
    writeJson(tree, 'apps/other/package.json', other);

    expect(wireConsumerProjectTargets(tree, 'plux-discover')).toEqual([]);

    expect(readJson(tree, 'apps/other/package.json')).toEqual(other);
  });

  it("wires project.json and package.json's nx field, build/test/serve/start only, once per project", () => {
    writeJson(tree, 'apps/web/package.json', {
      name: '@ws/web',
      dependencies: { '@plux/core': '^0.1.0' },
      nx: { targets: { test: { dependsOn: ['^build'] } } },
    });
    writeJson(tree, 'apps/web/project.json', {
      name: '@ws/web',
      root: 'apps/web',
      targets: {
        build: { executor: '@nx/webpack:webpack', dependsOn: ['^build'] },
        start: { executor: 'nx:run-commands' },
        e2e: { dependsOn: ['build'] },
      },
    });

    expect(wireConsumerProjectTargets(tree, 'index')).toEqual([
      {
        project: '@ws/web',
        files: ['apps/web/project.json', 'apps/web/package.json'],
        targets: ['build', 'test'],
      },
    ]);

    const projectJson = readJson(tree, 'apps/web/project.json').targets;
    expect(projectJson.build.dependsOn).toEqual(['^build', '^index']);
    expect(projectJson.start).toEqual({ executor: 'nx:run-commands' }); // no dependsOn: target defaults apply
    expect(projectJson.e2e).toEqual({ dependsOn: ['build'] });
    expect(readJson(tree, 'apps/web/package.json').nx.targets.test.dependsOn).toEqual(['^build', '^index']);
    expect(logged()).toEqual([
      "@plux/nx: made @ws/web's build, test targets depend on ^index (apps/web/project.json, " +
        "apps/web/package.json: a dependsOn written there wins over nx.json's targetDefaults), so it gets the plux " +
        'indexes of its dependencies first',
    ]);
    expect(wireConsumerProjectTargets(tree, 'index')).toEqual([]);
  });
});
