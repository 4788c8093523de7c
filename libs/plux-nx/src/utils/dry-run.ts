/**
 * Whether `nx g` runs with `--dry-run` (`-d`, `--dryRun`). Nx keeps the flag from the generator's options and only
 * skips writing the tree afterwards, so a generator that wants to word its log ("would add" rather than "added")
 * has to read the command line.
 */
export function isDryRun(argv: readonly string[] = process.argv): boolean {
  let dryRun = false;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg === '-d' || arg === '--dry-run' || arg === '--dryRun') dryRun = true;
    else if (arg === '--no-dry-run' || arg === '--no-dryRun') dryRun = false;
    else {
      const value = /^--(?:dry-run|dryRun)=(.*)$/.exec(arg)?.[1];
      if (value !== undefined) dryRun = value !== 'false';
    }
  }
  return dryRun;
}
