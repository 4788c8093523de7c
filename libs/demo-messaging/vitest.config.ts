import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@minicloud/messaging',
    include: ['src/**/*.spec.ts'],
  },
});
