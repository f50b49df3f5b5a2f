/**
 * Dying of the signal we received, after cleaning up.
 *
 * A listener for a signal suppresses the runtime's default action, so after
 * cleaning up we send the signal to ourselves again with no listener left.
 * A shell then sees that we died of SIGINT and stops its script, as it does
 * when a child dies of Ctrl-C (an exit code of 130 would make it go on).
 *
 * @module
 */

import process from "node:process";
import type { Signal } from "../types.ts";
import { signalExitCode } from "./exit_codes.ts";

/**
 * Re-raises `signal` on this process (no listener may be left for it).
 *
 * @returns 128 + the signal's number, the exit code to use should we
 * survive it (PID 1 ignores signals it has no handler for).
 */
export function reraise(signal: Signal): number {
  try {
    process.kill(process.pid, signal);
  } catch {
    // a system that can't signal itself: the exit code says it
  }
  return signalExitCode(signal);
}
