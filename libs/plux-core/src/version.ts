// Replaced by the build (rolldown's `define`, vitest's `define`) with the version in package.json, so reading the
// version costs no file read at run time.
declare const __PLUX_VERSION__: string;

/** The version of `@plux/core` (plux's `__version__`). */
export const version: string = typeof __PLUX_VERSION__ === 'string' ? __PLUX_VERSION__ : '0.0.0-dev';
