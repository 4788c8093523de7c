import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example',
    include: ['example.spec.ts'],
    // real installs from the npm registry (dependencies of @plux/core, TypeScript), tsc, plux discover
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
