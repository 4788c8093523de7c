/**
 * `npm run bench [-- --quick] [--rounds N] [--only R1,B1] [--out file] [--keep] [--profile]`
 *
 * Generates the fixtures in a temp folder, measures every figure against its baseline in the same run,
 * prints the table, and writes the raw runs as JSON. Exits non-zero only when the benchmark itself fails (a case
 * crashed or gave a wrong answer), never because a target was missed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { formatTable } from './report.js';
import { runBenchmark } from './run.js';

const USAGE = `usage: npm run bench -- [options]
  --quick          small shapes and 3 rounds: every figure in under a minute
  --rounds N       measured rounds per figure, after one discarded warm-up (default 11, quick 3)
  --only IDS       comma-separated figure ids, e.g. R1,R6a,B1
  --out FILE       where to write the raw runs as JSON (default .bench/results.json)
  --keep           keep the generated fixtures (their folder is printed)
  --profile        also run each in-process subject once with --cpu-prof (into .bench/profiles/<id>/)`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        keep: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = values.rounds === undefined ? (values.quick ? 3 : 11) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`bench: --rounds must be a positive integer, got ${values.rounds}\n${USAGE}`);
    return 2;
  }

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  for (const file of ['libs/plux-core/dist/index.js', 'libs/plux-core/dist/build/index.js']) {
    if (!existsSync(join(repoRoot, file))) {
      console.error(
        `bench: ${file} is missing; the benchmark measures the built package, run \`npm run build\` first`,
      );
      return 1;
    }
  }
  const stale = staleSources(join(repoRoot, 'libs', 'plux-core'));
  if (stale.length > 0) {
    console.error(
      `bench: warning: libs/plux-core/dist is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}; ` +
        'the figures describe the last build, run `npm run build` to measure the current code',
    );
  }
  const out = resolve(repoRoot, values.out ?? '.bench/results.json');
  const tmp = mkdtempSync(join(tmpdir(), 'plux-bench-'));
  const log = (message: string) => console.error(`bench: ${message}`);
  try {
    const report = await runBenchmark({
      repoRoot,
      tmp,
      quick: values.quick,
      rounds,
      only: values.only?.split(',').map((id) => id.trim()),
      profileDir: values.profile ? join(repoRoot, '.bench', 'profiles') : undefined,
      log,
    });
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    report.meta['command'] = command;
    report.meta['staleBuild'] = stale;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    const m = report.meta;
    console.log(
      `\n${command} — node ${String(m['node'])}, ${String(m['cpus'])} cores, commit ${String(m['commit'])}, ` +
        `${String(m['date'])}, ${rounds} rounds (median over fresh processes)\n`,
    );
    console.log(formatTable(report.results));
    console.log(`\nraw runs: ${out}`);
    const errors = report.results.filter((r) => r.verdict === 'error');
    if (errors.length > 0) {
      console.error(
        `bench: ${errors.length} figure(s) failed to measure: ${errors.map((r) => r.id).join(', ')}`,
      );
      return 1;
    }
    return 0;
  } finally {
    if (values.keep) log(`fixtures kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

/** Source files of the package changed after its `dist/index.js` was built (specs excluded). */
function staleSources(packageDir: string): string[] {
  const built = statSync(join(packageDir, 'dist', 'index.js')).mtimeMs;
  const src = join(packageDir, 'src');
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.spec.ts') &&
        statSync(path).mtimeMs > built
      ) {
        stale.push(relative(packageDir, path));
      }
    }
  };
  walk(src);
  return stale;
}

process.exitCode = await main(process.argv.slice(2));
