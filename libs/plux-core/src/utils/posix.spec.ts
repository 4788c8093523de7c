import { join, sep } from 'node:path';

import { describe, expect, it } from 'vitest';

import { relativePosix } from './posix.js';

const root = join(sep, 'repo', 'pkg');

describe('relativePosix', () => {
  it('joins the segments with / whatever the platform', () => {
    expect(relativePosix(root, join(root, 'dist', 'sub', 'a.js'))).toBe('dist/sub/a.js');
  });

  it("is '' for the folder itself and climbs with ..", () => {
    expect(relativePosix(root, root)).toBe('');
    expect(relativePosix(root, join(sep, 'repo', 'other', 'b.js'))).toBe('../other/b.js');
  });
});
