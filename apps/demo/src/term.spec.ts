import { describe, expect, it } from 'vitest';

import { createStyle, formatTable, truncate, visibleLength } from './term.js';

const tty = { write: () => true, isTTY: true, hasColors: () => true };
const pipe = { write: () => true };

describe('createStyle', () => {
  it('colours only on a terminal that has colours', () => {
    expect(createStyle(tty, {}).green('ok')).toBe('\x1b[32mok\x1b[39m');
    expect(createStyle(pipe, {}).green('ok')).toBe('ok');
    expect(createStyle({ ...tty, hasColors: () => false }, {}).green('ok')).toBe('ok');
  });

  it('never colours with NO_COLOR, and colours a pipe with FORCE_COLOR (but not FORCE_COLOR=0)', () => {
    expect(createStyle(tty, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(createStyle(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }).red('x')).toBe('x');
    expect(createStyle(pipe, { FORCE_COLOR: '1' }).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(createStyle(tty, { FORCE_COLOR: '0' }).red('x')).toBe('x');
  });
});

describe('formatTable', () => {
  it('aligns columns by their visible width, colours excluded, and never pads the last column', () => {
    const style = createStyle(tty, {});
    const lines = formatTable([
      [style.bold('s3'), style.green('running'), 'object store'],
      ['secrets', 'disabled', 'x'],
    ]);
    expect(lines.map(stripAnsi)).toEqual(['  s3       running   object store', '  secrets  disabled  x']);
  });

  it('right-aligns the columns asked for and honours minimum widths', () => {
    expect(
      formatTable(
        [
          ['a', '7', 'x'],
          ['b', '12', 'y'],
        ],
        { alignRight: [1] },
      ),
    ).toEqual(['  a   7  x', '  b  12  y']);
    expect(formatTable([['loaded', 'a:b', '']], { minWidths: [8, 5] })).toEqual(['  loaded    a:b']);
  });
});

describe('truncate and visibleLength', () => {
  it('cut to one line with an ellipsis, and measure without escapes', () => {
    expect(truncate('a\nb  c', 10)).toBe('a b c');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(visibleLength('\x1b[1mabc\x1b[22m')).toBe(3);
  });
});

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
