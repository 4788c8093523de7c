import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@plux/nx',
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 30_000,
    setupFiles: ['test/support/quiet-native-log.ts'],
  },
});
