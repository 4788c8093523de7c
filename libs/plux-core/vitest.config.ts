import { readFileSync } from 'node:fs';

import { defineProject } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineProject({
  // what rolldown writes into the build (src/version.ts)
  define: { __PLUX_VERSION__: JSON.stringify(version) },
  test: {
    name: '@plux/core',
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 30_000,
    // hooks build and remove whole trees of packages: give them the time a loaded 2-core CI machine needs
    hookTimeout: 120_000,
  },
});
