/**
 * Text from outside (a name in an index, a command-line value, a thrown message) as it may be echoed in a message:
 * one line, no terminal escapes, no bidirectional reordering, and of a sane length.
 */

/** How many characters of an echoed value a message shows before cutting it with `…`. */
export const MAX_ECHOED_LENGTH = 200;

/**
 * Characters a message never prints raw: C0 and C1 controls and DEL (terminal escapes, line breaks), the
 * bidirectional controls that reorder what a reader sees (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), the
 * line and paragraph separators, and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\p{Cs}/gu;

/** Bidirectional controls (Trojan Source, CVE-2021-42574): the ones an index rejects in names. */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** C0 and C1 controls and DEL. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `value` made safe to echo: every unprintable character escaped (`\n`, `\u009b`, `\u202e`), and cut after
 * {@link MAX_ECHOED_LENGTH} characters with `…`. Printable text, Unicode included, is unchanged.
 *
 * @example
 * ```ts
 * printable('evil\u001b[31m'); // 'evil\\u001b[31m'
 * ```
 */
export function printable(value: string, max: number = MAX_ECHOED_LENGTH): string {
  let text = value;
  let cut = false;
  if (text.length > max) {
    // Do not split a surrogate pair at the cut.
    const end = /[\ud800-\udbff]/.test(text[max - 1] ?? '') ? max - 1 : max;
    text = text.slice(0, end);
    cut = true;
  }
  text = text.replace(
    UNPRINTABLE,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${text}…` : text;
}

/** {@link printable}, quoted when it had to be escaped or cut, so the reader sees where the value ends. */
export function quoted(value: string, max: number = MAX_ECHOED_LENGTH): string {
  const text = printable(value, max);
  return text === value ? value : `"${text.replace(/"/g, '\\"')}"`;
}
