import { printable } from '../core/printable.js';
import { errorText } from '../utils/errors.js';

export { errorText, printable };

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
  /**
   * Sends what anything else in the process writes to stdout (`console.log` of an imported module) to stderr,
   * while {@link CliIo.stdout} keeps writing to the real stdout. Absent where output is already captured.
   */
  routeStrayOutput?: () => void;
}

/**
 * The process's own streams, folder and environment. A reader that closes stdout early (`plux list | head -1`)
 * ends the command quietly with exit 0: it has what it wanted, and there is nobody left to tell.
 */
export function processIo(): CliIo {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(EXIT.ok);
    });
  }
  return {
    stdout: {
      write: (text: string) => write(text),
      get isTTY() {
        return stdout.isTTY;
      },
    },
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    routeStrayOutput: () => {
      stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
    },
  };
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

/**
 * Diagnostics on stderr, one line each, prefixed `plux:`. Every line is passed through {@link printable} (without
 * a length cap), so nothing a message quotes can send a terminal escape or reorder the text.
 */
export class Reporter {
  constructor(private readonly io: CliIo) {}

  info(message: string): void {
    this.write(`plux: ${message}`);
  }

  warn(message: string): void {
    this.write(`plux: warning: ${message}`);
  }

  hint(message: string): void {
    this.write(`plux: hint: ${message}`);
  }

  error(message: string): void {
    this.write(`plux: error: ${message}`);
  }

  /** An indented detail line under the previous message. */
  detail(message: string): void {
    this.write(`  ${message}`);
  }

  private write(text: string): void {
    const lines = text.split('\n').map((line) => printable(line, Number.POSITIVE_INFINITY));
    this.io.stderr.write(`${lines.join('\n')}\n`);
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
    printable(cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text);
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

/** A thrown value in one line: its {@link errorText}, escaped and capped for a terminal. */
export function describeError(error: unknown): string {
  return printable(errorText(error), 1000);
}
