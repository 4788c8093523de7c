import { addProjectConfiguration, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { spyOnNxLoggerInEachTest } from '../../../test/support/nx-logger';
import { createPluginWorkspace, generatePlugin } from '../../../test/support/plugin-workspace';
import { namespaceOrThrow, pluginNameOrThrow } from './generator';
import type { PluginGeneratorSchema } from './schema';

// The input the plugin generator refuses, before it changes anything, and the names it accepts.
describe('plugin generator, checking its input', () => {
  let tree: Tree;
  spyOnNxLoggerInEachTest(); // the generator's notes stay out of the test output

  beforeEach(() => {
    tree = createPluginWorkspace();
  });

  const generate = (options: Partial<PluginGeneratorSchema> = {}) => generatePlugin(tree, options);

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

    it('names the discover target nx.json configures for the project in that hint', async () => {
      updateNxJson(tree, {
        ...readNxJson(tree),
        plugins: [{ plugin: '@plux/nx', options: { targetName: 'index' }, include: ['libs/**'] }],
      });
      tree.write(
        'libs/services/src/aws.ts',
        "export class S3 extends AwsPlugin {\n  static pluginName = 's3';\n}\n",
      );

      await expect(generate({ directory: 'new' })).rejects.toThrow(
        'best-effort: run "nx run @acme/services:index" to write the index',
      );
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

  it.each(['acme', 'acme.services', '_private.$x', 'A.b1.C_2'])('accepts the namespace %j', (namespace) => {
    expect(namespaceOrThrow(namespace)).toBe(namespace);
  });

  it.each(['s3', 'dynamo-db', 'v1.2', '3d', 'a_b'])('accepts the name %j', (name) => {
    expect(pluginNameOrThrow(name)).toBe(name);
  });
});

function snapshot(tree: Tree): Record<string, string> {
  return Object.fromEntries(
    tree.listChanges().map((c) => [c.path, `${c.type}:${c.content?.toString() ?? ''}`]),
  );
}
