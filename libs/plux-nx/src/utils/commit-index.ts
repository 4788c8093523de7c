import { logger, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { requireFromPluxNx } from './plux-packages';

/** What {@link commitIndex} did about an index path that git would ignore. */
export interface CommitIndexResult {
  /** The ignore file a negation was added to, when the index was ignored. */
  unignoredIn?: string;
}

/**
 * Makes sure git would commit the project's index: the default of `@plux/nx`, because `plux-check` can only check
 * a committed index (Nx hashes no gitignored file) and the cached `plux-discover` target writes and restores the
 * same bytes. When the workspace's ignore files (`.gitignore`, `.nxignore`, cascading as git reads them) ignore
 * the index, a negation `!/<index>` goes into the project's own `.gitignore`, which git reads last.
 *
 * Nx's own ignore checker answers the question; where the installed Nx has none (before 23), nothing is changed.
 */
export function commitIndex(tree: Tree, projectRoot: string, indexPath: string): CommitIndexResult {
  const file = posix.join(projectRoot, indexPath);
  const checker = gitIgnoreChecker(tree);
  if (!checker?.isIgnoredFile(file)) return {};
  const ignoreFile = posix.join(projectRoot, '.gitignore');
  const text = tree.exists(ignoreFile) ? (tree.read(ignoreFile, 'utf8') ?? '') : '';
  const negation = `!/${posix.relative(projectRoot, file)}`;
  tree.write(
    ignoreFile,
    `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}` +
      `# plux's index is committed, so that plux-check can verify it\n${negation}\n`,
  );
  if (gitIgnoreChecker(tree)?.isIgnoredFile(file)) {
    // an ignored folder above the project: git cannot re-include a file below it
    logger.warn(
      `@plux/nx: git ignores ${file} and a negation in ${ignoreFile} cannot change that (a folder above it is ` +
        'ignored); plux-check needs a committed index',
    );
  }
  return { unignoredIn: ignoreFile };
}

interface IgnoreChecker {
  isIgnoredFile(path: string): boolean;
}

function gitIgnoreChecker(tree: Tree): IgnoreChecker | undefined {
  try {
    // Nx's checker (what visitNotIgnoredFiles uses) reads the ignore files from the tree, pending changes included.
    const internals = requireFromPluxNx('nx/src/devkit-internals') as {
      createGitIgnoreChecker?: (tree: Tree) => IgnoreChecker;
    };
    return internals.createGitIgnoreChecker?.(tree);
  } catch {
    return undefined;
  }
}
