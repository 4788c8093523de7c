import { parseArgs } from 'node:util';

import { PluginNotFound } from '@plux/core';

import { createCommandManager, UsageError, type CommandIO } from './command.js';
import { usage } from './commands/help.js';
import { appVersion } from './paths.js';
import { createStyle } from './term.js';

/**
 * Runs `minicloud <command> [options]`: finds the command among the plugins of `minicloud.commands`, parses its
 * options and runs it. Stops a long-running command (serve) on SIGINT or SIGTERM.
 *
 * @returns the exit code: 0 success, 1 a failure the command reported, 2 bad usage.
 */
export async function main(argv: readonly string[], io: Partial<CommandIO> = {}): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const full: CommandIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    signal: io.signal ?? controller.signal,
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    return await run(argv, full);
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

async function run(argv: readonly string[], io: CommandIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const name = first === undefined || first === '--help' || first === '-h' ? 'help' : first;
  const errors = createStyle(io.stderr, io.env);
  const commands = createCommandManager();
  if (commands.listNames().length === 0) {
    io.stderr.write(
      `minicloud: no commands found: minicloud's plux.json is missing or empty; ` +
        'run `npx nx run demo:plux-discover` (or `npm run demo`) to index its plugins\n',
    );
    return 1;
  }
  let command;
  try {
    command = await commands.load(name);
  } catch (error) {
    if (!(error instanceof PluginNotFound)) throw error;
    io.stderr.write(
      `${errors.red('minicloud:')} unknown command ${name}; commands: ${commands.listNames().sort().join(', ')}\n`,
    );
    return 2;
  }
  const { info } = command.fn;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(
          Object.entries(info.options ?? {}).map(([long, { description: _, ...option }]) => [long, option]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`${errors.red(`minicloud ${name}:`)} ${(error as Error).message}\n`);
    io.stderr.write(`${usage(name, info, errors).join('\n')}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(`${usage(name, info, createStyle(io.stdout, io.env)).join('\n')}\n`);
    return 0;
  }
  try {
    return await command.call({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${errors.red(`minicloud ${name}:`)} ${error.message}\n`);
    io.stderr.write(`${usage(name, info, errors).join('\n')}\n`);
    return 2;
  }
}
