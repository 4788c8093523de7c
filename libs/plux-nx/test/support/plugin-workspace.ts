import { writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import pluginGenerator from '../../src/generators/plugin/generator';
import type { PluginGeneratorSchema } from '../../src/generators/plugin/schema';

/** A workspace with npm workspaces, @plux/core as a project, and a fresh library `@acme/services` tested by vitest. */
export function createPluginWorkspace(): Tree {
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

/** The text of a file the test expects in the tree. */
export function read(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf8');
  if (text === null) throw new Error(`expected ${path} to exist`);
  return text;
}

/** Runs the plugin generator for `acme.services:s3` in `@acme/services` (unformatted), with `options` on top. */
export async function generatePlugin(
  tree: Tree,
  options: Partial<PluginGeneratorSchema> = {},
): Promise<void> {
  await pluginGenerator(tree, {
    project: '@acme/services',
    name: 's3',
    namespace: 'acme.services',
    skipFormat: true,
    ...options,
  });
}
