/**
 * `@plux/core/build`: build-time discovery. Imports a package's built modules, collects its plugins and writes
 * `plux.json`. The `plux discover` command and the Nx executor `@plux/nx:discover` are two faces of this one API.
 *
 * Discovery runs the package's code, like a test runner does; keep modules with side effects on import out of it
 * with `exclude`.
 *
 * @packageDocumentation
 */
export {
  discoverPlugins,
  type DiscoverOptions,
  type DiscoverResult,
  type DiscoveryFailure,
} from './discover.js';
export { DiscoveryError } from './errors.js';
export { diffIndex, isEmptyDiff, type IndexDiff } from './diff.js';
export { runDiscover, type RunDiscoverOptions, type RunDiscoverResult } from './run-discover.js';
export { serializeIndex, parseIndex, type IndexedPlugin } from '../core/plux-index.js';
