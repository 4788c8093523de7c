import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.{ts,mts}', 'apps/*/vitest.config.ts', 'tools/*/vitest.config.ts'],
  },
});
