/**
 * Checks the options of `run()`: those it passes on to the spawn, with the
 * defaults `run()` gives them, and its own (`capture`, `input`, `check`).
 *
 * @module
 */

import { describe } from "../describe.ts";
import type { ResolvedInput } from "./input.ts";
import type { Capture, RunOptions } from "../types.ts";
import { validateInput, validateInputStdin } from "./input.ts";
import { optionalBoolean, validateOptionsObject } from "./options.ts";
import {
  SPAWN_OPTION_KEYS,
  type SpawnPlan,
  validateSpawnOptions,
} from "./spawn.ts";

const RUN_OPTION_KEYS: ReadonlySet<string> = new Set([
  // run() waits for the end: readiness means nothing to it.
  ...[...SPAWN_OPTION_KEYS].filter((key) => key !== "ready"),
  "capture",
  "input",
  "check",
]);

/** `run()` options after validation. */
interface RunPlan {
  readonly spawn: SpawnPlan;
  readonly capture: Capture;
  readonly check: boolean;
  readonly input: ResolvedInput | undefined;
}

function validateCapture(value: unknown): Capture {
  if (value === undefined) return false;
  if (typeof value === "boolean" || value === "text" || value === "bytes") {
    return value;
  }
  throw new TypeError(
    `Expected the \`capture\` option to be true, false, "text" or "bytes", got ${
      describe(value)
    }`,
  );
}

/**
 * Checks the options of `run()`. Streams it captures are piped unless
 * given, stdin too when there is `input`; with a `timeout` or an abort
 * `signal` the child leads a new session unless told otherwise, so that a
 * stop reaches its whole group.
 */
export function validateRunOptions(options: unknown): RunPlan {
  const { capture: c, input: i, check: k, ...given } = validateOptionsObject(
    "run",
    options,
    RUN_OPTION_KEYS,
  ) as RunOptions & Record<string, unknown>;
  const capture = validateCapture(c);
  const check = optionalBoolean("check", k, false);
  const input = validateInput(i);
  validateInputStdin(input, given.stdin);
  const piped = capture === false ? "inherit" : "pipe";
  const spawn = validateSpawnOptions({
    ...given,
    stdin: given.stdin ?? (input === undefined ? "inherit" : "pipe"),
    stdout: given.stdout ?? piped,
    stderr: given.stderr ?? piped,
  }, { newSession: given.timeout !== undefined || given.signal !== undefined });
  return { spawn, capture, check, input };
}
