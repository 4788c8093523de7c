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

/** How long discovery waits for one module's import by default, in milliseconds. */
export const DEFAULT_IMPORT_TIMEOUT_MS = 30_000;

/** Why an import could not be trusted: the module ended the process, or its import never settled. */
export type ImportVerdict =
  | { kind: 'exit'; code: string | number | null | undefined }
  | { kind: 'stalled'; reason: 'idle' | 'timeout' };

/** Thrown by {@link importModuleGuarded} when a module called `process.exit()` or its import did not settle. */
export class ImportNotTrusted extends Error {
  constructor(readonly verdict: ImportVerdict) {
    super(
      verdict.kind === 'exit'
        ? `called process.exit(${verdict.code ?? ''})`
        : verdict.reason === 'idle'
          ? 'its import never settles (a top-level await on something that never happens)'
          : 'its import did not settle in time',
    );
    this.name = 'ImportNotTrusted';
  }
}

/**
 * {@link importModule} with the process protected from the module, as a test runner protects itself from a test:
 *
 * - `process.exit()` called while the module is imported throws instead of ending the process, and the import
 *   fails with {@link ImportNotTrusted} even when the module catches what was thrown;
 * - an import that cannot settle fails instead of hanging or silently ending the process: when the event loop
 *   empties while it is pending (`beforeExit`), at once; otherwise after `timeoutMs`;
 * - what the module writes to stdout (`console.log`, `process.stdout.write`) goes to stderr, so stdout stays data.
 */
export async function importModuleGuarded(
  file: string,
  options: { timeoutMs: number },
): Promise<Record<string, unknown>> {
  const exit = process.exit;
  const stdoutWrite = process.stdout.write;
  let exitCalled: ImportVerdict | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onIdle: (() => void) | undefined;
  process.exit = ((code?: string | number | null) => {
    exitCalled ??= { kind: 'exit', code };
    throw new ImportNotTrusted(exitCalled);
  }) as typeof process.exit;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    const stalled = new Promise<never>((_, reject) => {
      onIdle = () => reject(new ImportNotTrusted({ kind: 'stalled', reason: 'idle' }));
      process.once('beforeExit', onIdle);
      timer = setTimeout(
        () => reject(new ImportNotTrusted({ kind: 'stalled', reason: 'timeout' })),
        options.timeoutMs,
      ).unref();
    });
    let namespace: Record<string, unknown>;
    try {
      namespace = await Promise.race([importModule(file), stalled]);
    } catch (error) {
      if (exitCalled) throw new ImportNotTrusted(exitCalled);
      throw error;
    }
    if (exitCalled) throw new ImportNotTrusted(exitCalled);
    return namespace;
  } finally {
    clearTimeout(timer);
    if (onIdle) process.removeListener('beforeExit', onIdle);
    process.exit = exit;
    process.stdout.write = stdoutWrite;
  }
}
