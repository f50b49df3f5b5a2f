/**
 * Signal names, their numbers on this system, and validation.
 *
 * @module
 */

import { host } from "./host.ts";
import type { Signal } from "../types.ts";
import { describe } from "../describe.ts";

const SIGNAL_NAMES: ReadonlySet<string> = new Set<Signal>([
  "SIGABRT",
  "SIGALRM",
  "SIGBREAK",
  "SIGBUS",
  "SIGCHLD",
  "SIGCONT",
  "SIGFPE",
  "SIGHUP",
  "SIGILL",
  "SIGINT",
  "SIGIO",
  "SIGKILL",
  "SIGPIPE",
  "SIGPROF",
  "SIGPWR",
  "SIGQUIT",
  "SIGSEGV",
  "SIGSTKFLT",
  "SIGSTOP",
  "SIGSYS",
  "SIGTERM",
  "SIGTRAP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGUSR1",
  "SIGUSR2",
  "SIGVTALRM",
  "SIGWINCH",
  "SIGXCPU",
  "SIGXFSZ",
]);

let table: Readonly<Record<string, number>> | undefined;

/** This system's signal numbers, read once. */
function numbers(): Readonly<Record<string, number>> {
  return table ??= host.signalNumbers();
}

/** `true` when `value` is a signal name this library knows. */
export function isSignal(value: unknown): value is Signal {
  return typeof value === "string" && SIGNAL_NAMES.has(value);
}

/** Checks a signal option and returns it; throws naming the option. */
export function validateSignal(option: string, value: unknown): Signal {
  if (typeof value !== "string") {
    throw new TypeError(
      `Expected the \`${option}\` option to be a signal name such as "SIGTERM", got ${
        describe(value)
      }`,
    );
  }
  if (!SIGNAL_NAMES.has(value) || signalNumber(value as Signal) === undefined) {
    throw new RangeError(
      `Expected the \`${option}\` option to be a signal name this system knows, such as "SIGTERM", got "${value}"`,
    );
  }
  return value as Signal;
}

/** The number of `signal` on this system, or `undefined` when it has none. */
export function signalNumber(signal: Signal): number | undefined {
  return numbers()[signal];
}

/** The name of signal number `n` on this system, or `null`. */
export function signalName(n: number): Signal | null {
  for (const name of SIGNAL_NAMES) {
    if (numbers()[name] === n) return name as Signal;
  }
  return null;
}

/** Sends `signal` through `send`, then SIGCONT unless `signal` is SIGKILL
 * or SIGCONT: a stopped process acts on a signal only once continued. */
export function withContinue(
  send: (signal: Signal) => void,
  signal: Signal,
): void {
  send(signal);
  if (signal !== "SIGKILL" && signal !== "SIGCONT") send("SIGCONT");
}
