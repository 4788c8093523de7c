import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { isDirectory } from './fs.js';

const base = mkdtempSync(join(tmpdir(), 'plux-utils-fs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isDirectory', () => {
  it('is true for a folder and for a symlink to one', () => {
    mkdirSync(join(base, 'dir'));
    symlinkSync(join(base, 'dir'), join(base, 'link'));
    expect(isDirectory(join(base, 'dir'))).toBe(true);
    expect(isDirectory(join(base, 'link'))).toBe(true);
  });

  it('is false, without throwing, for a file, a missing path, a dangling link and a path through a file', () => {
    writeFileSync(join(base, 'file'), '');
    symlinkSync(join(base, 'gone'), join(base, 'dangling'));
    expect(isDirectory(join(base, 'file'))).toBe(false);
    expect(isDirectory(join(base, 'missing'))).toBe(false);
    expect(isDirectory(join(base, 'dangling'))).toBe(false);
    expect(isDirectory(join(base, 'file', 'below'))).toBe(false);
  });
});
