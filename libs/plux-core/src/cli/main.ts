/**
 * The `plux` command. Thin by design: it parses arguments, calls `build/` and `runtime/`, and prints. Each command
 * lives in `commands/` and is imported only when it runs, so `plux --help` loads next to nothing.
 */
import { readFileSync } from 'node:fs';

import { commandHelp, parseCommandArgs, type Command } from './command.js';
import { describeError, EXIT, printable, processIo, Reporter, UsageError, type CliIo } from './io.js';

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

// A getter per command, not one shared loader: `import()` of a literal path keeps each command in its own module
// for bundlers and tsc, so the entries below repeat their shape on purpose.
const COMMANDS: Record<string, CommandEntry> = {
  discover: {
    summary: "index a package's plugins: import its build output and write plux.json",
    load: async () => (await import('./commands/discover.js')).discoverCommand as Command,
  },
  explain: {
    summary: 'why a plugin is or is not there: its package, shadowing, skipped entries, disabling rules',
    load: async () => (await import('./commands/explain.js')).explainCommand as Command,
  },
  list: {
    summary: 'list every plugin visible from the current folder',
    load: async () => (await import('./commands/list.js')).listCommand as Command,
  },
  resolve: {
    summary: 'import and resolve every plugin of a namespace to its spec (--load: also load each)',
    load: async () => (await import('./commands/resolve.js')).resolveCommand as Command,
  },
  types: {
    summary: 'write the PluginRegistry types of every visible plugin (typed namespaces)',
    load: async () => (await import('./commands/types.js')).typesCommand as Command,
  },
  show: {
    summary: "print a package's index",
    load: async () => (await import('./commands/show.js')).showCommand as Command,
  },
};

/**
 * Runs `plux` with the arguments after the executable (`process.argv.slice(2)`) and returns the exit code:
 * 0 success, 1 a failure the command reports, 2 bad usage.
 *
 * @param io where output goes and which folder the commands act on; default: the process's own.
 * @example
 * ```ts
 * process.exitCode = await main(['list', '--namespace', 'acme.services']);
 * ```
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const report = new Reporter(io);
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(generalHelp());
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(generalHelp());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') return help(rest, io);
  const entry = commandEntry(first);
  if (!entry) {
    const what = first.startsWith('-')
      ? `unknown option ${printable(first)}`
      : `unknown command "${printable(first)}"`;
    report.error(noSuchCommand(what));
    report.detail("Run 'plux --help' for usage.");
    return EXIT.usage;
  }
  const command = await entry.load();
  try {
    const args = parseCommandArgs(command, rest);
    if (!args) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      report.error(`plux ${command.name}: ${error.message}`);
      report.detail(`Run 'plux ${command.name} --help' for usage.`);
      return EXIT.usage;
    }
    report.error(
      io.env['PLUX_LOG'] === 'debug' && error instanceof Error ? (error.stack ?? '') : describeError(error),
    );
    return EXIT.failure;
  }
}

async function help(args: string[], io: CliIo): Promise<number> {
  const [name] = args;
  if (name === undefined) {
    io.stdout.write(generalHelp());
    return EXIT.ok;
  }
  const entry = commandEntry(name);
  if (!entry) {
    new Reporter(io).error(noSuchCommand(`unknown command "${printable(name)}"`));
    return EXIT.usage;
  }
  io.stdout.write(commandHelp(await entry.load()));
  return EXIT.ok;
}

/** The command called `name`; own keys only, so `plux toString` is unknown rather than a crash. */
function commandEntry(name: string): CommandEntry | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** The error for an argument that names no command (`what`: `unknown command "x"`), listing the commands. */
function noSuchCommand(what: string): string {
  return `${what}; the commands are ${Object.keys(COMMANDS).join(', ')}`;
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: plux <command> [options]

plux finds plugins by namespace at run time without importing them, and indexes them at build time.

Commands:
${commands.join('\n')}

Options:
  -h, --help     show help (also: plux <command> --help)
  -v, --version  print the version of @plux/core

Exit codes: 0 success (also when a reader closes stdout early), 1 a failure the command reports, 2 bad usage.
Diagnostics go to stderr; PLUX_LOG=silent|error|warn|debug sets how many.
`;
}

function version(): string {
  const path = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
