import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@plux/nx',
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 30_000,
    setupFiles: ['test/support/quiet-native-log.ts'],
    // hooks create and remove whole Nx workspaces: give them the time a loaded 2-core CI machine needs
    hookTimeout: 120_000,
  },
});
