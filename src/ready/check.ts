/**
 * The `check` condition: a function of the caller's returns `true`.
 *
 * @module
 */

import { PolledCondition } from "./condition.ts";

/** Holds once `check` returns (or resolves to) `true`; called every
 * `interval`, never twice at once. */
export function checkCondition(
  check: () => boolean | Promise<boolean>,
  interval: number,
): PolledCondition {
  return new PolledCondition(
    "the `check` function to return true",
    check,
    interval,
  );
}
