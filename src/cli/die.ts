/**
 * Ending the way CMD ended, as GNU `timeout` does: by the same signal, so
 * that a shell sees it (and stops its script on Ctrl-C) — except for signals
 * that dump core by default, which would dump this runtime's core: those
 * give the exit code a shell shows for them, 128 + N.
 *
 * @module
 */

import { reraise } from "../reraise.ts";
import type { Signal } from "../types.ts";
import { signalExitCode } from "./exit_codes.ts";

/** Signals whose default action dumps core. */
const DUMPS_CORE: ReadonlySet<Signal> = new Set<Signal>([
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGSEGV",
  "SIGSYS",
  "SIGXCPU",
  "SIGXFSZ",
]);

/** Dies of `signal` (no listener of ours may be left for it), or resolves
 * with 128 + N where that can't or mustn't be done. */
export async function dieOf(signal: Signal): Promise<number> {
  if (DUMPS_CORE.has(signal)) return signalExitCode(signal);
  return await reraise(signal);
}
