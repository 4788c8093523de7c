import { join, sep } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isBelow, isWithin } from './paths.js';

const root = join(sep, 'repo', 'pkg');

describe('isBelow', () => {
  it('is true for paths under the folder, however deep', () => {
    expect(isBelow(root, join(root, 'dist'))).toBe(true);
    expect(isBelow(root, join(root, 'dist', 'a.js'))).toBe(true);
  });

  it('is false for the folder itself, its parent, and a sibling sharing its name as a prefix', () => {
    expect(isBelow(root, root)).toBe(false);
    expect(isBelow(root, join(sep, 'repo'))).toBe(false);
    expect(isBelow(root, `${root}-other${sep}a.js`)).toBe(false);
  });

  it('takes a folder with a trailing separator, such as the file system root', () => {
    expect(isBelow(sep, join(sep, 'repo'))).toBe(true);
    expect(isBelow(root + sep, join(root, 'a.js'))).toBe(true);
    expect(isBelow(sep, sep)).toBe(false);
    expect(isWithin(sep, sep)).toBe(true);
  });
});

describe('isWithin', () => {
  it('is true for the folder itself and for paths under it', () => {
    expect(isWithin(root, root)).toBe(true);
    expect(isWithin(root, join(root, 'a.js'))).toBe(true);
  });

  it('is false outside the folder', () => {
    expect(isWithin(root, join(sep, 'repo'))).toBe(false);
    expect(isWithin(root, `${root}x`)).toBe(false);
  });
});
