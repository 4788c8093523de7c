import { addProjectConfiguration, writeJson, type Tree } from '@nx/devkit';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { recordedWorkspace, restore } from '../../../test/support/fake-package-manager';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import { createPluginWorkspace, generatePlugin, read } from '../../../test/support/plugin-workspace';
import pluginGenerator from './generator';
import type { PluginGeneratorSchema } from './schema';

// What the plugin generator reads from the workspace beyond the project it writes to: the test runner, the
// namespace:name other packages declare, and the package manager that installs @plux/core.
describe('plugin generator, reading the workspace', () => {
  let tree: Tree;
  const nxLogger = spyOnNxLoggerInEachTest();

  beforeEach(() => {
    tree = createPluginWorkspace();
  });

  const generate = (options: Partial<PluginGeneratorSchema> = {}) => generatePlugin(tree, options);

  describe("the spec follows the project's test runner", () => {
    const spec = 'libs/services/src/plugins/s3.spec.ts';
    beforeEach(() => tree.delete('libs/services/vitest.config.ts'));

    it.each([
      ['vitest.config.mts', 'vitest'],
      ['vite.config.ts', 'vitest'],
      ['jest.config.ts', 'jest'],
      ['jest.config.cjs', 'jest'],
    ])('%s makes it a %s spec', async (config, runner) => {
      tree.write(`libs/services/${config}`, 'export default {};');

      await generate();

      const text = read(tree, spec);
      expect(text).toContain("describe('S3Plugin', () => {");
      expect(text.includes("from 'vitest'")).toBe(runner === 'vitest');
      expect(nxLogger.info).toHaveBeenCalledWith(expect.stringContaining(`its ${runner} spec`));
    });

    it.each([
      [{ scripts: { test: 'vitest run' } }, 'vitest'],
      [{ scripts: { test: 'jest --coverage' } }, 'jest'],
      [{ scripts: { 'test:unit': 'npx jest' } }, 'jest'],
    ])('package.json %j makes it a %s spec', async (fields, runner) => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', ...fields });

      await generate();

      expect(read(tree, spec).includes("from 'vitest'")).toBe(runner === 'vitest');
      expect(nxLogger.info).toHaveBeenCalledWith(expect.stringContaining(`its ${runner} spec`));
    });

    it.each([
      ['@nx/vite:test', 'vitest'],
      ['@nx/vitest:test', 'vitest'],
      ['@nx/jest:jest', 'jest'],
    ])('a project.json target run by %s makes it a %s spec', async (executor, runner) => {
      addProjectConfiguration(tree, 'tools', {
        root: 'libs/tools',
        sourceRoot: 'libs/tools/src',
        targets: { test: { executor } },
      });
      writeJson(tree, 'libs/tools/package.json', { name: 'tools' });

      await generate({ project: 'tools' });

      expect(read(tree, 'libs/tools/src/plugins/s3.spec.ts').includes("from 'vitest'")).toBe(
        runner === 'vitest',
      );
    });

    it('writes no spec where the project has no test runner, so its tsc build has nothing to fail on', async () => {
      await generate();

      expect(tree.exists('libs/services/src/plugins/s3.ts')).toBe(true);
      expect(tree.exists(spec)).toBe(false);
      expect(nxLogger.info).toHaveBeenCalledWith(
        expect.stringContaining('no spec (the project has no test runner), and its export from'),
      );
    });

    it('takes --unitTestRunner over what the project shows', async () => {
      tree.write('libs/services/vitest.config.ts', 'export default {};');

      await generate({ unitTestRunner: 'none' });
      expect(tree.exists(spec)).toBe(false);

      await generate({ name: 'sqs', unitTestRunner: 'jest' });
      expect(read(tree, 'libs/services/src/plugins/sqs.spec.ts')).not.toContain("from 'vitest'");
    });

    it('refuses an unknown --unitTestRunner', async () => {
      await expect(generate({ unitTestRunner: 'mocha' as 'none' })).rejects.toThrow(
        '@plux/nx: --unitTestRunner must be one of vitest, jest, none, got "mocha"',
      );
    });
  });

  describe('a namespace:name declared elsewhere', () => {
    beforeEach(() => {
      writeJson(tree, 'libs/storage/package.json', { name: '@acme/storage', plux: './plux.json' });
    });

    it("refuses one in another project's index, naming the package and the file", async () => {
      writeJson(tree, 'libs/storage/plux.json', {
        formatVersion: 1,
        plugins: { 'acme.services': { s3: { module: './dist/s3.js', export: 'S3Plugin' } } },
      });

      await expect(generate()).rejects.toThrow(
        '@plux/nx: @acme/storage already declares the plugin acme.services:s3 (in libs/storage/plux.json); ' +
          'choose another --name or --namespace',
      );
      expect(tree.exists('libs/services/src/plugins/s3.ts')).toBe(false);
    });

    it('refuses one that another plux project declares in its source before it has an index', async () => {
      tree.write(
        'libs/storage/src/s3.ts',
        "export class S3 extends Plugin {\n  static override namespace = 'acme.services';\n  static override pluginName = 's3';\n}\n",
      );

      await expect(generate()).rejects.toThrow(
        '@plux/nx: @acme/storage already declares the plugin acme.services:s3 (in libs/storage/src/s3.ts)',
      );
    });

    it('allows one that only a project outside plux mentions, or another namespace declares', async () => {
      writeJson(tree, 'libs/storage/package.json', { name: '@acme/storage' });
      tree.write('libs/storage/src/s3.ts', "new PluginSpec('acme.services', 's3', factory);\n");
      writeJson(tree, 'libs/queues/package.json', { name: '@acme/queues', plux: './plux.json' });
      writeJson(tree, 'libs/queues/plux.json', {
        formatVersion: 1,
        plugins: { 'acme.queues': { s3: { module: './dist/s3.js', export: 'S3' } } },
      });

      await generate();

      expect(tree.exists('libs/services/src/plugins/s3.ts')).toBe(true);
    });

    it('sees what a generator wrote earlier in the same run (the pending changes)', async () => {
      await generate({ project: '@acme/storage' });
      expect(tree.exists('libs/storage/src/plugins/s3.ts')).toBe(true);

      await expect(generate()).rejects.toThrow(
        '@acme/storage already declares the plugin acme.services:s3 (in libs/storage/src/plugins/s3.ts)',
      );
    });
  });

  describe('on disk: installed packages and the install task', () => {
    afterAll(restore);

    const workspaceFiles = {
      'package.json': { name: 'acme', private: true, workspaces: ['libs/*'] },
      'libs/services/package.json': { name: '@acme/services', version: '1.0.0', scripts: { test: 'vitest' } },
      'libs/services/src/index.ts': "export const version = '1';\n",
    };

    it('refuses a namespace:name an installed package declares, as the runtime reads it', async () => {
      const { tree } = recordedWorkspace('npm', {
        ...workspaceFiles,
        'node_modules/@vendor/cloud/package.json': {
          name: '@vendor/cloud',
          version: '2.0.0',
          plux: './plux.json',
        },
        'node_modules/@vendor/cloud/plux.json': {
          formatVersion: 1,
          plugins: { 'acme.services': { s3: { module: './s3.js', export: 'S3' } } },
        },
        'node_modules/@vendor/cloud/s3.js': 'export const S3 = 1;',
      });

      await expect(
        pluginGenerator(tree, {
          project: '@acme/services',
          name: 's3',
          namespace: 'acme.services',
          skipFormat: true,
        }),
      ).rejects.toThrow(
        '@plux/nx: @vendor/cloud already declares the plugin acme.services:s3 (in ' +
          'node_modules/@vendor/cloud/plux.json); choose another --name or --namespace',
      );
    });

    it('returns the install task when it configured the project, and no install otherwise', async () => {
      const { tree, calls } = recordedWorkspace('npm', {
        ...workspaceFiles,
        'libs/plux-core/package.json': { name: '@plux/core', version: '0.1.0' },
      });
      const options = { project: '@acme/services', namespace: 'acme.services', skipFormat: true };

      const first = await pluginGenerator(tree, { ...options, name: 's3' });
      await first();
      expect(calls()).toEqual(['npm install']);

      const second = await pluginGenerator(tree, { ...options, name: 'sqs' });
      await second();
      expect(calls()).toEqual(['npm install']);
    });
  });
});
