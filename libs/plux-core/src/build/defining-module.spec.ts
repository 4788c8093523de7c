import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir, removeTempDirs } from '../../test/support/temp.js';
import { chooseDefiningExport, ModuleGraph } from './defining-module.js';

afterAll(removeTempDirs);

/** Writes `{ path: source }` into a temp package root; returns a function mapping a path to its absolute file. */
function sources(files: Record<string, string>): { root: string; at: (path: string) => string } {
  const root = makeTempDir();
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return { root, at: (path) => join(root, path) };
}

class S3Plugin {}

describe('ModuleGraph', () => {
  it('follows import, export-from, import() and extensionless require() specifiers inside the root', () => {
    const { root, at } = sources({
      'dist/index.js': "export * from './a.js';\nimport './b.mjs';\nconst c = await import('./c.js');\n",
      'dist/a.js': "module.exports = require('./lib');\nrequire('../../outside.js');\n",
      'dist/lib/index.js': 'exports.x = 1;\n',
      'dist/b.mjs': '',
      'dist/c.js': '',
    });
    const graph = new ModuleGraph(root);

    expect(graph.dependencies(at('dist/index.js'))).toEqual([
      at('dist/a.js'),
      at('dist/b.mjs'),
      at('dist/c.js'),
    ]);
    expect(graph.dependencies(at('dist/a.js'))).toEqual([at('dist/lib/index.js')]);
    expect(graph.reaches(at('dist/index.js'), at('dist/lib/index.js'))).toBe(true);
    expect(graph.reaches(at('dist/lib/index.js'), at('dist/index.js'))).toBe(false);
  });
});

describe('chooseDefiningExport', () => {
  it('picks the end of a barrel chain: the candidate that imports none of the others', () => {
    const { root, at } = sources({
      'dist/index.js': "export * from './services/index.js';\n",
      'dist/services/index.js': "export * from './s3.js';\n",
      'dist/services/s3.js': 'export class S3Plugin {}\n',
    });
    const sites = ['dist/index.js', 'dist/services/index.js', 'dist/services/s3.js'].map((p) => ({
      file: at(p),
      exportName: 'S3Plugin',
    }));

    expect(chooseDefiningExport(sites, new ModuleGraph(root), S3Plugin)).toEqual(sites[2]);
  });

  it('in an import cycle, prefers the module whose source declares the export', () => {
    const { root, at } = sources({
      'dist/a.js': "export { S3Plugin as Storage } from './b.js';\n",
      'dist/b.js': "import './a.js';\nexport class S3Plugin {}\n",
    });
    const sites = [
      { file: at('dist/a.js'), exportName: 'Storage' },
      { file: at('dist/b.js'), exportName: 'S3Plugin' },
    ];

    expect(chooseDefiningExport(sites, new ModuleGraph(root), S3Plugin)).toEqual(sites[1]);
  });

  it('falls back to path order when no candidate imports or declares it (a value from another package)', () => {
    const { root, at } = sources({
      'dist/z.js': "export { S3Plugin } from '@acme/other';\n",
      'dist/a.js': "export { S3Plugin } from '@acme/other';\n",
    });
    const sites = [
      { file: at('dist/z.js'), exportName: 'S3Plugin' },
      { file: at('dist/a.js'), exportName: 'S3Plugin' },
    ];

    expect(chooseDefiningExport(sites, new ModuleGraph(root), S3Plugin)).toEqual(sites[1]);
  });

  it("within one module prefers the value's own name, then a named export over default, then name order", () => {
    const { root, at } = sources({ 'dist/a.js': '' });
    const graph = new ModuleGraph(root);
    const site = (exportName: string) => ({ file: at('dist/a.js'), exportName });

    expect(chooseDefiningExport([site('default'), site('Alias'), site('S3Plugin')], graph, S3Plugin)).toEqual(
      site('S3Plugin'),
    );
    expect(chooseDefiningExport([site('default'), site('beta'), site('alpha')], graph, {})).toEqual(
      site('alpha'),
    );
    expect(chooseDefiningExport([site('default')], graph, {})).toEqual(site('default'));
  });

  it('names an inline-arrow plugin after the export its module declares, not an alias of it', () => {
    const { root, at } = sources({
      'dist/a.js':
        "export const deploy = plugin({ namespace: 'ns' }, () => 'x');\nexport { deploy as alias };\n",
    });
    const site = (exportName: string) => ({ file: at('dist/a.js'), exportName });
    const arrow = () => 'x';
    Object.defineProperty(arrow, 'name', { value: '' });

    expect(chooseDefiningExport([site('alias'), site('deploy')], new ModuleGraph(root), arrow)).toEqual(
      site('deploy'),
    );
  });
});
