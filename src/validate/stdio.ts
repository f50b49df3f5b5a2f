/**
 * Checks where a child's standard streams go: `stdin`, `stdout`, `stderr`
 * of `spawn()` and `run()`, and the narrower choice `detach()` leaves.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { dirname, statSync } from "../runtime/node_builtins.ts";
import type { ResolvedStderr, ResolvedStdio } from "../runtime/types.ts";
import type { StdioOption } from "../types.ts";
import { isOptionsObject, optionalBoolean } from "./options.ts";
import { validatePathText } from "./text.ts";

/** Checks `stderr`: a stream as {@linkcode validateStdio} takes, or
 * `"stdout"`. */
export function validateStderr(value: unknown): ResolvedStderr {
  if (value === "stdout") return value;
  return validateStdio("stderr", value, ', "stdout"');
}

/** Checks one of `stdin`, `stdout`, `stderr` (`also`: more accepted values
 * for the message, e.g. `', "stdout"'`). */
export function validateStdio(
  option: string,
  value: unknown,
  also = "",
): ResolvedStdio {
  if (value === undefined) return "inherit";
  if (value === "inherit" || value === "pipe" || value === "null") {
    return value;
  }
  if (isOptionsObject(value)) {
    const { file: given, append } = value as
      & StdioOption
      & Record<string, unknown>;
    const file = validatePathText(`\`${option}.file\``, given);
    const directory = dirname(file);
    let ok = false;
    try {
      ok = statSync(directory).isDirectory();
    } catch {
      // reported below
    }
    if (!ok) {
      throw new RangeError(
        `Cannot use \`${option}.file\` ${describe(file)}: its directory ${
          describe(directory)
        } does not exist`,
      );
    }
    return {
      file,
      append: optionalBoolean(`${option}.append`, append, false),
    };
  }
  throw new TypeError(
    `Expected the \`${option}\` option to be "inherit", "pipe", "null"${also} or { file }, got ${
      describe(value)
    }`,
  );
}

/** Checks a stream of `detach()`, which is `"null"` unless given: a
 * detached program must not hold our pipes or our terminal. */
export function validateDetachedStdio(option: string, value: unknown): unknown {
  if (value === undefined) return "null";
  if (value === "pipe" || value === "inherit") {
    throw new TypeError(
      `Expected the \`${option}\` option of detach() to be "null" or { file }, got "${value}": a detached program must not hold our ${
        value === "pipe" ? "pipes" : "terminal"
      }`,
    );
  }
  return value;
}
