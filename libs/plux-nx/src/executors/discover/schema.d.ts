/** Options of the `@plux/nx:discover` executor (those of `plux discover`); see schema.json. */
export interface DiscoverExecutorSchema {
  /** The folder to scan, relative to the project root; default: the folder of the package's built entry. */
  path?: string;
  /** Globs (relative to the scanned folder) of the modules to import. */
  include?: string[];
  /** Globs (relative to the scanned folder) of modules never to import; exclude wins. */
  exclude?: string[];
  /** Where to write the index, relative to the project root; default: package.json's `plux` path, else `plux.json`. */
  output?: string;
  /** Fail when a module throws on import. */
  strict?: boolean;
  /** Write nothing; fail when the index on disk is stale. */
  check?: boolean;
  /** How long one module's import may take, in milliseconds; default `PLUX_IMPORT_TIMEOUT`, else 30,000. */
  importTimeout?: number;
}
