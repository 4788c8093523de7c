import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'readme',
    include: ['readme.spec.ts', 'docs.spec.ts'],
    // two tsc compiles and a discovery, each a fresh process
    testTimeout: 120_000,
  },
});
