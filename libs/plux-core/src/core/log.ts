/**
 * plux's diagnostics: one line each on stderr, prefixed `plux:`. `PLUX_LOG=silent|error|warn|debug` sets the level
 * (default `warn`); tests and hosts can swap the sink with {@link setLogSink}.
 */
import { printable } from './printable.js';

export type LogLevel = 'silent' | 'error' | 'warn' | 'debug';

/** Where plux's diagnostics go. */
export type LogSink = (level: Exclude<LogLevel, 'silent'>, message: string) => void;

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, debug: 3 };

/**
 * One diagnostic per `plux:` line; a message that holds line breaks (a plugin's own error text, a stack at debug
 * level) continues on lines indented by two spaces, so every line still reads as part of that diagnostic. Each
 * line is escaped: a message may quote a package's name or an index's content, which must not drive a terminal.
 */
const stderrSink: LogSink = (_level, message) =>
  console.error(
    `plux: ${message
      .split(/\r?\n/)
      .map((line) => printable(line, Number.POSITIVE_INFINITY))
      .join('\n  ')}`,
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
    if (!enabled('error')) return;
    sink('error', error === undefined ? message : `${message}: ${loggedErrorText(error)}`);
  },
  warn(message: string): void {
    if (enabled('warn')) sink('warn', message);
  },
  debug(message: string): void {
    if (enabled('debug')) sink('debug', message);
  },
};

/** What `log.error` says of the error it is given: its message ({@link thrownText}), or its stack at debug level. */
export function loggedErrorText(error: unknown): string {
  if (error instanceof Error) return enabled('debug') && error.stack ? error.stack : thrownText(error);
  return thrownText(error);
}

/** How much of a thrown value that is not an Error a message quotes. */
const MAX_THROWN_TEXT = 300;

/**
 * What a message says of a thrown value: an Error's message, a string as it is, anything else (`throw { code: 42 }`)
 * described instead of printed as `[object Object]`.
 */
export function thrownText(value: unknown): string {
  if (value instanceof Error) return value.message || String(value);
  if (typeof value === 'string') return value;
  // JSON rather than node:util's inspect: loading util costs every start about a millisecond, for a rare message
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = String(value); // a bigint, a cycle
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  if (text.length > MAX_THROWN_TEXT) text = `${text.slice(0, MAX_THROWN_TEXT)}…`;
  return `${text} (thrown, not an Error)`;
}
