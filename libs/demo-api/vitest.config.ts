import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@minicloud/api',
    include: ['src/**/*.spec.ts'],
  },
});
