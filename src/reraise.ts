/**
 * Dying of a signal we caught, after cleaning up.
 *
 * A listener for a signal suppresses the runtime's default action, so after
 * cleaning up (with our listener removed) we send the signal to ourselves
 * again: the process then dies of it, and a shell sees that (and stops its
 * script on Ctrl-C, where an exit code of 130 would let it go on).
 *
 * @module
 */

import { process } from "./runtime/host.ts";
import { signalNumber } from "./runtime/signals.ts";
import type { Signal } from "./types.ts";
import { sleep } from "./wait.ts";

/** How long a re-raised signal may take to end us before we try again. */
const RETRY_MS = 100;

function raise(signal: Signal): void {
  try {
    process.kill(process.pid, signal);
  } catch {
    // a system that can't signal itself: the exit code will say it
  }
}

/**
 * Re-raises `signal` on this process; no listener of ours may be left for
 * it. Deno releases a signal handler asynchronously, so a signal re-raised at
 * once can land while the handler is still installed and be swallowed (seen
 * under load), hence one retry. Resolves only if we survived both (PID 1, or
 * another listener): the caller then exits with the returned 128 + N, as the
 * signal would have.
 */
export async function reraise(signal: Signal): Promise<number> {
  raise(signal);
  await sleep(RETRY_MS);
  raise(signal);
  await sleep(RETRY_MS);
  return 128 + (signalNumber(signal) ?? 0);
}
