import { readProjectConfiguration, type ProjectConfiguration, type Tree } from '@nx/devkit';

/** The project's configuration, or an error that says how to list the projects that exist. */
export function readProject(tree: Tree, projectName: string): ProjectConfiguration {
  try {
    return readProjectConfiguration(tree, projectName);
  } catch (error) {
    throw new Error(`@plux/nx: there is no project "${projectName}"; "nx show projects" lists them`, {
      cause: error,
    });
  }
}
