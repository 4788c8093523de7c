import type { ParseArgsConfig } from 'node:util';

import {
  createRouter,
  PORT_ENV,
  readConfig,
  SERVICES_ENV,
  type MinicloudConfig,
  type ServiceRouter,
} from '@minicloud/api';
import { plugin, PluginManager, type FunctionPlugin, type PluginSpec } from '@plux/core';

import { appRoot, appVersion } from './paths.js';
import type { PluginReport } from './report.js';
import { describeListenError, startServer, type MinicloudServer, type StartServerOptions } from './server.js';
import { loadServices, unknownServicesWarning, type ServiceRow } from './services.js';
import { createStyle, type Output, type Style } from './term.js';

/** The plux namespace of minicloud's CLI commands: `minicloud <name>` loads the plugin `<name>` and runs it. */
export const COMMANDS_NAMESPACE = 'minicloud.commands';

/** What a command works with: where to write, the environment, and a signal that asks it to stop. */
export interface CommandIO {
  /** Where data and results go. */
  readonly stdout: Output;
  /** Where diagnostics go. */
  readonly stderr: Output;
  /** The environment (configuration is read from it). */
  readonly env: Record<string, string | undefined>;
  /** Aborted when the process is asked to stop (Ctrl-C, SIGTERM). */
  readonly signal: AbortSignal;
}

/** A command's parsed arguments. */
export interface CommandArgs {
  /** The options, by long name. */
  readonly values: Record<string, string | boolean | undefined>;
  /** The arguments that are not options. */
  readonly positionals: string[];
}

/** How a command presents itself in `minicloud help`. */
export interface CommandInfo {
  /** One line saying what the command does. */
  summary: string;
  /** The arguments after the command's name, e.g. `<method> <path> [body]`. */
  usage?: string;
  /** Its options, in `util.parseArgs` form, each with a description. */
  options?: Record<string, NonNullable<ParseArgsConfig['options']>[string] & { description: string }>;
}

/** A command: the function a command plugin wraps, carrying its {@link CommandInfo}. */
export type Command = ((args: CommandArgs, io: CommandIO) => Promise<number>) & {
  readonly info: CommandInfo;
};

/** The plugin type of `minicloud.commands`. */
export type CommandPlugin = FunctionPlugin<Command>;

/**
 * Declares a command as a plux function plugin in `minicloud.commands`.
 *
 * @example
 * ```ts
 * export const hello = defineCommand('hello', { summary: 'greets' }, async (_args, io) => {
 *   io.stdout.write('hello\n');
 *   return 0;
 * });
 * ```
 */
export function defineCommand(
  name: string,
  info: CommandInfo,
  run: (args: CommandArgs, io: CommandIO) => Promise<number>,
): Command & { readonly pluginSpec: PluginSpec<CommandPlugin> } {
  const command = plugin({ namespace: COMMANDS_NAMESPACE, name }, Object.assign(run, { info }));
  return Object.assign(command, { info });
}

/** The manager of minicloud's commands, which finds them from minicloud's own package folder. */
export function createCommandManager(): PluginManager<CommandPlugin> {
  return new PluginManager<CommandPlugin>(COMMANDS_NAMESPACE, { cwd: appRoot });
}

/** The styles for a command's stdout. */
export function styleFor(io: CommandIO, output: Output = io.stdout): Style {
  return createStyle(output, io.env);
}

/** Writes lines to `output`. */
export function writeLines(output: Output, lines: readonly string[]): void {
  if (lines.length) output.write(`${lines.join('\n')}\n`);
}

/**
 * Applies `--services` to the environment, where every service plugin's `shouldLoad()` reads it (installed
 * packages included, which know nothing of minicloud's code).
 */
function applyServicesOption(args: CommandArgs, io: CommandIO): void {
  const { services } = args.values;
  if (typeof services === 'string') io.env[SERVICES_ENV] = services;
}

/**
 * Warns on stderr about the names in the service selection that no service plugin has (`--services s3,nope`): the
 * command goes on with the known ones.
 */
function warnUnknownServices(
  rows: readonly ServiceRow[],
  selection: readonly string[] | undefined,
  io: CommandIO,
): void {
  const warning = unknownServicesWarning(rows, selection);
  if (warning) writeLines(io.stderr, [`${styleFor(io, io.stderr).yellow('minicloud:')} ${warning}`]);
}

