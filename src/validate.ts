/**
 * Argument checks. Each throws a `TypeError` (wrong type) or `RangeError`
 * (value out of range) whose message names the option and the value, before
 * anything is started.
 *
 * @module
 */

import type { ReadyPlan } from "./ready/validate.ts";
import { dirname, statSync } from "./runtime/node_builtins.ts";
import type { ResolvedStderr, ResolvedStdio } from "./runtime/types.ts";
import { describe } from "./describe.ts";
import { bytesOf, isReadableStream, type ResolvedInput } from "./stdin_feed.ts";
import { validateSignal } from "./signals.ts";
import type {
  ContainMode,
  Signal,
  SpawnOptions,
  StdioOption,
  StopScope,
} from "./types.ts";

function hasNul(text: string): boolean {
  return text.includes("\0");
}

/**
 * Checks that `text`, which reaches the OS as bytes, has a UTF-8 encoding:
 * a lone surrogate has none, and encoding it anyway (as every runtime does)
 * gives the child U+FFFD instead of what the caller wrote. `what` names the
 * value in the message, e.g. "`cmd[1]`".
 */
export function validateEncodable(what: string, text: string): void {
  const at = loneSurrogateAt(text);
  if (at === -1) return;
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  throw new TypeError(
    `Expected ${what} to be well-formed Unicode, got ${
      describe(text)
    }: it holds a lone surrogate (U+${unit} at index ${at}), which has no UTF-8 encoding, so the child would get other bytes than these`,
  );
}

/** The index of the first lone surrogate in `text`, or -1. */
function loneSurrogateAt(text: string): number {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (native?.call(text) ?? false) return -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}

/** Checks `cmd` and returns a frozen copy. */
export function validateCmd(cmd: unknown): readonly string[] {
  if (!Array.isArray(cmd)) {
    throw new TypeError(
      `Expected \`cmd\` to be an array of strings such as ["ls", "-l"], got ${
        describe(cmd)
      }`,
    );
  }
  if (cmd.length === 0) {
    throw new RangeError(
      "Expected `cmd` to name a program, got an empty array",
    );
  }
  cmd.forEach((arg, i) => {
    if (typeof arg !== "string") {
      throw new TypeError(
        `Expected \`cmd[${i}]\` to be a string, got ${describe(arg)}`,
      );
    }
    if (hasNul(arg)) {
      throw new RangeError(
        `Expected \`cmd[${i}]\` to hold no NUL byte, got ${describe(arg)}`,
      );
    }
    validateEncodable(`\`cmd[${i}]\``, arg);
  });
  if (cmd[0] === "") {
    throw new RangeError('Expected `cmd[0]` to name a program, got ""');
  }
  return Object.freeze([...cmd]);
}

const encoder = new TextEncoder();

/**
 * Checks `input` (of `run()` and `communicate()`): a string (sent as UTF-8),
 * any `ArrayBufferView` (its bytes, not copied), or a `ReadableStream` of
 * byte chunks; `undefined` stays `undefined`.
 */
export function validateInput(value: unknown): ResolvedInput | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    validateEncodable("`input`", value);
    return encoder.encode(value);
  }
  if (ArrayBuffer.isView(value)) return bytesOf(value);
  if (isReadableStream(value)) {
    if (value.locked) {
      throw new TypeError(
        "Cannot read the `input` stream: it is locked (another reader holds it)",
      );
    }
    return value;
  }
  throw new TypeError(
    `Expected \`input\` to be a string, an ArrayBufferView (such as a Uint8Array) or a ReadableStream of bytes, got ${
      describe(value)
    }`,
  );
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

/** Checks an optional boolean. */
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

/** Checks an options argument: `undefined` or a plain object without
 * unknown keys (a misspelt option would otherwise be silently ignored). */
