/** Options of `nx g @plux/nx:init`; see schema.json. */
export interface InitGeneratorSchema {
  /** An Nx project to configure for plux as well; without it, only the workspace is set up. */
  project?: string;
  /** Do not raise a version of `@plux/core` the root package.json already declares (`nx add` passes it). */
  keepExistingVersions?: boolean;
  /** Do not add `@plux/core` to the root package.json. */
  skipPackageJson?: boolean;
  /** Do not format the changed files. */
  skipFormat?: boolean;
}
