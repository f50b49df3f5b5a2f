/**
 * How a stop goes, checked: the first signal (`killSignal`), the `grace`
 * before SIGKILL and the `scope` — one rule for each, whether they are
 * given to `spawn()`, `run()`, `stop()`, `killTree()` or the CLI, and the
 * library's defaults in this one place.
 *
 * @module
 */

import { validateSignal } from "../runtime/signals.ts";
import type { Signal, StopScope } from "../types.ts";
import {
  optionalChoice,
  type Renamed,
  validateMs,
  validateOptionsObject,
} from "./options.ts";

/** The first signal and the grace of a stop, checked. */
export interface Stopping {
  readonly killSignal: Signal;
  readonly grace: number;
}

/** The library's defaults: SIGTERM, then SIGKILL 2 seconds later. */
const DEFAULT_STOPPING: Stopping = { killSignal: "SIGTERM", grace: 2000 };

/** `stop()` and `killTree()` options after validation. */
interface StopPlan extends Stopping {
  readonly scope: StopScope | undefined;
}

const STOP_SCOPES: readonly StopScope[] = ["process", "group", "tree"];

/** The options each takes; `killTree()` has no `scope`. */
const STOP_KEYS = {
  stop: new Set(["killSignal", "grace", "scope"]),
  killTree: new Set(["killSignal", "grace"]),
} as const;

/** `signal` was the first signal's name before 0.2.0. */
const RENAMED: Renamed = { signal: "killSignal" };

/**
 * Checks `killSignal` and `grace` and fills in what is left out from
 * `defaults` (a spawn's own, or the library's).
 */
export function validateStopping(
  options: { readonly killSignal?: unknown; readonly grace?: unknown },
  defaults: Stopping = DEFAULT_STOPPING,
): Stopping {
  const { killSignal, grace } = options;
  return {
    killSignal: killSignal === undefined
      ? defaults.killSignal
      : validateSignal("killSignal", killSignal),
    grace: grace === undefined ? defaults.grace : validateMs("grace", grace),
  };
}

/**
 * Checks the options of `stop()` or `killTree()` and fills in `defaults`
 * (the spawn's `killSignal` and `grace`, or the library's). An old
 * `signal` key is refused with its new name.
 */
export function validateStopOptions(
  fn: keyof typeof STOP_KEYS,
  options: unknown,
  defaults: Stopping = DEFAULT_STOPPING,
): StopPlan {
  const opts = validateOptionsObject(fn, options, STOP_KEYS[fn], RENAMED);
  return {
    ...validateStopping(opts, defaults),
    scope: optionalChoice("scope", opts.scope, STOP_SCOPES, undefined),
  };
}