export function validateOptionsObject(
  fn: string,
  value: unknown,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `Expected the options of ${fn}() to be an object, got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new TypeError(
        `Unknown option \`${key}\` given to ${fn}(); known options: ${
          [...known].join(", ")
        }`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/** The option names of {@linkcode SpawnOptions}. */
export const SPAWN_OPTION_KEYS: ReadonlySet<string> = new Set([
  "cwd",
  "env",
  "clearEnv",
  "stdin",
  "stdout",
  "stderr",
  "newSession",
  "contain",
  "timeout",
  "killSignal",
  "grace",
  "signal",
  "killOnParentExit",
  "cleanup",
  "drainTimeout",
  "maxBuffer",
  "windows",
  "ready",
]);

/** Spawn options after validation, with defaults filled in. */
export interface SpawnPlan {
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly clearEnv: boolean;
  readonly stdin: ResolvedStdio;
  readonly stdout: ResolvedStdio;
  readonly stderr: ResolvedStderr;
  readonly newSession: boolean;
  readonly contain: ContainMode;
  readonly timeout: number | undefined;
  readonly killSignal: Signal;
  readonly grace: number;
  readonly signal: AbortSignal | undefined;
  /** The parent-death signal, or `false` for none. */
  readonly killOnParentExit: Signal | false;
  readonly cleanup: boolean;
  readonly drainTimeout: number;
  readonly maxBuffer: number;
  readonly breakawayFromJob: boolean | "try";
  readonly hide: boolean;
  /** Set by `detach()`: the child must outlive us (Windows: a console of
   * its own, breakaway when allowed). */
  readonly detached?: boolean;
  /** Set by `spawn()` and `detach()` (`../ready/validate.ts`). */
  readonly ready?: ReadyPlan;
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

/** Default milliseconds between the first signal and SIGKILL. */
export const DEFAULT_GRACE = 2000;
/** Default first signal of a stop. */
export const DEFAULT_KILL_SIGNAL: Signal = "SIGTERM";
/** Default bounded drain after the child exited. */
export const DEFAULT_DRAIN_TIMEOUT = 500;
/** Default limit of captured bytes per stream. */
export const DEFAULT_MAX_BUFFER = 128 * 1024 * 1024;

/** Checks every {@linkcode SpawnOptions} field and fills in defaults. */
export function validateSpawnOptions(
  options: SpawnOptions,
  defaults: { readonly newSession?: boolean } = {},
): SpawnPlan {
  const cwd = validateCwd(options.cwd);
  const windows = validateWindows(options.windows);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Expected the \`signal\` option to be an AbortSignal, got ${
        describe(signal)
      }`,
    );
  }
  const newSession = optionalBoolean(
    "newSession",
    options.newSession,
    defaults.newSession ?? false,
  );
  const maxBuffer = validateMs(
    "maxBuffer",
    options.maxBuffer ?? DEFAULT_MAX_BUFFER,
    "bytes",
  );
  return {
    cwd,
    env: validateEnv(options.env),
    clearEnv: optionalBoolean("clearEnv", options.clearEnv, false),
    stdin: validateStdio("stdin", options.stdin),
    stdout: validateStdio("stdout", options.stdout),
    stderr: validateStderr(options.stderr),
    newSession,
    contain: validateContain(options.contain, newSession ? "auto" : "tree"),
    timeout: optionalMs("timeout", options.timeout),
    killSignal: options.killSignal === undefined
      ? DEFAULT_KILL_SIGNAL
      : validateSignal("killSignal", options.killSignal),
    grace: validateMs("grace", options.grace ?? DEFAULT_GRACE),
    signal,
    killOnParentExit: validateParentDeath(options.killOnParentExit),
    cleanup: optionalBoolean("cleanup", options.cleanup, true),
    drainTimeout: validateMs(
      "drainTimeout",
      options.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT,
    ),
    maxBuffer,
    ...windows,
  };
}

/** The values of the `contain` option. */
export const CONTAIN_MODES: readonly ContainMode[] = ["auto", "cgroup", "tree"];

function validateContain(value: unknown, fallback: ContainMode): ContainMode {
  if (value === undefined) return fallback;
  if (CONTAIN_MODES.includes(value as ContainMode)) return value as ContainMode;
  throw new TypeError(
    `Expected the \`contain\` option to be "auto", "cgroup" or "tree", got ${
      describe(value)
    }`,
  );
}

