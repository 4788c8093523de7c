import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { writePackage } from '../../test/support/packages.js';
import { removeTempDirs } from '../../test/support/temp.js';
import { discoverPlugins } from './discover.js';
import { createLeftOverCheck, parseJsonc } from './left-overs.js';
import { listModules } from './scan.js';

afterAll(removeTempDirs);

const plugin = (name: string) =>
  `import { plugin } from '@plux/core';\nexport const ${name} = plugin({ namespace: 'acme.services' }, function ${name}() {});\n`;
const declarationMap = (source: string) => JSON.stringify({ version: 3, file: 'x.d.ts', sources: [source] });

describe('createLeftOverCheck', () => {
  it('follows declaration maps: a module whose source is gone is left over, one whose source exists is not', () => {
    const root = writePackage({
      'src/a.ts': '',
      'dist/a.js': '',
      'dist/a.d.ts.map': declarationMap('../src/a.ts'),
      'dist/extra/b.js': '',
      'dist/extra/b.d.ts.map': declarationMap('../../src/extra/b.ts'),
    });
    const check = createLeftOverCheck(root);

    expect(check(join(root, 'dist/a.js'))).toBeUndefined();
    expect(check(join(root, 'dist/extra/b.js'))).toEqual({
      file: join(root, 'dist/extra/b.js'),
      source: join(root, 'src/extra/b.ts'),
      evidence: join(root, 'dist/extra/b.d.ts.map'),
    });
  });

  it('prefers the source map (with its sourceRoot) over the declaration map', () => {
    const root = writePackage({
      'src/kept.ts': '',
      'lib/a.js': '',
      // the declaration map is stale, the source map is not: the source map decides
      'lib/a.js.map': JSON.stringify({ version: 3, sourceRoot: '../src', sources: ['kept.ts'] }),
      'lib/a.d.ts.map': declarationMap('../src/gone.ts'),
      'lib/b.js': '',
      'lib/b.js.map': JSON.stringify({ version: 3, sourceRoot: '../src', sources: ['gone.ts'] }),
    });
    const check = createLeftOverCheck(root);

    expect(check(join(root, 'lib/a.js'))).toBeUndefined();
    expect(check(join(root, 'lib/b.js'))?.source).toBe(join(root, 'src/gone.ts'));
  });

  it('pairs .mjs with .d.mts.map and .cjs with .d.cts.map, and keeps a bundle while one of its sources exists', () => {
    const root = writePackage({
      'src/one.ts': '',
      'dist/a.mjs': '',
      'dist/a.d.mts.map': declarationMap('../src/gone.mts'),
      'dist/b.cjs': '',
      'dist/b.d.cts.map': declarationMap('../src/gone.cts'),
      'dist/bundle.js': '',
      'dist/bundle.js.map': JSON.stringify({ version: 3, sources: ['../src/gone.ts', '../src/one.ts'] }),
    });
    const check = createLeftOverCheck(root);

    expect(check(join(root, 'dist/a.mjs'))?.source).toBe(join(root, 'src/gone.mts'));
    expect(check(join(root, 'dist/b.cjs'))?.source).toBe(join(root, 'src/gone.cts'));
    expect(check(join(root, 'dist/bundle.js'))).toBeUndefined();
  });

  it('maps outDir to rootDir through the tsconfig (comments, trailing commas, a relative extends) when there is no map', () => {
    const root = writePackage({
      'tsconfig.base.json': '{ "compilerOptions": { "outDir": "./out", /* shared */ } }',
      'tsconfig.json':
        '// the package\n{ "extends": "./tsconfig.base", "compilerOptions": { "rootDir": "./source", }, }',
      'source/kept.tsx': '',
      'source/nested/kept.js': '',
      'out/kept.js': '',
      'out/nested/kept.js': '',
      'out/gone.js': '',
      'dist/not-under-out-dir.js': '',
    });
    const check = createLeftOverCheck(root);

    expect(check(join(root, 'out/kept.js'))).toBeUndefined();
    expect(check(join(root, 'out/nested/kept.js'))).toBeUndefined();
    expect(check(join(root, 'out/gone.js'))).toEqual({
      file: join(root, 'out/gone.js'),
      source: join(root, 'source/gone.ts'),
      evidence: join(root, 'tsconfig.json'),
    });
    expect(check(join(root, 'dist/not-under-out-dir.js'))).toBeUndefined();
  });

  it('tells nothing where the sources were never there, or a map names no file on this disk', () => {
    const root = writePackage({
      // a published package: maps point into a src/ it does not ship
      'dist/a.js': '',
      'dist/a.d.ts.map': declarationMap('../src/a.ts'),
      'dist/web.js': '',
      'dist/web.js.map': JSON.stringify({ version: 3, sources: ['webpack://acme/./src/web.ts'] }),
      'dist/broken.js': '',
      'dist/broken.js.map': '{ not json',
      'dist/plain.js': '',
    });
    const check = createLeftOverCheck(root);

    for (const file of ['a.js', 'web.js', 'broken.js', 'plain.js']) {
      expect(check(join(root, 'dist', file)), file).toBeUndefined();
    }
  });
});

describe('discovery and left-over modules', () => {
  const leftOverPackage = () =>
    writePackage({
      'src/index.ts': '',
      'src/s3.ts': '',
      'dist/index.js': "export * from './s3.js';\n",
      'dist/index.d.ts.map': declarationMap('../src/index.ts'),
      'dist/s3.js': plugin('s3'),
      'dist/s3.d.ts.map': declarationMap('../src/s3.ts'),
      // the output of src/extra/dynamodb.ts, deleted since the last clean build
      'dist/extra/dynamodb.js': plugin('dynamodb'),
      'dist/extra/dynamodb.d.ts.map': declarationMap('../../src/extra/dynamodb.ts'),
    });

  it('listModules leaves a left-over module out and says once which file it is and what to do', () => {
    const root = leftOverPackage();
    const listing = listModules(join(root, 'dist'), { root });

    expect(listing.files).toEqual([join(root, 'dist/index.js'), join(root, 'dist/s3.js')]);
    expect(listing.warnings).toEqual([
      './dist/extra/dynamodb.js is left over from an earlier build: its source src/extra/dynamodb.ts no longer ' +
        'exists, so it is not indexed; delete it, or delete the build output and build again',
    ]);
    // without the package root there is nothing to compare with: every module is listed
    expect(listModules(join(root, 'dist')).files).toHaveLength(3);
  });

  it('discoverPlugins writes no entry for a plugin whose source was deleted', async () => {
    const result = await discoverPlugins({ root: leftOverPackage() });

    expect(result.plugins.map((p) => `${p.namespace}:${p.name} ${p.module}`)).toEqual([
      'acme.services:s3 ./dist/s3.js',
    ]);
    expect(result.modules).toEqual(['./dist/index.js', './dist/s3.js']);
    expect(result.warnings.filter((w) => w.includes('left over'))).toHaveLength(1);
  });
});

describe('parseJsonc', () => {
  it('keeps comment-like text and commas inside strings', () => {
    expect(
      parseJsonc('{ "a": "// not a comment", "b": "/* nor */", "c": ",}", /* x */ "d": [1, 2,], }'),
    ).toEqual({
      a: '// not a comment',
      b: '/* nor */',
      c: ',}',
      d: [1, 2],
    });
  });
});
