import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['bench.spec.ts', 'harness.spec.ts'],
    // The spec runs `npm run bench -- --quick` once: a compile, a few hundred short processes and ~10 nx runs.
    // (a few minutes idle; it outlived 8 minutes at a load average of 30 on 2 cores)
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
