import { describe, expect, it } from 'vitest';

import { commandHelp, defineCommand, parseCommandArgs, splitList, type Command } from './command.js';
import { UsageError } from './io.js';

const command = defineCommand({
  name: 'probe',
  description: 'Probes things.',
  arguments: [{ name: 'target', description: 'what to probe\n(default: everything)' }],
  options: {
    namespace: { type: 'string', short: 'n', value: '<ns>', description: 'only this namespace' },
    json: { type: 'boolean', description: 'print JSON' },
    exclude: { type: 'string', multiple: true, value: '<globs>', description: 'leave these out' },
  },
  exitCodes: ['0 probed,', '2 bad usage.'],
  run: async () => 0,
});

const requiring = defineCommand({
  name: 'needs',
  description: 'Needs a namespace.',
  options: { namespace: { type: 'string', value: '<ns>', description: 'the namespace', required: true } },
  exitCodes: ['0 done.'],
  run: async () => 0,
});

function usageError(argv: string[]): string {
  try {
    parseCommandArgs(command, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandArgs', () => {
  it('parses flags, short flags, repeated flags and positionals', () => {
    expect(
      parseCommandArgs(command, ['-n', 'acme', '--json', '--exclude', 'a', '--exclude=b', 'pkg']),
    ).toEqual({
      values: { namespace: 'acme', json: true, exclude: ['a', 'b'] },
      positionals: ['pkg'],
    });
  });

  it('returns undefined for --help and -h', () => {
    expect(parseCommandArgs(command, ['--help'])).toBeUndefined();
    expect(parseCommandArgs(command, ['-n', 'x', '-h'])).toBeUndefined();
  });

  it('turns bad usage into short messages', () => {
    expect(usageError(['--frobnicate'])).toBe('unknown option --frobnicate');
    expect(usageError(['--namespace'])).toBe('--namespace needs a value');
    expect(usageError(['--json=yes'])).toBe('--json takes no value');
    expect(usageError(['--namespace='])).toBe('--namespace needs a non-empty value');
    expect(usageError(['a', 'b'])).toBe('too many arguments: b');
  });
});

describe('parseCommandArgs with a required flag', () => {
  it('is a usage error without it, and parses with it', () => {
    expect(() => parseCommandArgs(requiring, [])).toThrow('--namespace is required');
    expect(parseCommandArgs(requiring, ['--namespace', 'x'])?.values).toEqual({ namespace: 'x' });
  });
});

describe('parseCommandArgs on hostile values', () => {
  it('echoes an unknown flag and a stray argument escaped and cut to a sane length', () => {
    expect(usageError(['--evil\u001b[31m'])).toBe('unknown option --evil\\u001b[31m');
    const long = usageError(['a', `b${'x'.repeat(5000)}\u202e`]);
    expect(long.length).toBeLessThan(260);
    expect(long).toMatch(/^too many arguments: bx+…$/);
  });
});

describe('commandHelp', () => {
  it('generates the usage line and the option list from the declarations, --help included', () => {
    expect(commandHelp(command)).toBe(
      [
        'Usage: plux probe [--namespace <ns>] [--json] [--exclude <globs>] [target]',
        '',
        'Probes things.',
        '',
        'Arguments:',
        '  target  what to probe',
        '          (default: everything)',
        '',
        'Options:',
        '  -n, --namespace <ns>  only this namespace',
        '  --json                print JSON',
        '  --exclude <globs>     leave these out',
        '  -h, --help            show this help',
        '',
        'Exit codes: 0 probed,',
        '            2 bad usage.',
        '',
      ].join('\n'),
    );
  });

  it('shows a required flag without brackets', () => {
    expect(commandHelp(requiring).split('\n')[0]).toBe('Usage: plux needs --namespace <ns>');
  });

  it('names every option of every plux command in its usage line and its option list', async () => {
    const commands = [
      (await import('./commands/discover.js')).discoverCommand,
      (await import('./commands/list.js')).listCommand,
      (await import('./commands/resolve.js')).resolveCommand,
      (await import('./commands/show.js')).showCommand,
    ] as Command[];
    for (const each of commands) {
      const help = commandHelp(each);
      const [usage = '', ...rest] = help.split('\n\n');
      for (const name of Object.keys(each.options)) {
        expect(usage, `${each.name} usage`).toContain(`--${name}`);
        expect(rest.join('\n'), `${each.name} options`).toMatch(new RegExp(`^  (-\\w, )?--${name}\\b`, 'm'));
      }
      for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    }
  });
});

describe('splitList', () => {
  it('splits on commas outside braces and trims', () => {
    expect(splitList(['internal/**, *.{mjs,cjs}', 'legacy'])).toEqual([
      'internal/**',
      '*.{mjs,cjs}',
      'legacy',
    ]);
    expect(splitList(undefined)).toBeUndefined();
  });

  it('rejects an empty glob', () => {
    expect(() => splitList(['a,,b'])).toThrow(UsageError);
  });
});
