import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['bench.spec.ts'],
    // The spec runs `npm run bench -- --quick` once: a compile and a few hundred short processes.
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
