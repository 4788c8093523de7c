/**
 * Vitest setup file of @plux/nx's unit specs. The generator specs run on Nx's in-memory tree, whose root is the
 * made-up folder `/virtual`; Nx's native code then logs `NX workspace root does not exist: /virtual` straight to the
 * terminal, an expected line among the test results. Its native log is configured once, when the module loads, so
 * this runs before any spec imports `@nx/devkit`. The end-to-end specs start
 * their Nx processes without the NX_ variables of this one, so they log as usual.
 */
if (process.env['VITEST_POOL_ID'] !== undefined && !('NX_NATIVE_LOGGING' in process.env)) {
  process.env['NX_NATIVE_LOGGING'] = 'off';
}
