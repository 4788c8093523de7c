import { addProjectConfiguration, logger, readJson, readNxJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordedWorkspace, restore } from '../../../test/support/fake-package-manager';
import pluginGenerator, { namespaceOrThrow, pluginNameOrThrow } from './generator';
import type { PluginGeneratorSchema } from './schema';

describe('plugin generator', () => {
  let tree: Tree;
  let info: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    tree = createWorkspace();
    info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    return () => info.mockRestore();
  });

  async function generate(options: Partial<PluginGeneratorSchema> = {}) {
    await pluginGenerator(tree, {
      project: '@acme/services',
      name: 's3',
      namespace: 'acme.services',
      skipFormat: true,
      ...options,
    });
  }

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

  describe('refusals', () => {
    it('refuses to overwrite an existing module, and changes nothing', async () => {
      tree.write('libs/services/src/plugins/s3.ts', '// mine\n');
      const before = snapshot(tree);

      await expect(generate()).rejects.toThrow(
        '@plux/nx: libs/services/src/plugins/s3.ts already exists; choose another --name or --directory',
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('refuses to overwrite an existing spec', async () => {
      tree.write('libs/services/src/plugins/s3.spec.ts', '// mine\n');

      await expect(generate()).rejects.toThrow(/s3\.spec\.ts already exists/);
    });

    it('refuses a plugin name the project already declares with a Plugin class', async () => {
      tree.write(
        'libs/services/src/legacy.ts',
        'export class Old extends Plugin {\n  static override namespace = \'acme.services\';\n  static pluginName = "s3";\n}\n',
      );

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        '@plux/nx: project @acme/services already declares the plugin acme.services:s3 (in libs/services/src/legacy.ts)',
      );
    });

    it('refuses a plugin name the project already declares with plugin()', async () => {
      tree.write(
        'libs/services/src/fns.ts',
        "export const s3 = plugin({ name: 's3', namespace: 'acme.services' }, () => 1);\n",
      );

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        /already declares the plugin acme.services:s3 \(in .*fns\.ts\)/,
      );
    });

    it('refuses a plugin name the project already declares with a PluginSpec', async () => {
      tree.write(
        'libs/services/src/specs.ts',
        "export const s = new PluginSpec<P>('acme.services', 's3', () => p);\n",
      );

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        /already declares the plugin acme.services:s3/,
      );
    });

    it('refuses a plugin name listed in the project index', async () => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: './plux.json' });
      writeJson(tree, 'libs/services/plux.json', {
        formatVersion: 1,
        plugins: { 'acme.services': { s3: { module: './dist/old.js', export: 'S3' } } },
      });

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        /already declares the plugin acme.services:s3 \(in libs\/services\/plux\.json\)/,
      );
    });

    it('reads the index from the path package.json plux names', async () => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: './meta/index.json' });
      writeJson(tree, 'libs/services/meta/index.json', {
        formatVersion: 1,
        plugins: { 'acme.services': { s3: { module: './dist/old.js', export: 'S3' } } },
      });

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        /already declares the plugin acme.services:s3 \(in libs\/services\/meta\/index\.json\)/,
      );
    });

    it('without an index, refuses any literal pluginName (inherited namespace), saying it is best-effort', async () => {
      tree.write(
        'libs/services/src/aws.ts',
        "export class S3 extends AwsPlugin {\n  static pluginName: string = 's3';\n}\n",
      );

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        "@plux/nx: project @acme/services may already have a plugin named s3 (pluginName 's3' in " +
          'libs/services/src/aws.ts, namespace not determined); choose another --name. Without an index this ' +
          'check is best-effort: run "nx run @acme/services:plux-discover" to write the index',
      );
      expect(tree.exists('libs/services/src/new/s3.ts')).toBe(false);
    });

    it('without an index, refuses pluginName: in an object literal, whatever gives the namespace', async () => {
      tree.write('libs/services/src/meta.ts', "export const meta = { namespace: NS, pluginName: 's3' };\n");

      await expect(generate({ directory: 'new' })).rejects.toThrow(/may already have a plugin named s3/);
    });

    it('does not take a longer name for the one asked', async () => {
      tree.write(
        'libs/services/src/meta.ts',
        "export const meta = { namespace: NS, pluginName: 's3-old' };\n",
      );

      await generate({ directory: 'new' });

      expect(tree.exists('libs/services/src/new/s3.ts')).toBe(true);
    });

    it('allows the same name in another namespace once the index exists', async () => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', plux: './plux.json' });
      writeJson(tree, 'libs/services/plux.json', {
        formatVersion: 1,
        plugins: { 'acme.other': { s3: { module: './dist/legacy.js', export: 'Old' } } },
      });
      tree.write(
        'libs/services/src/legacy.ts',
        "class Old { static namespace = 'acme.other'; static pluginName = 's3'; }\n",
      );

      await generate();

      expect(tree.exists('libs/services/src/plugins/s3.ts')).toBe(true);
    });

    it('refuses an unknown project, naming it', async () => {
      await expect(generate({ project: 'nope' })).rejects.toThrow(
        '@plux/nx: there is no project "nope"; "nx show projects" lists them',
      );
    });

    it('refuses a project without package.json, saying what to add', async () => {
      addProjectConfiguration(tree, 'bare', { root: 'libs/bare' });

      await expect(generate({ project: 'bare' })).rejects.toThrow(
        /^@plux\/nx: project bare has no package.json at libs\/bare\/package.json/,
      );
    });

    it('refuses an unknown kind', async () => {
      await expect(generate({ kind: 'decorator' as 'class' })).rejects.toThrow(
        '@plux/nx: --kind must be one of class, function, spec, got "decorator"',
      );
    });

    it.each([
      ['', /--name must not be empty/],
      ['  ', /--name must not be empty/],
      ['acme:s3', /contains ":", which separates namespace and name/],
      ['has space', /may hold only letters, digits/],
      ['-lead', /may hold only letters, digits/],
      ['a/b', /may hold only letters, digits/],
    ])('refuses the name %j', async (name, message) => {
      await expect(generate({ name })).rejects.toThrow(message);
      expect(() => pluginNameOrThrow(name)).toThrow(/^@plux\/nx: /);
    });

    it.each([
      '',
      'acme.',
      '.acme',
      'acme..services',
      '1acme',
      'acme-services',
      'acme:services',
      'acme services',
    ])('refuses the namespace %j', async (namespace) => {
      await expect(generate({ namespace })).rejects.toThrow(/^@plux\/nx: .*namespace/);
    });
  });

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
      expect(info).toHaveBeenCalledWith(expect.stringContaining(`its ${runner} spec`));
    });

    it.each([
      [{ scripts: { test: 'vitest run' } }, 'vitest'],
      [{ scripts: { test: 'jest --coverage' } }, 'jest'],
      [{ scripts: { 'test:unit': 'npx jest' } }, 'jest'],
    ])('package.json %j makes it a %s spec', async (fields, runner) => {
      writeJson(tree, 'libs/services/package.json', { name: '@acme/services', ...fields });

      await generate();

      expect(read(tree, spec).includes("from 'vitest'")).toBe(runner === 'vitest');
      expect(info).toHaveBeenCalledWith(expect.stringContaining(`its ${runner} spec`));
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
      expect(info).toHaveBeenCalledWith(
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

  it.each(['acme', 'acme.services', '_private.$x', 'A.b1.C_2'])('accepts the namespace %j', (namespace) => {
    expect(namespaceOrThrow(namespace)).toBe(namespace);
  });

  it.each(['s3', 'dynamo-db', 'v1.2', '3d', 'a_b'])('accepts the name %j', (name) => {
    expect(pluginNameOrThrow(name)).toBe(name);
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

    expect(info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^@plux\/nx: would add the class plugin acme.services:s3 .*; would configure @acme/,
      ),
    );
  });

  it('says what it did and what to do next', async () => {
    await generate();

    expect(info).toHaveBeenCalledWith(
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

/** A workspace with npm workspaces, @plux/core as a project, and a fresh library `@acme/services` tested by vitest. */
function createWorkspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  writeJson(tree, 'package.json', { name: 'root', private: true, workspaces: ['libs/*'] });
  writeJson(tree, 'libs/plux-core/package.json', { name: '@plux/core', version: '0.1.0' });
  writeJson(tree, 'libs/services/package.json', {
    name: '@acme/services',
    version: '1.0.0',
    type: 'module',
    exports: './dist/index.js',
    files: ['dist'],
  });
  tree.write('libs/services/src/index.ts', "export const version = '1';");
  tree.write('libs/services/vitest.config.ts', 'export default {};');
  tree.write('package-lock.json', '{}');
  return tree;
}

function read(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf8');
  if (text === null) throw new Error(`expected ${path} to exist`);
  return text;
}

function snapshot(tree: Tree): Record<string, string> {
  return Object.fromEntries(
    tree.listChanges().map((c) => [c.path, `${c.type}:${c.content?.toString() ?? ''}`]),
  );
}
