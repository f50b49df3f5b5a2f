/**
 * Durations as GNU `timeout` reads them: a floating-point number as C's
 * `strtod` takes it (`10`, `.5`, `1e-3`, `2.34e+5`, hexadecimal `0x1p4`,
 * `inf`), then one optional unit: `s` (the default), `m`, `h` or `d`.
 *
 * @module
 */

import { UsageError } from "../args.ts";
import { quote } from "./quote.ts";

/** Seconds per unit. */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  "": 1,
  s: 1,
  m: 60,
  h: 60 * 60,
  d: 60 * 60 * 24,
};

/** A duration too long for any timer: never fires. */
export const FOREVER = Infinity;

/** Past this, milliseconds are no longer exact integers: "forever". */
const LONGEST_MS = Number.MAX_SAFE_INTEGER;

/** The shortest positive duration GNU sets (1 ns), in seconds: a value
 * that underflows to 0 (`1e-10000`) is rounded up to it, not taken as 0. */
const ONE_NANOSECOND = 1e-9;

/** `strtod`'s grammar after leading white space: a sign, then a
 * hexadecimal float, a decimal float, `inf`/`infinity` or `nan`; the rest is
 * what follows the number. */
const NUMBER =
  /^[\t\n\v\f\r ]*([+-]?)(?:0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p([+-]?\d+))?|((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)|(inf(?:inity)?)|(nan(?:\(\w*\))?))(.*)$/is;

function hexFloat(digits: string, exponent: string | undefined): number {
  const [whole = "", fraction = ""] = digits.split(".");
  const mantissa = parseInt(`${whole}${fraction}` || "0", 16);
  return mantissa * 2 ** (Number(exponent ?? 0) - 4 * fraction.length);
}

function invalid(text: string): UsageError {
  return new UsageError(`invalid time interval ${quote(text)}`);
}

/**
 * Parses a GNU `timeout` duration.
 *
 * @param text The duration, e.g. `"10"`, `".5m"`, `"1e-3"`, `"2.34e+5d"`.
 * @returns Milliseconds: `0` disables the timeout; {@linkcode FOREVER} when
 * the value is too large for any timer (GNU treats such values as
 * "practically forever", not as an error).
 * @throws {UsageError} Not a non-negative number with an optional unit.
 */
export function parseGnuDuration(text: string): number {
  const match = NUMBER.exec(text);
  if (!match) throw invalid(text);
  const [, sign, hex, exponent, decimal, infinity, , rest = ""] = match;
  const unit = UNIT_SECONDS[rest];
  // NaN, a negative value (even -0 or one that underflows), or anything but
  // one unit after the number.
  if (sign === "-" || match[6] !== undefined || unit === undefined) {
    throw invalid(text);
  }
  let seconds = infinity !== undefined
    ? Infinity
    : hex !== undefined
    ? hexFloat(hex, exponent)
    : Number(decimal);
  const mantissa = hex ?? decimal?.split(/e/i)[0] ?? "";
  if (seconds === 0 && /[1-9a-f]/i.test(mantissa)) {
    seconds = ONE_NANOSECOND;
  }
  const ms = seconds * unit * 1000;
  return ms > LONGEST_MS ? FOREVER : ms;
}
