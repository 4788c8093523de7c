import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';

import { printable } from '../core/printable.js';
import { DiscoveryError } from './errors.js';

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
async function importForDiscovery(file: string): Promise<Record<string, unknown>> {
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

/**
 * The import timeout: `option` (discovery's `importTimeout`), else `PLUX_IMPORT_TIMEOUT`, else the default.
 *
 * @throws DiscoveryError when the value is not a positive whole number of milliseconds.
 */
export function importTimeoutOf(option: number | undefined): number {
  const fromEnv = process.env['PLUX_IMPORT_TIMEOUT'];
  const [value, source] =
    option !== undefined
      ? [option, 'the import timeout']
      : fromEnv !== undefined && fromEnv !== ''
        ? [Number(fromEnv), 'PLUX_IMPORT_TIMEOUT']
        : [DEFAULT_IMPORT_TIMEOUT_MS, 'the default import timeout'];
  if (!Number.isInteger(value) || value <= 0) {
    const shown = source === 'PLUX_IMPORT_TIMEOUT' ? `"${printable(fromEnv ?? '')}"` : String(value);
    throw new DiscoveryError(`${source} must be a positive whole number of milliseconds, got ${shown}`);
  }
  return value;
}

/** Why an import could not be trusted: the module ended the process, or its import never settled. */
export type ImportVerdict =
  | { kind: 'exit'; code: string | number | null | undefined }
  | { kind: 'stalled'; reason: 'idle' | 'timeout' };

/** Thrown by {@link ImportGuard.import} when a module called `process.exit()` or its import did not settle. */
export class ImportNotTrusted extends Error {
  constructor(readonly verdict: ImportVerdict) {
    super(
      verdict.kind === 'exit'
        ? `called process.exit(${String(verdict.code ?? '')})`
        : verdict.reason === 'idle'
          ? 'its import never settles (a top-level await on something that never happens)'
          : 'its import did not settle in time',
    );
    this.name = 'ImportNotTrusted';
  }
}

/** Why `module` (relative to the package root) cannot be trusted, in one line that says what to do. */
export function describeUntrusted(module: string, error: ImportNotTrusted, timeoutMs: number): string {
  const { verdict } = error;
  if (verdict.kind === 'exit') {
    return `${module}: process.exit(${String(verdict.code ?? '')}) was called while it was imported`;
  }
  if (verdict.reason === 'idle') {
    return `${module}: its import never settles: a top-level await waits for something that never happens`;
  }
  return (
    `${module}: its import did not settle within ${timeoutMs} ms; ` +
    'raise the limit with the import timeout (--import-timeout, PLUX_IMPORT_TIMEOUT) if it is only slow'
  );
}

/**
 * Protects the process from the modules discovery imports, as a test runner protects itself from a test, from
 * construction until {@link ImportGuard.dispose}:
 *
 * - `process.exit()` does not end the process. Called by the module being imported (its top-level code, or code
 *   it awaits), it throws, so the module stops there, and that import fails with {@link ImportNotTrusted}, even
 *   when the module catches what was thrown. Called from elsewhere (a timer an earlier module set), it returns
 *   and is recorded in {@link ImportGuard.lateExits} with the module whose code called it: an
 *   `AsyncLocalStorage` follows each import into the code it runs, timers and callbacks included.
 * - an import that cannot settle fails instead of hanging or silently ending the process: when the event loop
 *   empties while it is pending (`beforeExit`), at once; otherwise after the timeout.
 * - what anything writes to stdout (`console.log`, `process.stdout.write`) goes to stderr, so stdout stays data.
 */
export class ImportGuard {
  /** `process.exit()` calls not made by the module being imported: the module whose code made it, and the code. */
  readonly lateExits: { module: string; code: string | number | null | undefined }[] = [];
  readonly #exit = process.exit;
  readonly #stdoutWrite = process.stdout.write;
  readonly #context = new AsyncLocalStorage<string>();
  #importing: { label: string; exit?: ImportVerdict } | undefined;
  #last = '';

  constructor(private readonly options: { timeoutMs: number }) {
    process.exit = ((code?: string | number | null) => {
      const from = this.#context.getStore();
      const importing = this.#importing;
      if (!importing || from !== importing.label) {
        this.lateExits.push({ module: from ?? this.#last, code });
        return undefined as never;
      }
      importing.exit ??= { kind: 'exit', code };
      throw new ImportNotTrusted(importing.exit);
    }) as typeof process.exit;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  }

  /** Imports one module (`label` names it in {@link ImportGuard.lateExits}); see {@link importForDiscovery}. */
  async import(file: string, label: string): Promise<Record<string, unknown>> {
    const importing: { label: string; exit?: ImportVerdict } = { label };
    this.#importing = importing;
    this.#last = label;
    let timer: NodeJS.Timeout | undefined;
    let onIdle: (() => void) | undefined;
    try {
      const stalled = new Promise<never>((_, reject) => {
        onIdle = () => reject(new ImportNotTrusted({ kind: 'stalled', reason: 'idle' }));
        process.once('beforeExit', onIdle);
        timer = setTimeout(
          () => reject(new ImportNotTrusted({ kind: 'stalled', reason: 'timeout' })),
          this.options.timeoutMs,
        ).unref();
      });
      let namespace: Record<string, unknown>;
      try {
        namespace = await Promise.race([this.#context.run(label, () => importForDiscovery(file)), stalled]);
      } catch (error) {
        if (importing.exit) throw new ImportNotTrusted(importing.exit);
        throw error;
      }
      if (importing.exit) throw new ImportNotTrusted(importing.exit);
      return namespace;
    } finally {
      this.#importing = undefined;
      clearTimeout(timer);
      if (onIdle) process.removeListener('beforeExit', onIdle);
    }
  }

  /** Gives the process back its own `process.exit` and stdout. */
  dispose(): void {
    this.#context.disable();
    process.exit = this.#exit;
    process.stdout.write = this.#stdoutWrite;
  }
}