function validateCwd(cwd: unknown): string | undefined {
  if (cwd === undefined) return undefined;
  if (typeof cwd !== "string" || cwd === "") {
    throw new TypeError(
      `Expected the \`cwd\` option to be a non-empty path, got ${
        describe(cwd)
      }`,
    );
  }
  if (hasNul(cwd)) {
    throw new RangeError(
      `Expected the \`cwd\` option to hold no NUL byte, got ${describe(cwd)}`,
    );
  }
  validateEncodable("the `cwd` option", cwd);
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    throw new RangeError(
      `Cannot use the \`cwd\` option ${describe(cwd)}: no such directory`,
    );
  }
  if (!isDirectory) {
    throw new RangeError(
      `Cannot use the \`cwd\` option ${describe(cwd)}: not a directory`,
    );
  }
  return cwd;
}

function validateEnv(
  env: unknown,
): Readonly<Record<string, string>> | undefined {
  if (env === undefined) return undefined;
  if (env === null || typeof env !== "object" || Array.isArray(env)) {
    throw new TypeError(
      `Expected the \`env\` option to be an object of strings, got ${
        describe(env)
      }`,
    );
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === "" || key.includes("=") || hasNul(key)) {
      throw new RangeError(
        `Expected the \`env\` option's keys to be non-empty and hold no "=" or NUL byte, got ${
          describe(key)
        }`,
      );
    }
    validateEncodable("an `env` key", key);
    if (typeof value !== "string") {
      throw new TypeError(
        `Expected \`env.${key}\` to be a string, got ${describe(value)}`,
      );
    }
    if (hasNul(value)) {
      throw new RangeError(
        `Expected \`env.${key}\` to hold no NUL byte, got ${describe(value)}`,
      );
    }
    validateEncodable(`\`env.${key}\``, value);
    copy[key] = value;
  }
  return copy;
}

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
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const { file, append } = value as StdioOption & Record<string, unknown>;
    if (typeof file !== "string" || file === "" || hasNul(file)) {
      throw new TypeError(
        `Expected \`${option}.file\` to be a non-empty path, got ${
          describe(file)
        }`,
      );
    }
    validateEncodable(`\`${option}.file\``, file);
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

function validateWindows(
  value: unknown,
): { breakawayFromJob: boolean | "try"; hide: boolean } {
  if (value === undefined) return { breakawayFromJob: false, hide: true };
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `Expected the \`windows\` option to be an object, got ${describe(value)}`,
    );
  }
  const { breakawayFromJob, hide } = value as Record<string, unknown>;
  if (
    breakawayFromJob !== undefined && breakawayFromJob !== "try" &&
    typeof breakawayFromJob !== "boolean"
  ) {
    throw new TypeError(
      `Expected the \`windows.breakawayFromJob\` option to be true, false or "try", got ${
        describe(breakawayFromJob)
      }`,
    );
  }
  return {
    breakawayFromJob: (breakawayFromJob as boolean | "try" | undefined) ??
      false,
    hide: optionalBoolean("windows.hide", hide, true),
  };
}

/** `stop()` and `killTree()` options after validation. */
export interface StopPlan {
  readonly signal: Signal;
  readonly grace: number;
  readonly scope: StopScope | undefined;
}

const STOP_SCOPES: readonly StopScope[] = ["process", "group", "tree"];

/**
 * Checks the options of `fn` (`stop` or `killTree`, whose `known` keys
 * differ) and fills in `defaults` (the spawn's `killSignal` and `grace`, or
 * the library's).
 */
export function validateStopOptions(
  fn: string,
  options: unknown,
  known: ReadonlySet<string>,
  defaults: { readonly signal: Signal; readonly grace: number } = {
    signal: DEFAULT_KILL_SIGNAL,
    grace: DEFAULT_GRACE,
  },
): StopPlan {
  const opts = validateOptionsObject(fn, options, known);
  const scope = opts.scope;
  if (scope !== undefined && !STOP_SCOPES.includes(scope as StopScope)) {
    throw new RangeError(
      `Expected the \`scope\` option to be "process", "group" or "tree", got ${
        describe(scope)
      }`,
    );
  }
  return {
    signal: opts.signal === undefined
      ? defaults.signal
      : validateSignal("signal", opts.signal),
    grace: opts.grace === undefined
      ? defaults.grace
      : validateMs("grace", opts.grace),
    scope: scope as StopScope | undefined,
  };
}
