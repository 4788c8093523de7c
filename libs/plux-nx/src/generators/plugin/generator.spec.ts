import {
  addProjectConfiguration,
  readJson,
  readNxJson,
  readProjectConfiguration,
  updateNxJson,
  writeJson,
  type NxJsonConfiguration,
  type Tree,
} from '@nx/devkit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import { createPluginWorkspace, generatePlugin, read } from '../../../test/support/plugin-workspace';
import type { PluginGeneratorSchema } from './schema';

describe('plugin generator', () => {
  let tree: Tree;
  const nxLogger = spyOnNxLoggerInEachTest();

  beforeEach(() => {
    tree = createPluginWorkspace();
  });

  const generate = (options: Partial<PluginGeneratorSchema> = {}) => generatePlugin(tree, options);

  describe('--kind class (the default)', () => {
    it('writes a Plugin subclass with both statics into src/plugins', async () => {
      await generate();

      const source = read(tree, 'libs/services/src/plugins/s3.ts');
      expect(source).toContain("import { Plugin } from '@plux/core';");
      expect(source).toContain('export class S3Plugin extends Plugin {');
      expect(source).toContain("static override namespace = 'acme.services';");
      expect(source).toContain("static override pluginName = 's3';");
    });

    it('writes a vitest spec beside it that loads the plugin through a PluginManager', async () => {
      await generate();

      const spec = read(tree, 'libs/services/src/plugins/s3.spec.ts');
      expect(spec).toContain("import { S3Plugin } from './s3.js';");
      // typed by the class, so it compiles whether or not the project's PluginRegistry knows the namespace yet
      expect(spec).toMatch(
        /new PluginManager<S3Plugin>\(\s*'acme\.services',\s*\{ finder: \{ findPlugins: \(\) => \[spec\] \} \}/,
      );
      expect(spec).toContain("expect(S3Plugin.pluginName).toBe('s3');");
    });

    it('does not double the Plugin suffix', async () => {
      await generate({ name: 'cachePlugin' });

      expect(read(tree, 'libs/services/src/plugins/cache-plugin.ts')).toContain(
        'export class CachePlugin extends',
      );
    });
  });

  describe('--kind function', () => {
    it('writes a function made a plugin with plugin(), named like the plugin', async () => {
      await generate({ kind: 'function', name: 'dynamo-db' });

      const source = read(tree, 'libs/services/src/plugins/dynamo-db.ts');
      expect(source).toContain("import { plugin } from '@plux/core';");
      expect(source).toContain(
        "export const dynamoDb = plugin({ namespace: 'acme.services', name: 'dynamo-db' }",
      );
      expect(source).toContain('function dynamoDb(): string');
      expect(read(tree, 'libs/services/src/plugins/dynamo-db.spec.ts')).toContain('expect(dynamoDb()).toBe(');
    });

    it('keeps reserved words out of identifiers', async () => {
      await generate({ kind: 'function', name: 'delete' });

      expect(read(tree, 'libs/services/src/plugins/delete.ts')).toContain(
        'export const deletePlugin = plugin(',
      );
    });
  });

  describe('--kind spec', () => {
    it('writes a PluginSpec whose factory creates a plain Plugin subclass', async () => {
      await generate({ kind: 'spec', name: 'sqs' });

      const source = read(tree, 'libs/services/src/plugins/sqs.ts');
      expect(source).toContain("import { Plugin, PluginSpec } from '@plux/core';");
      expect(source).toContain(
        "export const sqsSpec = new PluginSpec<SqsPlugin>('acme.services', 'sqs', () => new SqsPlugin());",
      );
      expect(source).not.toContain('static');
      expect(read(tree, 'libs/services/src/plugins/sqs.spec.ts')).toContain(
        "import { SqsPlugin, sqsSpec } from './sqs.js';",
      );
    });
  });

  describe('--directory', () => {
    it('places the module under the source root and exports it from the entry with a .js specifier', async () => {
      await generate({ directory: 'aws/storage' });

      expect(tree.exists('libs/services/src/aws/storage/s3.ts')).toBe(true);
      expect(tree.exists('libs/services/src/aws/storage/s3.spec.ts')).toBe(true);
      expect(read(tree, 'libs/services/src/index.ts')).toContain("export * from './aws/storage/s3.js';");
    });

    it('uses the sourceRoot of a project.json project', async () => {
      addProjectConfiguration(tree, 'tools', { root: 'libs/tools', sourceRoot: 'libs/tools/lib' });
      writeJson(tree, 'libs/tools/package.json', { name: 'tools', version: '1.0.0' });

      await generate({ project: 'tools', name: 'lint' });

      expect(tree.exists('libs/tools/lib/plugins/lint.ts')).toBe(true);
      expect(read(tree, 'libs/tools/lib/index.ts')).toBe("export * from './plugins/lint.js';\n");
    });

    it.each(['../outside', '/abs/path', '..'])(
      'refuses %s, which leaves the source root',
      async (directory) => {
        await expect(generate({ directory })).rejects.toThrow(
          /^@plux\/nx: --directory .* leaves the project's source root/,
        );
      },
    );
  });

  describe('the project entry', () => {
    it('appends the export to the existing entry, once per plugin', async () => {
      await generate();
      await generate({ name: 'sqs' });

      expect(read(tree, 'libs/services/src/index.ts')).toBe(
        "export const version = '1';\nexport * from './plugins/s3.js';\nexport * from './plugins/sqs.js';\n",
      );
    });

    it('creates the entry when the project has none', async () => {
      tree.delete('libs/services/src/index.ts');

      await generate();

      expect(read(tree, 'libs/services/src/index.ts')).toBe("export * from './plugins/s3.js';\n");
    });
  });

  describe('configuring the project', () => {
    it('runs init for a project that is not configured for plux', async () => {
      await generate();

      const pkg = readJson(tree, 'libs/services/package.json');
      expect(pkg.plux).toBe('./plux.json');
      expect(pkg.files).toEqual(['dist', 'plux.json']);
      expect(pkg.dependencies).toEqual({ '@plux/core': '*' });
      expect(readNxJson(tree)?.plugins).toContainEqual({
        plugin: '@plux/nx',
        options: { targetName: 'plux-discover' },
      });
    });

    it("makes an app's copy-workspace-modules wait for the discover target, as init does", async () => {
      // what `nx g @nx/node:app` writes; no init ran, so nothing waits for the indexes yet
      const generated = { dependsOn: ['build'], executor: '@nx/js:copy-workspace-modules' };
      addProjectConfiguration(tree, 'api', {
        root: 'apps/api',
        targets: { 'copy-workspace-modules': generated },
      });
      updateNxJson(tree, {
        ...readNxJson(tree),
        plugins: [{ plugin: '@plux/nx', options: { targetName: 'index' } }],
      });

      await generate();

      expect(readJson(tree, 'apps/api/project.json').targets['copy-workspace-modules']).toEqual({
        ...generated,
        dependsOn: ['build', '^index'],
      });
      expect(nxLogger.info).toHaveBeenCalledWith(
        "@plux/nx: made api's copy-workspace-modules target depend on ^index (apps/api/project.json), " +
          'so its prune copies the plux indexes of its workspace libraries',
      );
    });

    it('leaves a configured project as it is', async () => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: './plux.json' });

      await generate();

      expect(readJson(tree, 'libs/services/package.json')).toEqual({
        name: '@acme/services',
        plux: './plux.json',
      });
      expect(readNxJson(tree)?.plugins).toBeUndefined();
    });
  });

  describe('the discover target its hints name', () => {
    const registerPlux = (...plugins: NonNullable<NxJsonConfiguration['plugins']>) =>
      updateNxJson(tree, { ...readNxJson(tree), plugins });
    const nextStep = () =>
      nxLogger.info.mock.calls
        .flat()
        .map(String)
        .find((line) => line.includes('Next:'));

    it('is the target name nx.json registers @plux/nx with, in the hint and the generated module', async () => {
      registerPlux({ plugin: '@plux/nx', options: { targetName: 'index' } });

      await generate();

      expect(nextStep()).toMatch(
        /Next: build @acme\/services and run "nx run @acme\/services:index" to index it$/,
      );
      expect(read(tree, 'libs/services/src/plugins/s3.ts')).toContain(
        '`nx run @acme/services:index` indexes it',
      );
      expect(readNxJson(tree)?.plugins).toHaveLength(1);
    });

    it("is the name of the registration whose include covers the project, not the first one's", async () => {
      registerPlux(
        { plugin: '@plux/nx', options: { targetName: 'apps-index' }, include: ['apps/**'] },
        { plugin: '@plux/nx', options: { targetName: 'libs-index' }, include: ['libs/**'] },
      );

      await generate({ kind: 'function' });

      expect(nextStep()).toContain('"nx run @acme/services:libs-index" to index it');
      expect(read(tree, 'libs/services/src/plugins/s3.ts')).toContain('`nx run @acme/services:libs-index`');
    });

    it('skips a registration whose exclude leaves the project out', async () => {
      registerPlux(
        { plugin: '@plux/nx', options: { targetName: 'other-index' }, exclude: ['libs/services/**'] },
        { plugin: '@plux/nx', options: { targetName: 'services-index' }, include: ['libs/services/*'] },
      );

      await generate({ kind: 'spec' });

      expect(nextStep()).toContain('"nx run @acme/services:services-index" to index it');
    });

    it('writes the target into the project when every registration leaves it out, and names that one', async () => {
      registerPlux({ plugin: '@plux/nx', options: { targetName: 'index' }, exclude: ['libs/services/**'] });

      await generate();

      expect(readProjectConfiguration(tree, '@acme/services').targets?.['index']).toMatchObject({
        executor: '@plux/nx:discover',
        cache: true,
      });
      expect(nextStep()).toContain('"nx run @acme/services:index" to index it');
    });

    it('is the discover target a configured project declares itself', async () => {
      writeJson(tree, 'libs/services/package.json', {
        name: '@acme/services',
        plux: './plux.json',
        nx: { targets: { 'write-index': { executor: '@plux/nx:discover' } } },
      });

      await generate();

      expect(nextStep()).toContain('"nx run @acme/services:write-index" to index it');
    });
  });

  it('names a plugin that starts with a digit with a valid identifier', async () => {
    await generate({ name: '3d', kind: 'function' });

    expect(read(tree, 'libs/services/src/plugins/3d.ts')).toContain('export const _3d = plugin(');
  });

  it('says "would add" and "would configure" under nx g --dry-run', async () => {
    process.argv.push('--dry-run');
    try {
      await generate();
    } finally {
      process.argv.pop();
    }

    expect(nxLogger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^@plux\/nx: would add the class plugin acme.services:s3 .*; would configure @acme/,
      ),
    );
  });

  it('says what it did and what to do next', async () => {
    await generate();

    expect(nxLogger.info).toHaveBeenCalledWith(
      '@plux/nx: added the class plugin acme.services:s3 in libs/services/src/plugins/s3.ts, its vitest spec, and ' +
        'its export from libs/services/src/index.ts; configured @acme/services for plux ("plux": "./plux.json", ' +
        '"files" += "plux.json", dependency @plux/core, plugin @plux/nx in nx.json). Nx runs "npm install" to ' +
        'install @plux/core. Next: build @acme/services and run "nx run @acme/services:plux-discover" to index it',
    );
  });

  it("keeps the runtime's diagnostics for apps (no plugins visible yet) out of its own output", async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await generate();
      expect(stderr.mock.calls.flat().filter((line) => String(line).startsWith('plux:'))).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('formats the files with the workspace formatter unless skipFormat', async () => {
    tree.delete('.oxfmtrc.json');
    writeJson(tree, '.prettierrc', { singleQuote: true, printWidth: 80 });
    const longLine =
      "export const dynamoDb = plugin({ namespace: 'acme.services', name: 'dynamo-db' }, function";

    await generate({ kind: 'function', name: 'dynamo-db', skipFormat: true });
    expect(read(tree, 'libs/services/src/plugins/dynamo-db.ts')).toContain(longLine);

    tree.delete('libs/services/src/plugins/dynamo-db.ts');
    tree.delete('libs/services/src/plugins/dynamo-db.spec.ts');
    await generate({ kind: 'function', name: 'dynamo-db', skipFormat: false });
    const formatted = read(tree, 'libs/services/src/plugins/dynamo-db.ts');
    expect(formatted).not.toContain(longLine);
    expect(formatted).toContain('export const dynamoDb = plugin(\n');
  });
});
