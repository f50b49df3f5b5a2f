/**
 * Durations as people type them on a command line: `500ms`, `10s`, `2m`,
 * `1h`, `1d`, or a bare number of seconds (`1.5`), as GNU `timeout` takes
 * them.
 *
 * @module
 */

import { describe } from "./describe.ts";

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  "": 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h|d)?$/;

/** The longest duration accepted: what a JavaScript timer can wait
 * (2^31 - 1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses a duration into milliseconds.
 *
 * @param text The duration: a non-negative decimal number followed by `ms`,
 * `s`, `m`, `h` or `d`; no unit means seconds.
 * @param option The option it was given to, named in error messages.
 * @returns The duration in milliseconds (to the microsecond).
 * @throws {TypeError} `text` is not a string.
 * @throws {RangeError} `text` is not a duration, or is longer than
 * {@linkcode MAX_DURATION_MS}.
 *
 * @example Seconds by default, or a unit
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * console.log(parseDuration("1.5", "--timeout")); // 1500
 * console.log(parseDuration("500ms", "--grace")); // 500
 * ```
 */
export function parseDuration(text: string, option = "duration"): number {
  if (typeof text !== "string") {
    throw new TypeError(
      `Expected ${option} to be a duration string, got ${describe(text)}`,
    );
  }
  const match = DURATION.exec(text);
  if (!match) {
    throw new RangeError(
      `Invalid ${option} ${
        describe(text)
      }: expected a duration such as 500ms, 10s, 2m or a number of seconds`,
    );
  }
  // Rounded to a microsecond: 1.1 * 1000 is 1100.0000000000002 in floats.
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? ""]! * 1000) /
    1000;
  if (ms > MAX_DURATION_MS) {
    throw new RangeError(
      `Invalid ${option} ${
        describe(text)
      }: longer than the maximum of ${MAX_DURATION_MS} ms (about 24.8 days)`,
    );
  }
  return ms;
}

/**
 * A duration for messages: `250 ms`, `1.5 s`, `2 min`.
 *
 * @param ms Milliseconds.
 * @returns A short human-readable form.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${ms / 1000} s`;
  return `${ms / 60_000} min`;
}
