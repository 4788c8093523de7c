import {
  addProjectConfiguration,
  readJson,
  readNxJson,
  updateNxJson,
  writeJson,
  type Tree,
} from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { OWN_VERSION } from '../../../test/support/init-workspace';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import initGenerator from './generator';

const nxLogger = spyOnNxLoggerInEachTest();

describe('init generator --project', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'root', private: true, workspaces: ['libs/*'] });
    tree.write('package-lock.json', '{}');
    writeJson(tree, 'libs/plux-core/package.json', { name: '@plux/core', version: '0.1.0' });
    writeJson(tree, 'libs/services/package.json', {
      name: '@acme/services',
      version: '1.0.0',
      files: ['dist'],
    });
  });

  const init = (project = '@acme/services') => initGenerator(tree, { project, skipFormat: true });

  it('points package.json at ./plux.json, ships it, and depends on the workspace @plux/core', async () => {
    await init();

    expect(readJson(tree, 'libs/services/package.json')).toEqual({
      name: '@acme/services',
      version: '1.0.0',
      files: ['dist', 'plux.json'],
      plux: './plux.json',
      dependencies: { '@plux/core': '*' },
    });
  });

  it('says what it changed, that Nx installs, and what to do next', async () => {
    await init();

    expect(nxLogger.info).toHaveBeenCalledWith(
      '@plux/nx: set up plux (plugin @plux/nx in nx.json, @acme/services: "plux": "./plux.json", ' +
        '@acme/services: "files" += "plux.json", @acme/services: dependency @plux/core). Nx runs "npm install" ' +
        'to install @plux/core. Next: "nx g @plux/nx:plugin <name> --project @acme/services --namespace ' +
        '<namespace>" adds a plugin; "nx run @acme/services:plux-discover" writes its index (commit plux.json)',
    );
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    await init();
    const packageJson = tree.read('libs/services/package.json', 'utf8');
    const nxJson = tree.read('nx.json', 'utf8');

    await init();

    expect(tree.read('libs/services/package.json', 'utf8')).toBe(packageJson);
    expect(tree.read('nx.json', 'utf8')).toBe(nxJson);
    expect(nxLogger.info).toHaveBeenLastCalledWith(
      expect.stringMatching(/^@plux\/nx: plux is already set up here\. Next: .* --project @acme\/services /),
    );
  });

  it('leaves `files` absent when package.json has none (npm then ships every file)', async () => {
    writeJson(tree, 'libs/services/package.json', { name: '@acme/services' });

    await init();

    expect(readJson(tree, 'libs/services/package.json').files).toBeUndefined();
  });

  it('keeps an existing index path and ships that file', async () => {
    writeJson(tree, 'libs/services/package.json', {
      name: '@acme/services',
      plux: './meta/plux.json',
      files: [],
    });

    await init();

    const pkg = readJson(tree, 'libs/services/package.json');
    expect(pkg.plux).toBe('./meta/plux.json');
    expect(pkg.files).toEqual(['meta/plux.json']);
  });

  it('keeps an inline index and warns that the target needs a path', async () => {
    const inline = { formatVersion: 1, plugins: {} };
    writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: inline, files: ['dist'] });

    await init();

    const pkg = readJson(tree, 'libs/services/package.json');
    expect(pkg.plux).toEqual(inline);
    expect(pkg.files).toEqual(['dist']);
    expect(nxLogger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^@plux\/nx: .* holds an inline index in "plux"; set it to/),
    );
  });

  it('keeps an existing @plux/core dependency or peer dependency', async () => {
    writeJson(tree, 'libs/services/package.json', {
      name: '@acme/services',
      peerDependencies: { '@plux/core': '^0.1.0' },
    });

    await init();

    const pkg = readJson(tree, 'libs/services/package.json');
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toEqual({ '@plux/core': '^0.1.0' });
  });

  it("depends on this plugin's version of @plux/core when @plux/core is not a workspace project", async () => {
    tree.delete('libs/plux-core/package.json');

    await init();

    expect(readJson(tree, 'libs/services/package.json').dependencies).toEqual({
      '@plux/core': `^${OWN_VERSION}`,
    });
    expect(readJson(tree, 'package.json').dependencies).toEqual({ '@plux/core': `^${OWN_VERSION}` });
  });

  it('uses the workspace protocol under pnpm', async () => {
    tree.write('pnpm-workspace.yaml', 'packages:\n  - libs/*\n');

    await init();

    expect(readJson(tree, 'libs/services/package.json').dependencies).toEqual({
      '@plux/core': 'workspace:*',
    });
  });

  it('gives @plux/core itself no dependency on itself', async () => {
    await init('@plux/core');

    expect(readJson(tree, 'libs/plux-core/package.json').dependencies).toBeUndefined();
  });

  it('uses the target name the registered plugin configures', async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      plugins: [{ plugin: '@plux/nx', options: { targetName: 'index' } }],
    });

    await init();

    expect(nxLogger.info).toHaveBeenCalledWith(
      expect.stringContaining('"nx run @acme/services:index" writes its index'),
    );
  });

  it("uses the target name of the registration whose include covers the project, not the first one's", async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      plugins: [
        { plugin: '@plux/nx', options: { targetName: 'apps-index' }, include: ['apps/**'] },
        { plugin: '@plux/nx', options: { targetName: 'libs-index' }, include: ['libs/**'] },
      ],
    });

    await init();

    expect(nxLogger.info).toHaveBeenCalledWith(
      expect.stringContaining('"nx run @acme/services:libs-index" writes its index'),
    );
    expect(readJson(tree, 'libs/services/package.json').nx).toBeUndefined();
  });

  it('writes the target into the project when nx.json switches inference off', async () => {
    updateNxJson(tree, { ...readNxJson(tree), useInferencePlugins: false });
    addProjectConfiguration(tree, 'tools', { root: 'libs/tools' });
    writeJson(tree, 'libs/tools/package.json', { name: 'tools' });

    await init('tools');

    const target = readJson(tree, 'libs/tools/project.json').targets['plux-discover'];
    expect(target).toMatchObject({
      executor: '@plux/nx:discover',
      cache: true,
      outputs: ['{projectRoot}/plux.json'],
    });
    expect(target.dependsOn).toEqual(expect.arrayContaining(['build', '^build']));
    expect(readNxJson(tree)?.plugins).toBeUndefined();
  });

  describe('commits the index (what plux-check needs)', () => {
    it('leaves .gitignore alone when git would commit plux.json', async () => {
      tree.write('.gitignore', 'node_modules\ndist\n');

      await init();

      expect(tree.exists('libs/services/.gitignore')).toBe(false);
      expect(tree.read('.gitignore', 'utf8')).toBe('node_modules\ndist\n');
    });

    it.each([
      ['.gitignore', 'plux.json\n'],
      ['.gitignore', '**/plux.json\n'],
      ['libs/services/.gitignore', 'plux.json\n'],
    ])('un-ignores it in the project when %s says %j, and says so', async (file, content) => {
      tree.write(file, content);

      await init();

      expect(tree.read('libs/services/.gitignore', 'utf8')).toMatch(/\n!\/plux\.json\n$/);
      expect(nxLogger.info).toHaveBeenCalledWith(
        expect.stringContaining('@acme/services: plux.json no longer ignored by libs/services/.gitignore'),
      );
    });

    it('leaves a project configured earlier as its owners left it', async () => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: './plux.json' });
      tree.write('libs/services/.gitignore', 'plux.json\n');

      await init();

      expect(tree.read('libs/services/.gitignore', 'utf8')).toBe('plux.json\n');
    });
  });

  it('refuses an unknown project', async () => {
    await expect(init('nope')).rejects.toThrow(
      '@plux/nx: there is no project "nope"; "nx show projects" lists them',
    );
  });

  it('refuses a project without package.json, saying what to add', async () => {
    addProjectConfiguration(tree, 'bare', { root: 'libs/bare' });

    await expect(init('bare')).rejects.toThrow(
      '@plux/nx: project bare has no package.json at libs/bare/package.json; plux indexes npm packages, so give it ' +
        'one (a name and an entry such as "exports") and run this generator again',
    );
  });
});
