import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo',
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    // the end-to-end specs run the built program: build and index it (through Nx, cached) once before them
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
