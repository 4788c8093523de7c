import { pathToFileURL } from 'node:url';

type Import = (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Node's own `import()`, out of reach of compilers. A CommonJS compiler (swc, as Nx's transpiler runs it) rewrites
 * `import(x)` into `require(x)`, which cannot load a file URL or a module with top-level `await`; a function built
 * from a string is never rewritten.
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as Import;

/** `import()` as this module was compiled: native in `dist/` (ESM), the host's loader under vitest or Jest. */
const compiledImport: Import = (specifier) => import(specifier) as Promise<Record<string, unknown>>;

let importer: Import | undefined;

/**
 * Imports the module at an absolute file path and returns its namespace object, with a real dynamic `import()` of
 * a file URL: the only way to load ESM with top-level `await`, `.mjs` and `.cjs` alike, and whatever compiled
 * this file, CommonJS included.
 *
 * Node's `import()` is used through {@link nativeImport}; where the host evaluates code through `vm` (vitest, Jest),
 * such a function has no module to import from and fails with `ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING`, and the
 * compiled `import()` (the host's own loader) takes over for the rest of the process.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (importer) return importer(url);
  try {
    const namespace = await nativeImport(url);
    importer = nativeImport;
    return namespace;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw error;
    importer = compiledImport;
    return importer(url);
  }
}
