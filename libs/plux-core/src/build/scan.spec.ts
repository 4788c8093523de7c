import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir, removeTempDirs } from '../../test/support/temp.js';
import { DiscoveryError } from './errors.js';
import { listModules } from './scan.js';

afterAll(removeTempDirs);

function folderWith(paths: string[]): string {
  const dir = makeTempDir();
  for (const path of paths) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), '');
  }
  return dir;
}

const relative = (dir: string, files: string[]) => files.map((f) => f.slice(dir.length + 1));

describe('listModules', () => {
  const paths = [
    'z.js',
    'a.mjs',
    'b.cjs',
    'types.d.ts',
    'index.js.map',
    'sub/deep/c.js',
    'sub/c.spec.js',
    'sub/c.test.mjs',
    '__tests__/t.js',
    'node_modules/dep/index.js',
    '.cache/x.js',
    'internal/side-effect.js',
  ];

  it('lists .js, .mjs and .cjs files in path order, never tests, node_modules or dot-folders', () => {
    const dir = folderWith(paths);

    expect(relative(dir, listModules(dir).files)).toEqual([
      'a.mjs',
      'b.cjs',
      'internal/side-effect.js',
      'sub/deep/c.js',
      'z.js',
    ]);
  });

  it('matches globs against the path relative to the folder; a folder glob covers its content', () => {
    const dir = folderWith(paths);

    expect(relative(dir, listModules(dir, { exclude: ['internal'] }).files)).toEqual([
      'a.mjs',
      'b.cjs',
      'sub/deep/c.js',
      'z.js',
    ]);
    expect(relative(dir, listModules(dir, { include: ['sub/**', '*.{mjs,cjs}'] }).files)).toEqual([
      'a.mjs',
      'b.cjs',
      'sub/deep/c.js',
    ]);
    expect(relative(dir, listModules(dir, { include: ['sub'], exclude: ['**/deep/**'] }).files)).toEqual([]);
  });

  it('reports an invalid glob as a DiscoveryError naming the option', () => {
    const dir = folderWith(['a.js']);

    expect(() => listModules(dir, { exclude: [''] })).toThrow(DiscoveryError);
    expect(() => listModules(dir, { exclude: [''] })).toThrow(/^exclude: /);
  });
});
