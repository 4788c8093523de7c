import type { CreateNodesContext, TargetConfiguration } from '@nx/devkit';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locatePluxPackages, PLUX_NX_ROOT } from '../utils/plux-packages';
import { execSync } from 'node:child_process';
import {
  createNodes,
  createNodesV2,
  inferDiscoverTarget,
  inferCheckTarget,
  type PluxPluginOptions,
} from './plugin';
import { versionsCommand } from './target-inputs';

const FIXTURE = join(__dirname, '../../test/fixtures/inferred-workspace');
const REPO_ROOT = join(PLUX_NX_ROOT, '../..');

const FILES = [
  'package.json',
  'libs/with-plux/package.json',
  'libs/with-plux/test/fixtures/nested/package.json',
  'libs/no-plux/package.json',
  'libs/app/package.json',
  'libs/runtime-user/package.json',
  'libs/inline/package.json',
  'libs/custom-index/package.json',
  'tools/by-project-json/package.json',
  'vendor/pkg/package.json',
];

describe('createNodes', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'plux-nx-nodes-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    writeFileSync(join(workspace, 'tools/by-project-json/project.json'), '{ "name": "by-project-json" }\n');
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  async function infer(options?: PluxPluginOptions, nxJson: CreateNodesContext['nxJsonConfiguration'] = {}) {
    const context: CreateNodesContext = {
      workspaceRoot: workspace,
      nxJsonConfiguration: nxJson,
    };
    const results = await createNodes[1](FILES, options, context);
    const targets: Record<string, Record<string, TargetConfiguration>> = {};
    for (const [, result] of results) {
      for (const [root, project] of Object.entries(result.projects ?? {}))
        targets[root] = project.targets ?? {};
    }
    return targets;
  }

  it('matches every package.json, under both names Nx reads', () => {
    expect(createNodes[0]).toBe('**/package.json');
    expect(createNodesV2).toBe(createNodes);
  });

  it('infers plux-discover for projects that name an index file or use plux, and for no other', async () => {
    const targets = await infer();

    expect(Object.keys(targets).sort()).toEqual([
      'libs/app',
      'libs/custom-index',
      'libs/runtime-user',
      'libs/with-plux',
      'tools/by-project-json',
    ]);
    expect(Object.keys(targets['libs/with-plux']!)).toEqual(['plux-discover', 'plux-check']);
  });

  it("gives a project that depends on plux packages a plux-discover that runs its dependencies' discovery", async () => {
    const targets = await infer();

    for (const consumer of ['libs/app', 'libs/runtime-user']) {
      expect(targets[consumer]!['plux-discover'], consumer).toEqual({
        executor: 'nx:noop',
        cache: true,
        dependsOn: ['^plux-discover'],
        metadata: expect.objectContaining({ technologies: ['plux'] }),
      });
    }
    expect((await infer({ targetName: 'index' }))['libs/app']!['index']!.dependsOn).toEqual(['^index']);
  });

  it('makes no project of a package.json outside the workspaces without project.json (fixtures, vendored packages)', async () => {
    const targets = await infer();

    expect(targets['libs/with-plux/test/fixtures/nested']).toBeUndefined();
    expect(targets['vendor/pkg']).toBeUndefined();
  });

  it('declares a cached target that runs after the builds and writes the index', async () => {
    const target = (await infer())['libs/with-plux']!['plux-discover']!;

    expect(target.executor).toBe('@plux/nx:discover');
    expect(target.cache).toBe(true);
    expect(target.dependsOn).toEqual(['build', '^build', '^plux-discover']);
    expect(target.outputs).toEqual(['{projectRoot}/plux.json']);
    expect(target.options).toBeUndefined();
  });

  it('hashes the project, the build outputs of its dependencies, and the dependencies sources', async () => {
    const { inputs } = (await infer())['libs/with-plux']!['plux-discover']!;

    expect(inputs).toEqual(
      expect.arrayContaining([
        '{projectRoot}/**/*',
        '!{projectRoot}/plux.json',
        { dependentTasksOutputFiles: '**/*', transitive: true },
        '^default',
      ]),
    );
  });

  it('uses the production named input for dependencies when nx.json defines it', async () => {
    const { inputs } = (await infer({}, { namedInputs: { production: ['default'] } }))['libs/with-plux']![
      'plux-discover'
    ]!;

    expect(inputs).toContain('^production');
    expect(inputs).not.toContain('^default');
  });

  it('hashes the versions of @plux/nx and @plux/core as external dependencies when they are installed', async () => {
    writeFileSync(join(workspace, 'package-lock.json'), lockfileNaming('@plux/nx', '@plux/core'));
    try {
      const { inputs } = (await infer())['libs/with-plux']!['plux-discover']!;

      expect(inputs).toContainEqual({ externalDependencies: ['@plux/nx', '@plux/core'] });
      expect(inputs).not.toContainEqual(expect.objectContaining({ runtime: expect.anything() }));
    } finally {
      rmSync(join(workspace, 'package-lock.json'));
    }
  });

  it('hashes the versions Node resolves when only npm-shrinkwrap.json names them (Nx does not parse it)', async () => {
    writeFileSync(join(workspace, 'npm-shrinkwrap.json'), lockfileNaming('@plux/nx', '@plux/core'));
    try {
      const { inputs } = (await infer())['libs/with-plux']!['plux-discover']!;

      expect(inputs).toContainEqual({ runtime: versionsCommand(['@plux/nx', '@plux/core']) });
      expect(inputs).not.toContainEqual(expect.objectContaining({ externalDependencies: expect.anything() }));
    } finally {
      rmSync(join(workspace, 'npm-shrinkwrap.json'));
    }
  });

  it('hashes the versions Node resolves when the lockfile does not name them (Nx would fail the task)', async () => {
    const { inputs } = (await infer())['libs/with-plux']!['plux-discover']!;

    expect(inputs).toContainEqual({ runtime: versionsCommand(['@plux/nx', '@plux/core']) });
    expect(inputs).not.toContainEqual(expect.objectContaining({ externalDependencies: expect.anything() }));
  });

  it('infers plux-check: the same executor with check, the index among its inputs and not its outputs', async () => {
    const targets = (await infer())['libs/with-plux']!;
    const check = targets['plux-check']!;
    const discover = targets['plux-discover']!;

    expect(check.executor).toBe('@plux/nx:discover');
    expect(check.cache).toBe(true);
    expect(check.options).toEqual({ check: true });
    expect(check.outputs).toEqual([]);
    // the build, not the dependencies' indexes: a check writes nothing, nor makes its dependencies write
    expect(check.dependsOn).toEqual(['build', '^build']);
    expect(discover.dependsOn).toEqual(['build', '^build', '^plux-discover']);
    expect(check.inputs).toContain('{projectRoot}/plux.json');
    expect(check.inputs).not.toContain('!{projectRoot}/plux.json');
    const expected = [
      ...discover.inputs!.filter((i) => i !== '!{projectRoot}/plux.json'),
      '{projectRoot}/plux.json',
    ];
    expect(check.inputs).toHaveLength(expected.length);
    expect(check.inputs).toEqual(expect.arrayContaining(expected));
  });

  it('hashes the index where package.json points in plux-check, and keeps the default options', async () => {
    const check = (await infer({ checkTargetName: 'lint-index', defaults: { exclude: ['internal/**'] } }))[
      'libs/custom-index'
    ]!['lint-index']!;

    expect(check.inputs).toContain('{projectRoot}/meta/index.json');
    expect(check.inputs).not.toContain('!{projectRoot}/meta/index.json');
    expect(check.options).toEqual({ exclude: ['internal/**'], check: true });
  });

  it('writes the index where package.json points', async () => {
    const target = (await infer())['libs/custom-index']!['plux-discover']!;

    expect(target.outputs).toEqual(['{projectRoot}/meta/index.json']);
    expect(target.inputs).toContain('!{projectRoot}/meta/index.json');
  });

  it('takes the target name, build target and default options from the plugin options', async () => {
    const target = (
      await infer({
        targetName: 'index',
        buildTargetName: 'compile',
        defaults: { exclude: ['internal/**'], output: 'x.json' },
      })
    )['libs/with-plux']!['index']!;

    expect(target.dependsOn).toEqual(['compile', '^compile', '^index']);
    expect(target.options).toEqual({ exclude: ['internal/**'], output: 'x.json' });
    expect(target.outputs).toEqual(['{projectRoot}/x.json']);
  });
});

