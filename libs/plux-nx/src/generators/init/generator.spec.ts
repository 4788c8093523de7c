import { readJson, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { recordedWorkspace, restore } from '../../../test/support/fake-package-manager';
import { OWN_VERSION } from '../../../test/support/init-workspace';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import initGenerator from './generator';

const nxLogger = spyOnNxLoggerInEachTest();

describe('init generator, as `nx add @plux/nx` runs it (no options)', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'acme', private: true, workspaces: ['packages/*'] });
    tree.write('package-lock.json', '{}');
    tree.delete('.oxfmtrc.json'); // formatted with prettier, as in a workspace create-nx-workspace made
    writeJson(tree, 'packages/services/package.json', { name: '@acme/services', version: '1.0.0' });
  });

  it('needs no project: registers the plugin and adds @plux/core to the root at this plugin version', async () => {
    await initGenerator(tree);

    expect(readNxJson(tree)?.plugins).toEqual([
      { plugin: '@plux/nx', options: { targetName: 'plux-discover' } },
    ]);
    expect(readJson(tree, 'package.json').dependencies).toEqual({ '@plux/core': `^${OWN_VERSION}` });
    expect(readJson(tree, 'packages/services/package.json')).toEqual({
      name: '@acme/services',
      version: '1.0.0',
    });
  });

  it("makes build, test, serve and start of every project wait for its dependencies' indexes (targetDefaults)", async () => {
    // createTreeWithEmptyWorkspace's nx.json: { build: { cache: true }, lint: { cache: true } }
    await initGenerator(tree);

    expect(readNxJson(tree)?.targetDefaults).toEqual({
      build: { cache: true, dependsOn: ['...', '^plux-discover'] },
      lint: { cache: true },
      test: { dependsOn: ['...', '^plux-discover'] },
      serve: { dependsOn: ['...', '^plux-discover'] },
      start: { dependsOn: ['...', '^plux-discover'] },
    });
    expect(nxLogger.info).toHaveBeenCalledWith(
      '@plux/nx: made the build, test, serve, start targets depend on ^plux-discover (nx.json targetDefaults), ' +
        'so an app gets the plux indexes of its dependencies first',
    );
  });

  it('says what it did, that Nx installs, and the next command as this workspace spells it', async () => {
    await initGenerator(tree);

    expect(nxLogger.info).toHaveBeenCalledWith(
      `@plux/nx: set up plux (plugin @plux/nx in nx.json, @plux/core@^${OWN_VERSION} in package.json). ` +
        'Nx runs "npm install" to install @plux/core. Next: "nx g @plux/nx:plugin <name> --project <project> ' +
        '--namespace <namespace>" adds a plugin to a project and configures it for plux',
    );
  });

  it('is idempotent: a second run changes no file and says plux is set up', async () => {
    await initGenerator(tree);
    const files = ['nx.json', 'package.json'].map((f) => tree.read(f, 'utf8'));

    await initGenerator(tree);

    expect(['nx.json', 'package.json'].map((f) => tree.read(f, 'utf8'))).toEqual(files);
    expect(nxLogger.info).toHaveBeenLastCalledWith(
      expect.stringMatching(/^@plux\/nx: plux is already set up here\. Next:/),
    );
  });

  it.each([['@plux/nx'], [{ plugin: '@plux/nx', options: { targetName: 'index' } }], ['plux']])(
    'does not register the plugin twice when nx.json lists %j',
    async (entry) => {
      updateNxJson(tree, { ...readNxJson(tree), plugins: [entry] });

      await initGenerator(tree);

      expect(readNxJson(tree)?.plugins).toEqual([entry]);
    },
  );

  it('registers no plugin where the workspace turned inference plugins off, as Nx plugins do', async () => {
    updateNxJson(tree, { ...readNxJson(tree), useInferencePlugins: false });

    await initGenerator(tree);

    expect(readNxJson(tree)?.plugins).toBeUndefined();
  });

  it('raises a lower @plux/core range, unless --keepExistingVersions (which nx add passes)', async () => {
    writeJson(tree, 'package.json', { name: 'acme', devDependencies: { '@plux/core': '^0.0.1' } });
    await initGenerator(tree, { keepExistingVersions: true });
    expect(readJson(tree, 'package.json').devDependencies).toEqual({ '@plux/core': '^0.0.1' });

    await initGenerator(tree);
    expect(readJson(tree, 'package.json').devDependencies).toEqual({ '@plux/core': `^${OWN_VERSION}` });
  });

  it.each(['file:../plux-core-0.1.0.tgz', 'link:../plux/libs/plux-core', 'workspace:*', 'npm:@fork/core@1'])(
    'keeps a root @plux/core declared as %s, which a registry range would break',
    async (spec) => {
      writeJson(tree, 'package.json', { name: 'acme', devDependencies: { '@plux/core': spec } });

      await initGenerator(tree);

      expect(readJson(tree, 'package.json')).toEqual({
        name: 'acme',
        devDependencies: { '@plux/core': spec },
      });
    },
  );

  it('adds nothing to the root when @plux/core is a project of the workspace', async () => {
    writeJson(tree, 'packages/plux-core/package.json', { name: '@plux/core', version: '0.1.0' });

    await initGenerator(tree);

    expect(readJson(tree, 'package.json').dependencies).toBeUndefined();
  });

  it('adds nothing to package.json with --skipPackageJson', async () => {
    await initGenerator(tree, { skipPackageJson: true });

    expect(readJson(tree, 'package.json').dependencies).toBeUndefined();
    expect(readNxJson(tree)?.plugins).toHaveLength(1);
  });

  it('formats what it wrote unless --skipFormat', async () => {
    writeJson(tree, '.prettierrc', { useTabs: true });

    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('package.json', 'utf8')).not.toContain('\t');

    tree.write('package.json', JSON.stringify({ name: 'acme' }));
    await initGenerator(tree);
    expect(tree.read('package.json', 'utf8')).toContain('\t"dependencies"');
  });

  it('names the plux:plugin collection where a tsconfig alias makes it resolvable (the plux repository)', async () => {
    writeJson(tree, 'tsconfig.base.json', {
      compilerOptions: { paths: { plux: ['./libs/plux-nx/src/index.ts'] } },
    });

    await initGenerator(tree);

    expect(nxLogger.info).toHaveBeenCalledWith(expect.stringContaining('Next: "nx g plux:plugin <name>'));
  });

  it.each([
    ['pnpm-lock.yaml', 'pnpm install --no-frozen-lockfile'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun install'],
  ])("with %s, names that package manager's install", async (lockfile, command) => {
    tree.delete('package-lock.json');
    tree.write(lockfile, '');

    await initGenerator(tree);

    expect(nxLogger.info).toHaveBeenCalledWith(
      expect.stringContaining(`Nx runs "${command}" to install @plux/core.`),
    );
  });

  it("names nx.json's cli.packageManager over the lockfile", async () => {
    updateNxJson(tree, { ...readNxJson(tree), cli: { packageManager: 'pnpm' } });

    await initGenerator(tree);

    expect(nxLogger.info).toHaveBeenCalledWith(
      expect.stringContaining('Nx runs "pnpm install --no-frozen-lockfile"'),
    );
  });
});

describe('init generator, the install task it returns', () => {
  afterAll(restore);

  it.each([
    ['npm', 'npm install'],
    ['pnpm', 'pnpm install --no-frozen-lockfile'],
  ] as const)('runs %s install once the files are written', async (manager, command) => {
    const { tree, calls } = recordedWorkspace(manager);

    const task = await initGenerator(tree, { skipFormat: true });

    expect(calls()).toEqual([]);
    await task();
    expect(calls()).toEqual([command]);
  });

  it('installs nothing when the root already depends on this @plux/core', async () => {
    const { tree, calls } = recordedWorkspace('npm', {
      'package.json': { name: 'acme', dependencies: { '@plux/core': `^${OWN_VERSION}` } },
    });

    const task = await initGenerator(tree, { skipFormat: true, keepExistingVersions: true });
    await task();

    expect(calls()).toEqual([]);
  });
});
