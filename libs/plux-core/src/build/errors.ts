/**
 * Raised when discovery cannot produce a trustworthy index: two exports claim one (namespace, name), a plugin has
 * a name the index cannot hold, a module threw on import under `strict`, or there is no folder to scan.
 *
 * The message names every module and export involved and what to do; `problems` holds the same lines one by one,
 * for faces (the CLI, the Nx executor) that print them their own way.
 *
 * @example
 * ```ts
 * try {
 *   await discoverPlugins({ root });
 * } catch (error) {
 *   if (error instanceof DiscoveryError) for (const line of error.problems) console.error(line);
 *   else throw error;
 * }
 * ```
 */
export class DiscoveryError extends Error {
  /** One line per problem, each naming the module (relative to the package root) and export it is about. */
  readonly problems: readonly string[];

  constructor(message: string, options?: { problems?: readonly string[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DiscoveryError';
    this.problems = options?.problems ?? [message];
  }

  /** Builds the error from a list of problems: the message is a headline followed by one problem per line. */
  static fromProblems(headline: string, problems: readonly string[], cause?: unknown): DiscoveryError {
    const message = `${headline}\n${problems.map((p) => `  - ${p}`).join('\n')}`;
    return new DiscoveryError(message, { problems, cause });
  }
}
