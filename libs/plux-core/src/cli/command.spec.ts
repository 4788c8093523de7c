import { describe, expect, it } from 'vitest';

import { defineCommand, parseCommandArgs, splitList } from './command.js';
import { UsageError } from './io.js';

const command = defineCommand({
  name: 'probe',
  help: 'Usage: plux probe\n',
  maxPositionals: 1,
  options: {
    namespace: { type: 'string', short: 'n' },
    json: { type: 'boolean' },
    exclude: { type: 'string', multiple: true },
  },
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
