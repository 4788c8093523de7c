/** Options of `nx g @plux/nx:init`; see schema.json. */
export interface InitGeneratorSchema {
  /** The Nx project to configure. */
  project: string;
  /** Do not format the changed files. */
  skipFormat?: boolean;
}
