import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { UsageError, type CliIo } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One `plux` command: its help, its flags, and what it does. */
export interface Command<O extends Options = Options> {
  /** What `plux <name>` is called. */
  name: string;
  /** The full text of `plux <name> --help`. */
  help: string;
  /** Its flags, for `node:util` `parseArgs` (`--help` is added to every command). */
  options: O;
  /** How many positional arguments it takes at most. */
  maxPositionals: number;
  /** Runs the command with parsed arguments; returns the exit code. */
  run(args: ParsedArgs<O>, io: CliIo): Promise<number>;
}

/** Parsed flags and positionals of a command. */
export interface ParsedArgs<O extends Options> {
  values: {
    [K in keyof O]?: O[K] extends { type: 'boolean' }
      ? boolean
      : O[K] extends { multiple: true }
        ? string[]
        : string;
  };
  positionals: string[];
}

/** Declares a command (keeps the option types). */
export function defineCommand<O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/**
 * Parses a command's arguments strictly: an unknown flag, a flag without its value, a value given to a boolean
 * flag or too many positionals is a {@link UsageError}. Returns undefined when `--help` was asked for.
 */
export function parseCommandArgs<O extends Options>(
  command: Command<O>,
  argv: string[],
): ParsedArgs<O> | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error));
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  if (values['help']) return undefined;
  if (parsed.positionals.length > command.maxPositionals) {
    const extra = parsed.positionals.slice(command.maxPositionals).join(' ');
    throw new UsageError(
      command.maxPositionals === 0 ? `unexpected argument ${extra}` : `too many arguments: ${extra}`,
    );
  }
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.type === 'string' && (value === '' || (Array.isArray(value) && value.includes('')))) {
      throw new UsageError(`--${name} needs a non-empty value`);
    }
  }
  return parsed as unknown as ParsedArgs<O>;
}

/** Splits `a,b,{c,d}` on the commas that are not inside braces, so brace globs survive. */
export function splitList(values: readonly string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const items: string[] = [];
  for (const value of values) {
    let depth = 0;
    let current = '';
    for (const char of value) {
      if (char === '{') depth++;
      if (char === '}') depth = Math.max(0, depth - 1);
      if (char === ',' && depth === 0) {
        items.push(current);
        current = '';
      } else {
        current += char;
      }
    }
    items.push(current);
  }
  const globs = items.map((g) => g.trim());
  if (globs.some((g) => g === '')) throw new UsageError(`empty glob in ${JSON.stringify(values.join(','))}`);
  return globs;
}

/** Node's parseArgs messages, shortened to what a user needs. */
function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--[^ ']+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const boolean = /^Option '(?:-\w, )?(--[^ ']+)' does not take an argument/.exec(message);
  if (boolean) return `${boolean[1]} takes no value`;
  return message;
}

/** The nearest folder from `cwd` upwards that holds a package.json. */
export function findPackageRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
