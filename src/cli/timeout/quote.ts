/**
 * Arguments in messages as GNU's `quote()` shows them in the C locale.
 *
 * @module
 */

const NAMED: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
};

/** `text` in single quotes, with `\` and `'` escaped and other control
 * characters as C escapes: `'sleep'`, `'it\'s'`. */
export function quote(text: string): string {
  const escaped = text.replace(
    // deno-lint-ignore no-control-regex -- control characters are what is escaped
    /[\\'\x00-\x1f\x7f]/g,
    (c) => NAMED[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`,
  );
  return `'${escaped}'`;
}
