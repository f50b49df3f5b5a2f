/**
 * Option values shared by several commands: durations and signals.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { parseDuration } from "../duration.ts";
import { isSignal, signalName, signalNumber } from "../runtime/signals.ts";
import type { ContainMode, Signal } from "../types.ts";
import { CONTAIN_MODES } from "../validate/spawn.ts";
import { UsageError } from "./args.ts";

/** A duration option in milliseconds, or `undefined` when not given.
 *
 * @throws {UsageError} Not a duration. */
export function durationOption(
  value: string | undefined,
  option: string,
): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value, option);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A signal option: a name with or without `SIG` in any case (`TERM`,
 * `sigterm`), or a number (`15`), as `kill` and GNU `timeout` take it;
 * `undefined` when not given.
 *
 * @throws {UsageError} Not a signal this system knows.
 */
export function signalOption(
  value: string | undefined,
  option: string,
): Signal | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  const name = /^\d+$/.test(value)
    ? signalName(Number(value))
    : upper.startsWith("SIG")
    ? upper
    : `SIG${upper}`;
  if (isSignal(name) && signalNumber(name) !== undefined) return name;
  throw new UsageError(
    `invalid ${option} ${
      describe(value)
    }: expected a signal such as TERM, SIGINT or 9`,
  );
}

/** `--contain M`: `auto`, `cgroup` or `tree`; `fallback` when not given.
 *
 * @throws {UsageError} Another value. */
export function containOption(
  value: string | undefined,
  fallback: ContainMode,
): ContainMode {
  if (value === undefined) return fallback;
  if (CONTAIN_MODES.includes(value as ContainMode)) return value as ContainMode;
  throw new UsageError(
    `invalid --contain ${describe(value)}: expected auto, cgroup or tree`,
  );
}
