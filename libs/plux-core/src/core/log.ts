/**
 * plux's diagnostics: one line each on stderr, prefixed `plux:`. `PLUX_LOG=silent|error|warn|debug` sets the level
 * (default `warn`); tests and hosts can swap the sink with {@link setLogSink}.
 */
import { printable } from './printable.js';

export type LogLevel = 'silent' | 'error' | 'warn' | 'debug';

/** Where plux's diagnostics go. */
export type LogSink = (level: Exclude<LogLevel, 'silent'>, message: string) => void;

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, debug: 3 };

// Each line escaped: a message may quote a package's name or an index's content, which must not drive a terminal.
const stderrSink: LogSink = (_level, message) =>
  console.error(
    `plux: ${message
      .split('\n')
      .map((line) => printable(line, Number.POSITIVE_INFINITY))
      .join('\n')}`,
  );
let sink: LogSink = stderrSink;

/** Replaces the sink (pass nothing to restore stderr); returns the previous one. */
export function setLogSink(next?: LogSink): LogSink {
  const previous = sink;
  sink = next ?? stderrSink;
  return previous;
}

function enabled(level: LogLevel): boolean {
  const configured = (process.env['PLUX_LOG'] ?? 'warn') as LogLevel;
  return RANK[level] <= (RANK[configured] ?? RANK.warn);
}

/** Whether debug messages are on; for messages that cost something to build. */
export function isDebugEnabled(): boolean {
  return enabled('debug');
}

export const log = {
  error(message: string, error?: unknown): void {
    if (enabled('error')) sink('error', error === undefined ? message : `${message}: ${errorText(error)}`);
  },
  warn(message: string): void {
    if (enabled('warn')) sink('warn', message);
  },
  debug(message: string): void {
    if (enabled('debug')) sink('debug', message);
  },
};

/** A one-line description of an error: its message, or its stack at debug level. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return enabled('debug') && error.stack ? error.stack : error.message;
  return String(error);
}
