import { createCommandManager, defineCommand, styleFor, writeLines, type CommandInfo } from '../command.js';
import { loadPlugins } from '../load.js';
import { PluginReport } from '../report.js';
import { formatTable } from '../term.js';

/** `minicloud help [command]`: lists the commands (every plugin of `minicloud.commands`), or one command's usage. */
export const help = defineCommand(
  'help',
  { summary: 'list the commands, or show how to use one', usage: '[command]' },
  async function help(args, io) {
    const commands = createCommandManager();
    const style = styleFor(io);
    const [name] = args.positionals;
    if (name) {
      const command = await commands.load(name);
      writeLines(io.stdout, usage(name, command.fn.info, style));
      return 0;
    }
    const loaded = await loadPlugins(commands, commands.listNames().sort(), { report: new PluginReport() });
    writeLines(io.stdout, [
      `${style.bold('minicloud')} — a local cloud whose services, examples and commands are plux plugins`,
      '',
      `${style.dim('usage:')} minicloud <command> [options]`,
      '',
      ...formatTable([...loaded].map(([n, c]) => [style.bold(n), c.fn.info.summary])),
      '',
      style.dim('minicloud help <command> shows its options; MINICLOUD_SERVICES=s3,queue picks the services'),
    ]);
    return 0;
  },
);

/** The usage lines of one command. */
export function usage(name: string, info: CommandInfo, style: ReturnType<typeof styleFor>): string[] {
  const options = Object.entries(info.options ?? {});
  return [
    `${style.dim('usage:')} minicloud ${name}${info.usage ? ` ${info.usage}` : ''}${options.length ? ' [options]' : ''}`,
    '',
    `  ${info.summary}`,
    ...(options.length
      ? [
          '',
          ...formatTable(
            options.map(([long, o]) => [
              `${o.short ? `-${o.short}, ` : '    '}--${long}${o.type === 'string' ? ' <value>' : ''}`,
              style.dim(o.description),
            ]),
          ),
        ]
      : []),
  ];
}
