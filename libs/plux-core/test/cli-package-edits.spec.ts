/**
 * `plux discover --update-package` and the index write, through the real binary, on package.json and plux.json
 * files that a careless rewrite would damage: numbers JSON.parse rounds, CRLF, key order, a byte order mark, file
 * modes, symlinks, and temp files that killed runs left behind. Needs the built CLI.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runPlux } from './support/cli.js';
import { writePackage } from './support/packages.js';
import { makeTempDir, removeTempDirs } from './support/temp.js';

afterAll(removeTempDirs, 60_000);

const plugin = `import { PluginSpec } from '@plux/core';\nexport const a = new PluginSpec('acme.t', 'a', class {});\n`;

/** The id of a process that has ended, as a killed `plux discover` leaves in its temp file names. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
      .stdout,
  );
}

describe('plux discover --update-package', () => {
  it('changes only the plux field and the files entry: big numbers, 1e400, CRLF, key order, BOM and mode stay', () => {
    const pkg = writePackage({ 'dist/index.js': plugin });
    const before =
      '\ufeff{\r\n  "name": "@acme/tmp",\r\n  "version": "1.0.0",\r\n  "type": "module",\r\n' +
      '  "main": "./dist/index.js",\r\n  "2": "second",\r\n  "1": "first",\r\n' +
      '  "config": { "id": 12345678901234567890, "max": 1e400, "ratio": 1.50 },\r\n' +
      '  "files": ["dist"]\r\n}\r\n';
    writeFileSync(join(pkg, 'package.json'), before);
    chmodSync(join(pkg, 'package.json'), 0o640);

    const run = runPlux(['discover', '--update-package'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(run.stderr).toContain('"plux" points to the index');
    expect(readFileSync(join(pkg, 'package.json'), 'utf8')).toBe(
      before.replace(
        '  "files": ["dist"]\r\n}',
        '  "files": ["dist", "plux.json"],\r\n  "plux": "./plux.json"\r\n}',
      ),
    );
    expect(statSync(join(pkg, 'package.json')).mode & 0o777).toBe(0o640);
    expect(runPlux(['discover', '--update-package'], { cwd: pkg }).stderr).not.toContain('updated');
  });

  it('writes through a symlinked package.json and plux.json, leaving both links in place', () => {
    const pkg = writePackage({ 'dist/index.js': plugin });
    const shared = makeTempDir();
    renameSync(join(pkg, 'package.json'), join(shared, 'package.json'));
    symlinkSync(join(shared, 'package.json'), join(pkg, 'package.json'));
    writeFileSync(join(shared, 'index.json'), '{}\n');
    symlinkSync(join(shared, 'index.json'), join(pkg, 'plux.json'));

    const run = runPlux(['discover', '--update-package'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(lstatSync(join(pkg, 'package.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(pkg, 'plux.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(shared, 'package.json'), 'utf8')).plux).toBe('./plux.json');
    expect(JSON.parse(readFileSync(join(shared, 'index.json'), 'utf8')).plugins['acme.t'].a).toEqual({
      export: 'a',
      module: './dist/index.js',
    });
  });

  it('reads a package.json that starts with a byte order mark', () => {
    const pkg = writePackage({ 'dist/index.js': plugin });
    writeFileSync(join(pkg, 'package.json'), `\ufeff${readFileSync(join(pkg, 'package.json'), 'utf8')}`);

    const run = runPlux(['discover'], { cwd: pkg });

    expect(run.status).toBe(0);
    expect(existsSync(join(pkg, 'plux.json'))).toBe(true);
  });
});

describe('plux discover after a run that was killed mid-write', () => {
  it('removes the temp files a dead writer left beside plux.json and package.json, even when nothing changes', () => {
    const pkg = writePackage({ 'dist/index.js': plugin }, { plux: './plux.json' });
    expect(runPlux(['discover'], { cwd: pkg }).status).toBe(0);
    const pid = deadPid();
    const leftovers = [`plux.json.${pid}.tmp`, `package.json.${pid}.tmp`].map((f) => join(pkg, f));
    for (const file of leftovers) writeFileSync(file, '{ "half": ');
    mkdirSync(join(pkg, 'keep'));
    const unrelated = join(pkg, 'keep', `plux.json.${pid}.tmp`);
    writeFileSync(unrelated, 'not beside the index');

    const check = runPlux(['discover', '--check'], { cwd: pkg });
    expect(leftovers.every(existsSync)).toBe(true); // --check writes (and removes) nothing

    const run = runPlux(['discover'], { cwd: pkg });

    expect(check.status).toBe(0);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('plux.json is up to date');
    expect(leftovers.filter(existsSync)).toEqual([]);
    expect(existsSync(unrelated)).toBe(true);
  });
});
