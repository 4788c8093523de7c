import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { removeStaleTemps, writeAtomically } from './write-atomically.js';

/** The id of a process that has ended: a real pid, no longer running. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plux-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAtomically', () => {
  it('writes through a symlink: the target changes, the link stays a link', () => {
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'plux.json'));

    const written = writeAtomically(join(dir, 'plux.json'), 'new');

    expect(lstatSync(join(dir, 'plux.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'plux.json'))).toBe('real.json');
    expect(readFileSync(join(dir, 'real.json'), 'utf8')).toBe('new');
    expect(written).toBe(join(dir, 'real.json'));
  });

  it("keeps an existing file's permission bits", () => {
    writeFileSync(join(dir, 'package.json'), '{}');
    chmodSync(join(dir, 'package.json'), 0o640);

    writeAtomically(join(dir, 'package.json'), '{ "plux": "./plux.json" }');

    expect(statSync(join(dir, 'package.json')).mode & 0o777).toBe(0o640);
  });

  it('removes temp files of writers that are gone, and keeps those of running ones and foreign files', () => {
    const dead = join(dir, `plux.json.${deadPid()}.tmp`);
    const live = join(dir, `plux.json.${process.ppid}.tmp`);
    const other = join(dir, 'plux.json.notes.tmp');
    for (const file of [dead, live, other]) writeFileSync(file, 'half');

    writeAtomically(join(dir, 'plux.json'), 'index');

    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(readFileSync(join(dir, 'plux.json'), 'utf8')).toBe('index');
  });
});

describe('removeStaleTemps', () => {
  it('lists what it removed and never throws on a missing folder', () => {
    const dead = join(dir, `package.json.${deadPid()}.tmp`);
    writeFileSync(dead, '{');

    expect(removeStaleTemps(join(dir, 'package.json'))).toEqual([dead]);
    expect(removeStaleTemps(join(dir, 'missing', 'package.json'))).toEqual([]);
  });
});
