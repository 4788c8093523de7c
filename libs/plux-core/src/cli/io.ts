/**
 * The CLI's contact with the outside world, passed in so that specs can run commands in-process: data goes to
 * `stdout`, diagnostics to `stderr` (prefixed `plux:`), so `--json` and `--output -` pipe cleanly.
 */
export interface CliIo {
  /** Where data goes (tables, JSON, an index). */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Where diagnostics go. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The folder commands act on. */
  cwd: string;
  /** The environment (`NO_COLOR`). */
  env: NodeJS.ProcessEnv;
}

/** The process's own streams, folder and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Exit codes, as documented in the README. */
export const EXIT = {
  /** Done; also when a module failed to import without `--strict`. */
  ok: 0,
  /** A failure the command reports: strict import error, duplicates, stale `--check`, a plugin that failed. */
  failure: 1,
  /** Bad usage: an unknown command or flag, a missing or bad value. */
  usage: 2,
} as const;

/** Bad usage of a command: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Diagnostics on stderr, one line each, prefixed `plux:`. */
export class Reporter {
  constructor(private readonly io: CliIo) {}

  info(message: string): void {
    this.io.stderr.write(`plux: ${message}\n`);
  }

  warn(message: string): void {
    this.io.stderr.write(`plux: warning: ${message}\n`);
  }

  hint(message: string): void {
    this.io.stderr.write(`plux: hint: ${message}\n`);
  }

  error(message: string): void {
    this.io.stderr.write(`plux: error: ${message}\n`);
  }

  /** An indented detail line under the previous message. */
  detail(message: string): void {
    this.io.stderr.write(`  ${message}\n`);
  }
}

/** Colours for stdout: only when it is a terminal and `NO_COLOR` is unset (https://no-color.org). */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

export function paletteFor(io: CliIo): Palette {
  const on = io.stdout.isTTY === true && !io.env['NO_COLOR'];
  const style = (open: number, close: number) => (text: string) =>
    on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: style(1, 22),
    dim: style(2, 22),
    green: style(32, 39),
    yellow: style(33, 39),
    red: style(31, 39),
  };
}

/** A cell of a table: its text, and how to colour it once padded (so ANSI codes never skew the alignment). */
export type Cell = string | { text: string; paint: (text: string) => string };

/**
 * Formats rows as a table: columns separated by two spaces, padded to the widest cell, the last column unpadded.
 */
export function formatTable(header: string[], rows: Cell[][], palette: Palette): string {
  const text = (cell: Cell | undefined) =>
    cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i]).length)));
  const line = (cells: Cell[], paintHeader: boolean) =>
    header
      .map((_, i) => {
        const cell = cells[i];
        const raw = text(cell);
        const padded = i === header.length - 1 ? raw : raw.padEnd(widths[i]!);
        if (paintHeader) return palette.bold(padded);
        return typeof cell === 'object' ? cell.paint(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, true), ...rows.map((r) => line(r, false))].join('\n') + '\n';
}

/** A thrown value in one line: `Error: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
