import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@plux/core',
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 30_000,
    // hooks build and remove whole trees of packages: give them the time a loaded 2-core CI machine needs
    hookTimeout: 120_000,
  },
});
