// minicloud's terminal formatting, the only such module in the demo: colours per output stream, and aligned tables
// that measure text without its colours. plux's own CLI formats its output with code internal to `@plux/core`,
// which a plux application cannot and should not import; a colour library would be a dependency for a few lines.

/** Where text goes: a stream, or anything with `write` (a test's buffer). */
export interface Output {
  write(text: string): unknown;
  /** True when the output is a terminal. */
  readonly isTTY?: boolean;
  /** Whether the terminal shows colours (Node's `tty.WriteStream#hasColors`, which honours NO_COLOR). */
  hasColors?(): boolean;
}

/** Text styles; each is the identity when colours are off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/**
 * The styles for `output`: ANSI colours only on a terminal that has them, never when `NO_COLOR` is set
 * (https://no-color.org), always when `FORCE_COLOR` is set to anything but `0`.
 */
export function createStyle(output: Output, env: Record<string, string | undefined> = process.env): Style {
  const colour =
    !env.NO_COLOR &&
    (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== ''
      ? env.FORCE_COLOR !== '0'
      : output.isTTY === true && (output.hasColors?.() ?? true));
  const sgr = (open: number, close: number) => (text: string) =>
    colour && text ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Spaces before every row. Default 2. */
  indent?: number;
  /** Columns aligned right (by index), e.g. numbers. */
  alignRight?: number[];
  /** The least width of each column (by index), so separately printed lines still line up. */
  minWidths?: number[];
}

/**
 * Lays out rows in aligned columns, measuring text without its ANSI colours; the last column is never padded.
 *
 * @example
 * ```ts
 * formatTable([['s3', 'running'], ['queue', 'disabled']]); // ['  s3     running', '  queue  disabled']
 * ```
 */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const { indent = 2, alignRight = [] } = options;
  const widths: number[] = [...(options.minWidths ?? [])];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      if (i === row.length - 1 && !alignRight.includes(i)) return cell;
      const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
      return alignRight.includes(i) ? pad + cell : cell + pad;
    });
    return (' '.repeat(indent) + cells.join('  ')).trimEnd();
  });
}

/** The length of `text` as a terminal shows it: without ANSI escape sequences. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Shortens `text` to `max` characters, ending with `…` when it was cut, on one line. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
