/**
 * minicloud, the plux demo: a local cloud emulator whose services, examples and CLI commands are plux plugins
 * found at run time in workspace packages and installed ones.
 *
 * @packageDocumentation
 */
export { main } from './cli.js';
export {
  COMMANDS_NAMESPACE,
  defineCommand,
  type Command,
  type CommandArgs,
  type CommandInfo,
  type CommandIO,
  type CommandPlugin,
} from './command.js';
