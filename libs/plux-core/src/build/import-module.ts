import { pathToFileURL } from 'node:url';

/**
 * Node's own `import()`, hidden from compilers.
 *
 * Discovery must import the package's modules with a real dynamic `import()` of a file URL: that is the only way
 * to load ESM with top-level `await`, `.mjs` and `.cjs` alike. This file is ESM in `dist/`, where a plain
 * `import()` would do, but the Nx executor may load `@plux/core/build` through Nx's swc transpiler, which compiles
 * to CommonJS and rewrites `import(x)` into `require(x)`, which cannot load a file URL or a module with top-level
 * `await`. A function built from a string is never rewritten, so both ways of loading this file import alike.
 * Nothing but this one line needs the trick.
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** Imports the module at an absolute file path and returns its namespace object. */
export function importModule(file: string): Promise<Record<string, unknown>> {
  return nativeImport(pathToFileURL(file).href);
}
