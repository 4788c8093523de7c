import { describe, expect, it } from 'vitest';

import type { EntryPoint } from '../core/entry-point.js';
import { specFromModule } from './resolve-entry-point.js';

const entryPoint: EntryPoint = {
  namespace: 'ns',
  name: 'x',
  module: '/repo/node_modules/x/dist/x.js',
  export: 'x',
  value: 'x:./dist/x.js#x',
  distribution: {
    name: 'x',
    version: '1.0.0',
    root: '/repo/node_modules/x',
    packageJson: {},
    workspace: false,
  },
};

const messageOf = (outcome: Parameters<typeof specFromModule>[1]) => {
  try {
    specFromModule(entryPoint, outcome);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('specFromModule', () => {
  it('describes a module that threw a non-Error, never as [object Object]', () => {
    expect(messageOf({ failed: { code: 42 } })).toBe(
      'cannot import plugin ns:x from /repo/node_modules/x/dist/x.js (package x@1.0.0): {"code":42} (thrown, not an Error)',
    );
  });

  it('tells a module that cannot be read (EACCES on the way) from one that does not exist', () => {
    const eacces = Object.assign(
      new Error("EACCES: permission denied, realpath '/repo/node_modules/x/dist/x.js'"),
      {
        code: 'EACCES',
      },
    );
    expect(messageOf({ missing: eacces })).toBe(
      'cannot import plugin ns:x: module /repo/node_modules/x/dist/x.js of package x@1.0.0 cannot be read ' +
        "(EACCES: permission denied, realpath '/repo/node_modules/x/dist/x.js'); make it readable to this process",
    );
    const enoent = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    expect(messageOf({ missing: enoent })).toContain('does not exist; rebuild the package');
  });
});
