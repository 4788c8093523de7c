import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['bench.spec.ts'],
    // The spec runs `npm run bench -- --quick` once: a compile, a few hundred short processes and ~10 nx runs.
    testTimeout: 480_000,
    hookTimeout: 480_000,
  },
});
