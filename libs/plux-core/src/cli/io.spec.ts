import { describe, expect, it } from 'vitest';

import { formatTable, paletteFor, type CliIo } from './io.js';

const io = (isTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIo => ({
  stdout: { write: () => true, isTTY },
  stderr: { write: () => true },
  cwd: '/',
  env,
});

describe('paletteFor', () => {
  it('colours only a terminal, and never when NO_COLOR is set', () => {
    expect(paletteFor(io(true)).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(paletteFor(io(false)).red('x')).toBe('x');
    expect(paletteFor(io(true, { NO_COLOR: '1' })).red('x')).toBe('x');
  });
});

describe('formatTable', () => {
  it('pads every column but the last to its widest cell, header included', () => {
    const table = formatTable(
      ['NAME', 'STATE'],
      [
        ['s3', 'loaded'],
        ['dynamodb', 'error'],
      ],
      paletteFor(io(false)),
    );

    expect(table).toBe('NAME      STATE\ns3        loaded\ndynamodb  error\n');
  });

  it('keeps the alignment when cells are coloured', () => {
    const palette = paletteFor(io(true));
    const table = formatTable(
      ['A', 'B'],
      [
        [{ text: 'x', paint: palette.red }, 'y'],
        ['long', 'z'],
      ],
      palette,
    );
    const plain = table.replaceAll(/\[\d+m/g, '').replaceAll('\u001b', '');

    expect(plain).toBe('A     B\nx     y\nlong  z\n');
    expect(table).toContain('\u001b[31mx   \u001b[39m');
  });
});
