import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { printable, UsageError, type CliIo } from './io.js';

/**
 * One flag of a command: how `parseArgs` reads it and how `--help` describes it. Help is generated from these
 * declarations, so the usage line and the option list cannot drift from what the command accepts.
 */
export interface OptionDeclaration {
  /** `string` takes a value, `boolean` does not. */
  type: 'string' | 'boolean';
  /** A one-letter alias (`-n`). */
  short?: string;
  /** The flag may be repeated; its values are collected in an array. */
  multiple?: boolean;
  /** The placeholder of its value in help (`<ns>`); string flags only. */
  value?: string;
  /** What it does, for help; `\n` starts a continuation line. */
  description: string;
  /** The command refuses to run without it (a usage error, exit 2). */
  required?: boolean;
}

/** A positional argument of a command, for help. */
export interface ArgumentDeclaration {
  /** Its name in the usage line (`package`). */
  name: string;
  /** What it is, for help; `\n` starts a continuation line. */
  description: string;
  /** The command cannot run without it (help shows it without brackets; the command itself refuses, exit 2). */
  required?: boolean;
}

type Options = Record<string, OptionDeclaration>;

/** One `plux` command: what it is, its flags and arguments (from which `--help` is generated), what it does. */
export interface Command<O extends Options = Options> {
  /** What `plux <name>` is called. */
  name: string;
  /** What it does, in paragraphs: help prints it under the usage line. */
  description: string;
  /** Its positional arguments, in order; none when absent. */
  arguments?: ArgumentDeclaration[];
  /** Its flags (`--help` is added to every command). */
  options: O;
  /** Paragraphs help prints after the options (a warning, say). */
  notes?: string;
  /** The exit codes, one per line (`0 listed`, `1 …`). */
  exitCodes: string[];
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
export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

const HELP_OPTION: OptionDeclaration = { type: 'boolean', short: 'h', description: 'show this help' };

/**
 * Parses a command's arguments strictly: an unknown flag, a flag without its value, a value given to a boolean
 * flag, a missing required flag or too many positionals is a {@link UsageError}. Returns undefined when `--help`
 * was asked for.
 */
export function parseCommandArgs<O extends Options>(
  command: Command<O>,
  argv: string[],
): ParsedArgs<O> | undefined {
  const options: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {};
  for (const [name, spec] of Object.entries({ ...command.options, help: HELP_OPTION })) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(error));
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  if (values['help']) return undefined;
  const maxPositionals = command.arguments?.length ?? 0;
  if (parsed.positionals.length > maxPositionals) {
    const extra = printable(parsed.positionals.slice(maxPositionals).join(' '));
    throw new UsageError(
      maxPositionals === 0 ? `unexpected argument ${extra}` : `too many arguments: ${extra}`,
    );
  }
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.type === 'string' && (value === '' || (Array.isArray(value) && value.includes('')))) {
      throw new UsageError(`--${name} needs a non-empty value`);
    }
    if (spec.required && value === undefined) throw new UsageError(`--${name} is required`);
  }
  return parsed as unknown as ParsedArgs<O>;
}

/** The text of `plux <command> --help`, generated from the command's declarations. */
export function commandHelp(command: Command): string {
  const args = command.arguments ?? [];
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const flag = `--${name}${spec.type === 'string' ? ` ${spec.value ?? '<value>'}` : ''}`;
    return spec.required ? flag : `[${flag}]`;
  });
  const usage = [
    'Usage: plux',
    command.name,
    ...flags,
    ...args.map((a) => (a.required ? a.name : `[${a.name}]`)),
  ];
  const sections = [wrapUsage(usage), command.description.trimEnd()];
  if (args.length) sections.push(`Arguments:\n${list(args.map((a) => [a.name, a.description]))}`);
  const options = Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, spec]) => {
    const short = spec.short === undefined ? '' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` ${spec.value ?? '<value>'}` : '';
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  sections.push(`Options:\n${list(options)}`);
  if (command.notes) sections.push(command.notes.trimEnd());
  const [first = '', ...rest] = command.exitCodes;
  sections.push([`Exit codes: ${first}`, ...rest.map((line) => `            ${line}`)].join('\n'));
  return `${sections.join('\n\n')}\n`;
}

/** `  name   description` rows, the descriptions aligned, continuation lines indented under them. */
function list(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([term]) => term.length)) + 2;
  return rows
    .map(([term, text]) =>
      text
        .split('\n')
        .map((line, i) => `  ${(i === 0 ? term : '').padEnd(width)}${line}`)
        .join('\n'),
    )
    .join('\n');
}

/** The usage line, wrapped at 100 columns with continuation lines under the command name. */
function wrapUsage(words: string[]): string {
  const indent = ' '.repeat(`${words[0]} ${words[1]} `.length);
  const lines: string[] = [];
  let line = `${words[0]} ${words[1]}`;
  for (const word of words.slice(2)) {
    if (line.length + 1 + word.length > 100) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  return [...lines, line].join('\n');
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
  if (globs.some((g) => g === '')) throw new UsageError(`empty glob in ${printable(values.join(','))}`);
  return globs;
}

/** Node's parseArgs messages, shortened to what a user needs. */
function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${printable(unknown[1]!)}`;
  const missing = /^Option '(?:-\w, )?(--[^ ']+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const boolean = /^Option '(?:-\w, )?(--[^ ']+)' does not take an argument/.exec(message);
  if (boolean) return `${boolean[1]} takes no value`;
  return printable(message);
}

/** The nearest folder from `cwd` upwards that holds a package.json. */
export function findPackageRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The folder a command acts on: `--cwd` resolved against the current folder, or the current folder.
 *
 * @throws UsageError when `--cwd` names a folder that does not exist (or is not a folder): a typo must not pass as
 *   an empty result.
 */
export function resolveCwd(io: CliIo, cwd: string | undefined): string {
  return cwd === undefined ? io.cwd : resolveFolder(io, '--cwd', cwd);
}

/**
 * A folder given on the command line (`--cwd`, `--root`), resolved against the current folder.
 *
 * @throws UsageError naming the flag when the folder does not exist or is not a folder.
 */
export function resolveFolder(io: CliIo, flag: string, value: string): string {
  const dir = resolve(io.cwd, value);
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${flag} ${printable(value)}: no such folder`);
  }
  if (!isFolder) throw new UsageError(`${flag} ${printable(value)}: not a folder`);
  return dir;
}
