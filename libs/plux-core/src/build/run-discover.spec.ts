import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { writePackage } from '../../test/support/packages.js';
import { removeTempDirs } from '../../test/support/temp.js';
import { DiscoveryError } from './errors.js';
import { runDiscover } from './run-discover.js';

afterAll(removeTempDirs);

const S3_MODULE = `import { Plugin } from '@plux/core';
export class S3Plugin extends Plugin {
  static namespace = 'acme.services';
  static pluginName = 's3';
}
`;
const S3_INDEX = `{
  "formatVersion": 1,
  "plugins": {
    "acme.services": {
      "s3": {
        "export": "S3Plugin",
        "module": "./dist/index.js"
      }
    }
  }
}
`;

describe('runDiscover', () => {
  it('writes plux.json in the package root, then leaves it untouched while the plugins stay the same', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './plux.json' });
    const first = await runDiscover({ root });
    const file = join(root, 'plux.json');
    const mtime = statSync(file).mtimeMs;
    const second = await runDiscover({ root });

    expect(first).toMatchObject({
      written: file,
      output: file,
      stale: true,
      diff: { added: ['acme.services:s3'] },
    });
    expect(readFileSync(file, 'utf8')).toBe(S3_INDEX);
    expect(second.written).toBeUndefined();
    expect(second.stale).toBe(false);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('with check, writes nothing and reports the file as stale with what differs', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './plux.json' });
    writeFileSync(join(root, 'plux.json'), S3_INDEX.replace('"s3"', '"s3-old"'));
    const run = await runDiscover({ root, check: true });

    expect(run.stale).toBe(true);
    expect(run.written).toBeUndefined();
    expect(run.diff).toEqual({ added: ['acme.services:s3'], removed: ['acme.services:s3-old'], changed: [] });
    expect(readFileSync(join(root, 'plux.json'), 'utf8')).toContain('s3-old');
  });

  it('writes no file for output "-", and resolves any other output against the root', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE });
    const none = await runDiscover({ root, output: '-' });
    const nested = await runDiscover({ root, output: 'meta/index.json' });

    expect(none).toMatchObject({ stale: false, hints: [] });
    expect(none.output).toBeUndefined();
    expect(existsSync(join(root, 'plux.json'))).toBe(false);
    expect(nested.written).toBe(join(root, 'meta', 'index.json'));
    expect(readFileSync(join(root, 'meta', 'index.json'), 'utf8')).toBe(S3_INDEX);
  });

  it('refuses check together with output "-" or updatePackage', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE });

    await expect(runDiscover({ root, check: true, output: '-' })).rejects.toThrow(DiscoveryError);
    await expect(runDiscover({ root, check: true, updatePackage: true })).rejects.toThrow(DiscoveryError);
  });

  it('hints at what package.json lacks, and leaves it alone', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE }, { files: ['dist'] });
    const before = readFileSync(join(root, 'package.json'), 'utf8');
    const run = await runDiscover({ root });

    expect(run.hints).toEqual([
      'package.json has no "plux" field, so the runtime will not find this index: add "plux": "./plux.json" ' +
        '(or run again with --update-package)',
      'package.json "files" does not include plux.json, so the published package would lack its index: add "plux.json"',
    ]);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(before);
  });

  it('hints when "plux" points elsewhere or holds an inline index', async () => {
    const elsewhere = writePackage({ 'dist/index.js': S3_MODULE }, { plux: './other.json' });
    const inline = writePackage({ 'dist/index.js': S3_MODULE }, { plux: { formatVersion: 1, plugins: {} } });

    expect((await runDiscover({ root: elsewhere })).hints).toEqual([
      'package.json "plux" points to ./other.json, not to the index just written (./plux.json)',
    ]);
    expect((await runDiscover({ root: inline })).hints).toEqual([
      'package.json holds an inline index in "plux", which wins over ./plux.json: set "plux": "./plux.json"',
    ]);
  });

  it('with updatePackage, points package.json at the index and adds it to files, keeping its indentation', async () => {
    const root = writePackage({ 'dist/index.js': S3_MODULE });
    const pkgFile = join(root, 'package.json');
    writeFileSync(
      pkgFile,
      `${JSON.stringify({ ...JSON.parse(readFileSync(pkgFile, 'utf8')), files: ['dist'] }, null, 4)}\n`,
    );
    const run = await runDiscover({ root, updatePackage: true });
    const again = await runDiscover({ root, updatePackage: true });

    expect(run.packageUpdated).toBe(pkgFile);
    expect(run.hints).toEqual([]);
    const text = readFileSync(pkgFile, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ plux: './plux.json', files: ['dist', 'plux.json'] });
    expect(text).toMatch(/^ {4}"name"/m);
    expect(text.endsWith('}\n')).toBe(true);
    expect(again.packageUpdated).toBeUndefined();
  });
});
