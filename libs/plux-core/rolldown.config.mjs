// @ts-check
/**
 * The JavaScript of `dist/`: three entries bundled by rolldown (`tsc -p tsconfig.lib.json` writes only the .d.ts).
 *
 * Why bundle: the cost of `import('@plux/core')` is the number of ES modules it loads (about 1 ms each to resolve,
 * read, compile and link), not their code. Compiled file by file, the entry loaded 19 modules; bundled, it loads
 * three files: `index.js`, `chunks/runtime.js` and rolldown's tiny helper chunk (the benchmark's figure R5).
 *
 * - Every module of `src/core/`, `src/runtime/` and `src/utils/` goes into one shared chunk, `chunks/runtime.js`,
 *   which the build entry and the CLI import too: `PluginSpec`, `Plugin` and the errors exist once in the package,
 *   and the small shared helpers cost no module of their own.
 * - Dynamic imports stay lazy: each CLI command is its own chunk, loaded when it runs; build-time code
 *   (`chunks/build.js`) is reached only from `build/index.js` and the `discover` command.
 * - `@manypkg/get-packages`, `jsonc-parser`, `picomatch` and Node's builtins stay external: installed dependencies, loaded where
 *   the source loads them (the first two on first use, through `createRequire`).
 * - `keepNames`: error kinds are class names (`this.name = new.target.name`), so a class renamed to avoid a clash
 *   inside a chunk must still report its own name.
 */
import { readFileSync } from 'node:fs';

import { defineConfig } from 'rolldown';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  input: {
    index: 'src/index.ts',
    'build/index': 'src/build/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  platform: 'node',
  tsconfig: 'tsconfig.lib.json',
  external: [/^node:/, '@manypkg/get-packages', 'jsonc-parser', 'picomatch'],
  // `version` is written into the code, so `import { version } from '@plux/core'` reads no package.json.
  transform: { target: 'es2022', define: { __PLUX_VERSION__: JSON.stringify(version) } },
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name].js',
    sourcemap: true,
    keepNames: true,
    cleanDir: true,
    codeSplitting: {
      groups: [{ name: 'runtime', test: /[\\/]src[\\/](core|runtime|utils)[\\/]/ }],
    },
  },
});
