import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@minicloud/storage',
    include: ['src/**/*.spec.ts'],
  },
});
