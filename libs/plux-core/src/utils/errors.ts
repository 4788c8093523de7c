/**
 * A thrown value as text: `Name: message` for an Error (`TypeError: x is not a function`), `String(value)` for
 * anything else. Not escaped: JSON output escapes it itself, and the CLI's `describeError` makes it one safe line.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
