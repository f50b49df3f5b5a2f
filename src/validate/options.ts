/**
 * The rules every option follows: an options object holds only known keys
 * (a misspelt option would otherwise be silently ignored), at the top as
 * inside a group such as `windows: {…}`, and a duration or a flag has one
 * check wherever it is given. Each throws a `TypeError` (wrong type or
 * unknown key) or a `RangeError` (out of range) whose message names the
 * option and the value, before anything is started.
 *
 * @module
 */

import { describe } from "../describe.ts";

/** Old option names and what they are called now, for the message. */
export type Renamed = Readonly<Record<string, string>>;

/** `true` for an object that may hold options (not `null`, not an array). */
export function isOptionsObject(
  value: unknown,
): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Throws a `TypeError` for the first key of `value` that is not `known`,
 * naming it as `name(key)`; `where` follows the name in the message. */
function refuseUnknownKeys(
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
  name: (key: string) => string,
  where: string,
  renamed: Renamed,
): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const now = Object.hasOwn(renamed, key) ? renamed[key] : undefined;
    const hint = now === undefined ? "" : `: \`${key}\` is now \`${now}\``;
    throw new TypeError(
      `Unknown option \`${name(key)}\`${where}${hint}; known options: ${
        [...known].join(", ")
      }`,
    );
  }
}

/** Checks the options argument of `fn`: `undefined` (no options) or a plain
 * object of `known` keys. A key in `renamed` is refused with its new name. */
export function validateOptionsObject(
  fn: string,
  value: unknown,
  known: ReadonlySet<string>,
  renamed: Renamed = {},
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) {
    throw new TypeError(
      `Expected the options of ${fn}() to be an object, got ${describe(value)}`,
    );
  }
  refuseUnknownKeys(value, known, (key) => key, ` given to ${fn}()`, renamed);
  return value;
}

/** Checks an option that groups others (`windows`, `ready`): a plain
 * object of `known` keys, described as `shape` when it is not one. */
export function validateOptionGroup(
  option: string,
  value: unknown,
  known: ReadonlySet<string>,
  shape = "an object",
): Record<string, unknown> {
  if (!isOptionsObject(value)) {
    throw new TypeError(
      `Expected the \`${option}\` option to be ${shape}, got ${
        describe(value)
      }`,
    );
  }
  refuseUnknownKeys(value, known, (key) => `${option}.${key}`, "", {});
  return value;
}

/** Checks a non-negative, finite number (of milliseconds by default). */
export function validateMs(
  option: string,
  value: unknown,
  unit = "milliseconds",
): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Expected the \`${option}\` option to be a number of ${unit}, got ${
        describe(value)
      }`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Expected the \`${option}\` option to be a finite number of ${unit} >= 0, got ${value}`,
    );
  }
  return value;
}

/** Checks an optional number of milliseconds; `undefined` stays
 * `undefined`. Any finite length works: long waits chain timers
 * (`long_timer.ts`). */
export function optionalMs(option: string, value: unknown): number | undefined {
  return value === undefined ? undefined : validateMs(option, value);
}

/** Checks an optional boolean; `undefined` is `fallback`. */
export function optionalBoolean(
  option: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Expected the \`${option}\` option to be a boolean, got ${
        describe(value)
      }`,
    );
  }
  return value;
}

/** Checks an optional value that must be one of `values`; `undefined`
 * is `fallback`. */
export function optionalChoice<T extends string, F>(
  option: string,
  value: unknown,
  values: readonly T[],
  fallback: F,
): T | F {
  if (value === undefined) return fallback;
  if ((values as readonly unknown[]).includes(value)) return value as T;
  const listed = values.map((v) => JSON.stringify(v));
  throw new TypeError(
    `Expected the \`${option}\` option to be ${
      listed.slice(0, -1).join(", ")
    } or ${listed.at(-1)}, got ${describe(value)}`,
  );
}
