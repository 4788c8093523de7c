import { readJson, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';

/** The test runners the generator writes a spec for; `none` writes none. */
export const TEST_RUNNERS = ['vitest', 'jest', 'none'] as const;
export type TestRunner = (typeof TEST_RUNNERS)[number];

/**
 * The project's test runner, decided as Nx's own generators decide it: the `unitTestRunner` option when given, else
 * the project's config files (`vitest.config.*`, `vite.config.*`, `jest.config.*`), else what its targets run (an
 * executor or command naming vitest or jest, in project.json or package.json `scripts`). A project with none of
 * these has no test runner: a spec there would only break its `tsc` build (`Cannot find module 'vitest'`).
 */
export function detectTestRunner(
  tree: Tree,
  project: ProjectConfiguration,
  option?: TestRunner,
): { runner: TestRunner; reason: string } {
  if (option) return { runner: option, reason: '--unitTestRunner' };
  for (const file of tree.children(project.root)) {
    if (/^(vitest|vite)\.config\.[cm]?[jt]s$/.test(file)) return { runner: 'vitest', reason: file };
    if (/^jest\.config\.([cm]?[jt]s|json)$/.test(file)) return { runner: 'jest', reason: file };
  }
  const commands: [string, string][] = Object.entries(project.targets ?? {}).map(([name, target]) => [
    `target ${name}`,
    `${target.executor ?? ''} ${JSON.stringify(target.options ?? {})}`,
  ]);
  const packageJson = posix.join(project.root, 'package.json');
  if (tree.exists(packageJson)) {
    const scripts = readJson<{ scripts?: Record<string, string> }>(tree, packageJson).scripts ?? {};
    commands.push(
      ...Object.entries(scripts).map(([name, command]): [string, string] => [`script ${name}`, command]),
    );
  }
  for (const [runner, pattern] of RUNNER_COMMANDS) {
    const found = commands.find(([, command]) => pattern.test(command));
    if (found) return { runner, reason: found[0] };
  }
  return { runner: 'none', reason: 'no vitest or jest config, target or script' };
}

/** A command or executor that runs the runner: `vitest run`, `@nx/vite:test`, `@nx/vitest:test`, `jest`, `@nx/jest:jest`. */
const RUNNER_COMMANDS: [TestRunner, RegExp][] = [
  ['vitest', /(^|[^\w-])vitest\b|@nx\/vite:test\b/],
  ['jest', /(^|[^\w-])jest\b/],
];