describe('inferDiscoverTarget in this workspace', () => {
  const packages = locatePluxPackages(REPO_ROOT);
  const target = inferDiscoverTarget({
    projectRoot: 'libs/demo',
    indexPath: './plux.json',
    options: {},
    packages,
  });

  it('finds @plux/nx and @plux/core as workspace projects', () => {
    expect(packages.nx.workspacePath).toBe('libs/plux-nx');
    expect(packages.core.workspacePath).toBe('libs/plux-core');
  });

  it("hashes their sources, since Nx does not hash a local plugin's code", () => {
    expect(target.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/libs/plux-nx/src/**/*',
        '{workspaceRoot}/libs/plux-nx/package.json',
        '{workspaceRoot}/libs/plux-nx/executors.json',
        '{workspaceRoot}/libs/plux-core/src/**/*',
        '{workspaceRoot}/libs/plux-core/package.json',
      ]),
    );
    expect(target.inputs).not.toContainEqual(
      expect.objectContaining({ externalDependencies: expect.anything() }),
    );
  });

  it('builds @plux/core first, which the executor imports', () => {
    expect(target.dependsOn).toContainEqual({ projects: ['@plux/core'], target: 'build' });
  });

  it('gives @plux/core no dependency on its own build', () => {
    const own = inferDiscoverTarget({
      projectRoot: 'libs/plux-core',
      indexPath: 'plux.json',
      options: {},
      packages,
    });

    expect(own.dependsOn).toEqual(['build', '^build', '^plux-discover']);
  });
});

describe('inferCheckTarget', () => {
  it('does not change the discover target it derives from', () => {
    const ctx = {
      projectRoot: 'libs/x',
      indexPath: './plux.json',
      options: {},
      packages: locatePluxPackages(REPO_ROOT),
    };
    const before = inferDiscoverTarget(ctx);
    inferCheckTarget(ctx);

    expect(inferDiscoverTarget(ctx)).toEqual(before);
    expect(before.inputs).toContain('!{projectRoot}/plux.json');
  });
});

describe('versionsCommand', () => {
  it('prints the installed version of each package, and "missing" for one that is not installed', () => {
    const output = execSync(versionsCommand(['@plux/core', '@plux/no-such-package']), {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });

    expect(output).toMatch(/^@plux\/core \d+\.\d+\.\d+\n@plux\/no-such-package missing\n$/);
  });
});

function lockfileNaming(...names: string[]): string {
  const packages = Object.fromEntries(names.map((n) => [`node_modules/${n}`, { version: '0.1.0' }]));
  return JSON.stringify({ name: 'inferred-workspace', lockfileVersion: 3, packages });
}
