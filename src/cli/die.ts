/**
 * Ending the way CMD ended, as GNU `timeout` does: by the same signal, so
 * that a shell sees it (and stops its script on Ctrl-C) — except for signals
 * that dump core by default, which would dump this runtime's core: those
 * give the exit code a shell shows for them, 128 + N.
 *
 * @module
 */

import { reraise } from "../reraise.ts";
import { signalNumber } from "../runtime/signals.ts";
import type { Signal } from "../types.ts";

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

/** `true` when `signal` dumps core by default. */
function dumpsCore(signal: Signal): boolean {
  return DUMPS_CORE.has(signal);
}

/** Dies of `signal` (no listener of ours may be left for it), or resolves
 * with 128 + N where that can't or mustn't be done. */
export async function dieOf(signal: Signal): Promise<number> {
  if (dumpsCore(signal)) return 128 + (signalNumber(signal) ?? 0);
  return await reraise(signal);
}