/**
 * A mistake in how the command was called (a bad option value): `minicloud` prints the message and the command's
 * usage and exits with 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Reads minicloud's configuration from the environment, with the command's `--port` (else `defaultPort`, else
 * `MINICLOUD_PORT`) as the port.
 *
 * @throws UsageError naming `--port` or `MINICLOUD_PORT`, whichever holds a value that is not a port number.
 */
export function readCommandConfig(args: CommandArgs, io: CommandIO, defaultPort?: string): MinicloudConfig {
  const { port } = args.values;
  if (typeof port === 'string' && !isPortNumber(port)) {
    throw new UsageError(`--port ${port} is not a port number (0-65535; 0 picks a free port)`);
  }
  const chosen = typeof port === 'string' ? port : defaultPort;
  try {
    return readConfig({ ...io.env, ...(chosen !== undefined && { [PORT_ENV]: chosen }) });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${error.message}; fix or unset ${PORT_ENV}`);
    throw error;
  }
}

function isPortNumber(value: string): boolean {
  const port = Number(value);
  return /^\d+$/.test(value.trim()) && port >= 0 && port <= 65535;
}

/** Options most commands share. */
export const sharedOptions = {
  json: { type: 'boolean', description: 'print JSON for a machine instead of tables' },
  services: {
    type: 'string',
    description: 'the services to enable, e.g. s3,queue (sets MINICLOUD_SERVICES; * = all)',
  },
} as const;

/** Starts the server; when it cannot listen (port taken, not allowed), says why on stderr and returns undefined. */
async function startServerOrExplain(
  io: CommandIO,
  options: StartServerOptions,
): Promise<MinicloudServer | undefined> {
  try {
    return await startServer(options);
  } catch (error) {
    const message = describeListenError(error, options.port);
    if (message === undefined) throw error;
    writeLines(io.stderr, [`${styleFor(io, io.stderr).red('minicloud:')} ${message}`]);
    return undefined;
  }
}

/** The services a command loaded: the configuration they were loaded with and the router they mounted on. */
export interface CommandServices {
  /** minicloud's configuration, read once `--services` was applied to the environment. */
  readonly config: MinicloudConfig;
  /** The router every running service mounted its routes on. */
  readonly router: ServiceRouter;
  /** Every service plugin, with how it fared. */
  readonly services: ServiceRow[];
}

/**
 * How `services`, `serve` and `tour` begin: applies `--services` to the environment, reads the configuration with
 * `read`, loads every service plugin on a fresh router (`report` logs the lifecycle) and warns on stderr about the
 * selected names that no service has.
 */
export async function loadCommandServices(
  args: CommandArgs,
  io: CommandIO,
  report: PluginReport,
  read: () => MinicloudConfig,
): Promise<CommandServices> {
  applyServicesOption(args, io);
  const config = read();
  const router = createRouter();
  const services = await loadServices({ router, config, report, env: io.env });
  warnUnknownServices(services, config.services, io);
  return { config, router, services };
}

/** A minicloud a command started: its services, its version and the server answering for them. */
export interface StartedMinicloud extends CommandServices {
  /** minicloud's version, as `/_minicloud/health` shows it. */
  readonly version: string;
  /** The running server; the command closes it. */
  readonly server: MinicloudServer;
}

/**
 * How `serve` and `tour` begin: {@link loadCommandServices} with the command's `--port` (else `defaultPort`, else
 * `MINICLOUD_PORT`), then the server on the configured host and port.
 *
 * @returns the started minicloud, or `undefined` when the server could not listen (the reason is on stderr).
 * @throws UsageError when the port is not a port number.
 */
export async function startMinicloud(
  args: CommandArgs,
  io: CommandIO,
  report: PluginReport,
  defaultPort?: string,
): Promise<StartedMinicloud | undefined> {
  const loaded = await loadCommandServices(args, io, report, () => readCommandConfig(args, io, defaultPort));
  const { config, router, services } = loaded;
  const version = appVersion();
  const server = await startServerOrExplain(io, {
    router,
    services,
    host: config.host,
    port: config.port,
    version,
  });
  return server && { ...loaded, version, server };
}

/** Which services were asked for, as the headers of `serve` and `tour` show it: `MINICLOUD_SERVICES=…` or all. */
export function describeSelection(io: CommandIO): string {
  const selection = io.env[SERVICES_ENV];
  return selection ? `${SERVICES_ENV}=${selection}` : 'all services';
}
