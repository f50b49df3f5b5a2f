/**
 * Checks of text that reaches the OS as bytes (arguments, paths,
 * environment variables), and of the command itself.
 *
 * @module
 */

import { describe } from "../describe.ts";

/** `true` when `text` holds a NUL byte, which no C string can carry. */
export function hasNul(text: string): boolean {
  return text.includes("\0");
}

/**
 * Checks that `text`, which reaches the OS as bytes, has a UTF-8 encoding:
 * a lone surrogate has none, and encoding it anyway (as every runtime does)
 * gives the child U+FFFD instead of what the caller wrote. `what` names the
 * value in the message, e.g. "`cmd[1]`".
 */
export function validateEncodable(what: string, text: string): void {
  const at = loneSurrogateAt(text);
  if (at === -1) return;
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  throw new TypeError(
    `Expected ${what} to be well-formed Unicode, got ${
      describe(text)
    }: it holds a lone surrogate (U+${unit} at index ${at}), which has no UTF-8 encoding, so the child would get other bytes than these`,
  );
}

/** The index of the first lone surrogate in `text`, or -1. */
function loneSurrogateAt(text: string): number {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (native?.call(text) ?? false) return -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}

/** Checks that `value`, a path named `what` (e.g. "`stdout.file`"), is a
 * non-empty string without NUL bytes or lone surrogates; returns it. */
export function validatePathText(what: string, value: unknown): string {
  if (typeof value !== "string" || value === "" || hasNul(value)) {
    throw new TypeError(
      `Expected ${what} to be a non-empty path, got ${describe(value)}`,
    );
  }
  validateEncodable(what, value);
  return value;
}

/** Checks `cmd` and returns a frozen copy. */
export function validateCmd(cmd: unknown): readonly string[] {
  if (!Array.isArray(cmd)) {
    throw new TypeError(
      `Expected \`cmd\` to be an array of strings such as ["ls", "-l"], got ${
        describe(cmd)
      }`,
    );
  }
  if (cmd.length === 0) {
    throw new RangeError(
      "Expected `cmd` to name a program, got an empty array",
    );
  }
  cmd.forEach((arg, i) => {
    if (typeof arg !== "string") {
      throw new TypeError(
        `Expected \`cmd[${i}]\` to be a string, got ${describe(arg)}`,
      );
    }
    if (hasNul(arg)) {
      throw new RangeError(
        `Expected \`cmd[${i}]\` to hold no NUL byte, got ${describe(arg)}`,
      );
    }
    validateEncodable(`\`cmd[${i}]\``, arg);
  });
  if (cmd[0] === "") {
    throw new RangeError('Expected `cmd[0]` to name a program, got ""');
  }
  return Object.freeze([...cmd]);
}
