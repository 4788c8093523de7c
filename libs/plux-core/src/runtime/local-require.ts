/**
 * `require` for the dependencies `@plux/core` loads on first use only (`picomatch`, `@manypkg/get-packages`).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * A `require` that resolves from this module's file. A bundler that turns `@plux/core` into CommonJS leaves no
 * `import.meta.url` (esbuild replaces `import.meta` with `{}`, and `createRequire(undefined)` throws); there the
 * bundle's own file (`__filename`) takes its place, and where neither exists, the current folder.
 */
export function localRequire(): NodeJS.Require {
  const url = (import.meta as { url?: string }).url;
  if (url) return createRequire(url);
  return createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js'));
}
