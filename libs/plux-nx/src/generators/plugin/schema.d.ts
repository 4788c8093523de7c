/** Options of `nx g @plux/nx:plugin`; see schema.json. */
export interface PluginGeneratorSchema {
  /** The plugin's name within its namespace: not empty, no ":" or whitespace. */
  name: string;
  /** The Nx project that gets the plugin. */
  project: string;
  /** The plugin's namespace: dotted identifiers. */
  namespace: string;
  /** A Plugin subclass, a plugin() function, or a PluginSpec. Default `class`. */
  kind?: 'class' | 'function' | 'spec';
  /** The folder for the module, relative to the project's source root. Default `plugins`. */
  directory?: string;
  /** The test runner to write the spec for; default: the project's own (none when it has none). */
  unitTestRunner?: 'vitest' | 'jest' | 'none';
  /** Do not format the files. */
  skipFormat?: boolean;
}
