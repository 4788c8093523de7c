/**
 * A thrown value in one log line, for the messages of `@plux/nx`.
 */

/** How much of a thrown value a message quotes (as `plux discover` does). */
const MAX_THROWN_TEXT = 1000;

/** How much of a thrown non-Error's JSON a message quotes. */
const MAX_THROWN_VALUE = 300;

/**
 * What a message says of a thrown value, in one line, as `@plux/core`'s messages do: an Error's message (a Node
 * system error's already starts with its code, `EACCES: permission denied, …`, so none is added), a string as it is,
 * anything else (`throw { code: 42 }`) as JSON marked `(thrown, not an Error)` instead of `[object Object]`. Line
 * breaks and other control characters are escaped (`\n`), so a multi-line message stays on its log line.
 */
export function thrownText(value: unknown): string {
  let text: string;
  if (value instanceof Error) text = value.message || String(value);
  else if (typeof value === 'string') text = value;
  else text = `${cut(jsonOf(value), MAX_THROWN_VALUE)} (thrown, not an Error)`;
  return cut(escapeUnprintable(text), MAX_THROWN_TEXT);
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // a cycle, a bigint inside, a throwing toJSON; a bare bigint String shows
    if (typeof value !== 'object' || value === null) return String(value);
    const type = (value.constructor as { name?: unknown } | undefined)?.name;
    return `${typeof type === 'string' && type !== '' ? type : 'object'} that JSON cannot show`;
  }
}

// C0 and C1 controls, DEL, bidirectional controls, line and paragraph separators, lone surrogates
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\p{Cs}/gu;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeUnprintable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
