/**
 * Checks the options of `detach()`: the spawn options it shares, with the
 * defaults of a program that outlives us, and its `pidfile`.
 *
 * @module
 */

import type { DetachOptions } from "../types.ts";
import { validateOptionsObject } from "./options.ts";
import {
  SHARED_OPTION_KEYS,
  type SpawnPlan,
  validateSpawnOptions,
} from "./spawn.ts";
import { validateDetachedStdio } from "./stdio.ts";

const DETACH_KEYS: ReadonlySet<string> = new Set([
  ...SHARED_OPTION_KEYS,
  "pidfile",
]);

/** `detach()` options after validation; `pidfile` is checked as the
 * `Pidfile` it makes. */
interface DetachPlan {
  readonly spawn: SpawnPlan;
  readonly pidfile: string | undefined;
}

/**
 * Checks the options of `detach()`: a new session, streams to `"null"`
 * unless given (never our pipes or terminal), no exit cleanup, and on
 * Windows breakaway from our job when allowed.
 */
export function validateDetachOptions(options: unknown): DetachPlan {
  const { pidfile, ...given } = validateOptionsObject(
    "detach",
    options,
    DETACH_KEYS,
  ) as DetachOptions & Record<string, unknown>;
  const spawn = validateSpawnOptions({
    ...given,
    stdin: validateDetachedStdio("stdin", given.stdin),
    stdout: validateDetachedStdio("stdout", given.stdout),
    stderr: validateDetachedStdio("stderr", given.stderr),
    newSession: true,
    cleanup: false,
  }, { detached: true });
  return { spawn, pidfile };
}
