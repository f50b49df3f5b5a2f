/**
 * Checks every option of `spawn()` (and what `run()` and `detach()` pass
 * on) before anything starts, and fills in the defaults: the
 * {@linkcode SpawnPlan} the rest of the library works from.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { type ReadyPlan, withReady } from "./ready.ts";
import type { SpawnRequest, WindowsSpawnRequest } from "../runtime/types.ts";
import { validateSignal } from "../runtime/signals.ts";
import type { ContainMode, Signal, SpawnOptions } from "../types.ts";
import { validateCwd, validateEnv } from "./environment.ts";
import {
  optionalBoolean,
  optionalChoice,
  optionalMs,
  validateMs,
  validateOptionGroup,
} from "./options.ts";
import { validateStderr, validateStdio } from "./stdio.ts";
import { type Stopping, validateStopping } from "./stop.ts";

/** Options as given: any value, checked here. */
type Unchecked<T> = { readonly [K in keyof T]?: unknown };

/** The options `detach()` shares with `spawn()`. */
export const SHARED_OPTION_KEYS: readonly string[] = [
  "cwd",
  "env",
  "clearEnv",
  "stdin",
  "stdout",
  "stderr",
  "contain",
  "windows",
  "ready",
];

/** The option names of {@linkcode SpawnOptions}. */
export const SPAWN_OPTION_KEYS: ReadonlySet<string> = new Set([
  ...SHARED_OPTION_KEYS,
  "newSession",
  "timeout",
  "killSignal",
  "grace",
  "signal",
  "killOnParentExit",
  "cleanup",
  "drainTimeout",
  "maxBuffer",
]);

const WINDOWS_KEYS: ReadonlySet<string> = new Set(["breakawayFromJob", "hide"]);

/** The values of the `contain` option. */
export const CONTAIN_MODES: readonly ContainMode[] = ["auto", "cgroup", "tree"];

/** Spawn options after validation, with defaults filled in. */
export interface SpawnPlan extends
  Pick<
    SpawnRequest,
    "cwd" | "env" | "clearEnv" | "stdin" | "stdout" | "stderr" | "newSession"
  >,
  Stopping {
  readonly contain: ContainMode;
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** The parent-death signal, or `false` for none. */
  readonly killOnParentExit: Signal | false;
  readonly cleanup: boolean;
  readonly drainTimeout: number;
  readonly maxBuffer: number;
  /** What the Windows backend is asked for (`detached`: set by
   * `detach()`, the child must outlive us). */
  readonly windows: WindowsSpawnRequest;
  readonly ready?: ReadyPlan;
}

/** What the caller of {@linkcode validateSpawnOptions} changes. */
interface SpawnDefaults {
  /** `run()`: a new session when it stops the child itself. */
  readonly newSession?: boolean;
  /** `detach()`: the child must outlive us (Windows: breakaway when
   * allowed, a console of its own). */
  readonly detached?: boolean;
}

/** Default bounded drain after the child exited. */
const DEFAULT_DRAIN_TIMEOUT = 500;
/** Default limit of captured bytes per stream. */
const DEFAULT_MAX_BUFFER = 128 * 1024 * 1024;

/** Checks every {@linkcode SpawnOptions} field and fills in defaults. */
export function validateSpawnOptions(
  options: Unchecked<SpawnOptions>,
  defaults: SpawnDefaults = {},
): SpawnPlan {
  const cwd = validateCwd(options.cwd);
  const newSession = optionalBoolean(
    "newSession",
    options.newSession,
    defaults.newSession ?? false,
  );
  const plan: SpawnPlan = {
    cwd,
    env: validateEnv(options.env),
    clearEnv: optionalBoolean("clearEnv", options.clearEnv, false),
    stdin: validateStdio("stdin", options.stdin),
    stdout: validateStdio("stdout", options.stdout),
    stderr: validateStderr(options.stderr),
    newSession,
    contain: optionalChoice(
      "contain",
      options.contain,
      CONTAIN_MODES,
      newSession ? "auto" : "tree",
    ),
    timeout: optionalMs("timeout", options.timeout),
    ...validateStopping(options),
    signal: validateAbortSignal(options.signal),
    killOnParentExit: validateParentDeath(options.killOnParentExit),
    cleanup: optionalBoolean("cleanup", options.cleanup, true),
    drainTimeout: validateMs(
      "drainTimeout",
      options.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT,
    ),
    maxBuffer: validateMs(
      "maxBuffer",
      options.maxBuffer ?? DEFAULT_MAX_BUFFER,
      "bytes",
    ),
    windows: validateWindows(options.windows, defaults.detached ?? false),
  };
  return withReady(plan, options.ready);
}

function validateAbortSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new TypeError(
    `Expected the \`signal\` option to be an AbortSignal, got ${
      describe(value)
    }`,
  );
}

/** `killOnParentExit`: `true` is SIGKILL, a signal name that signal. */
function validateParentDeath(value: unknown): Signal | false {
  if (value === undefined || value === false) return false;
  if (value === true) return "SIGKILL";
  if (typeof value !== "string") {
    throw new TypeError(
      `Expected the \`killOnParentExit\` option to be a boolean or a signal name such as "SIGTERM", got ${
        describe(value)
      }`,
    );
  }
  return validateSignal("killOnParentExit", value);
}

/** `windows: {…}`; a `detached` child breaks away from our job unless
 * told not to. */
function validateWindows(
  value: unknown,
  detached: boolean,
): WindowsSpawnRequest {
  const options = value === undefined
    ? {}
    : validateOptionGroup("windows", value, WINDOWS_KEYS);
  const breakaway = options.breakawayFromJob;
  if (
    breakaway !== undefined && breakaway !== "try" &&
    typeof breakaway !== "boolean"
  ) {
    throw new TypeError(
      `Expected the \`windows.breakawayFromJob\` option to be true, false or "try", got ${
        describe(breakaway)
      }`,
    );
  }
  return {
    breakawayFromJob: breakaway ?? (detached ? "try" : false),
    hide: optionalBoolean("windows.hide", options.hide, true),
    detached,
  };
}
