/**
 * The one way a set of processes is stopped, whatever the set:
 *
 * 1. **Ask**: the first signal (SIGTERM by default) to everything in the
 *    set, then SIGCONT so that a stopped process can act on it.
 * 2. **Wait** up to `grace` for the set to be gone (zombies count as gone:
 *    they run nothing, and PID 1 may never reap them).
 * 3. **Force**: SIGKILL (or `cgroup.kill`) what is left, again every
 *    {@linkcode FORCE_RETRY_MS} in case something new appeared, for up to
 *    {@linkcode KILL_WAIT_MS}.
 * 4. **Survivors**: anything still running then (another user's process, a
 *    process stuck in the kernel) makes the stop fail with a
 *    `SubprocessError` naming it — the one rule, for every strategy.
 *
 * A first signal of SIGKILL skips straight to step 3. The strategy's
 * `finish` runs at the end either way (it removes a cgroup that emptied,
 * closes the handles a Windows stop kept).
 *
 * @module
 */

import { SubprocessError } from "../errors.ts";
import type { Signal } from "../types.ts";
import { KILL_WAIT_MS, pollUntil } from "../wait.ts";
import type { StopStrategy } from "./strategy.ts";

/** How often the force step is repeated while something is left. */
export const FORCE_RETRY_MS = 100;

/**
 * Stops everything `strategy` covers: `signal`, `grace` ms, then the end.
 * Resolves once all of it is gone.
 *
 * @throws {SubprocessError} Something survived the end.
 */
export async function runLadder(
  strategy: StopStrategy,
  signal: Signal,
  grace: number,
): Promise<void> {
  try {
    if (!strategy.gone()) await escalate(strategy, signal, grace);
  } finally {
    strategy.finish?.();
  }
}

async function escalate(
  strategy: StopStrategy,
  signal: Signal,
  grace: number,
): Promise<void> {
  const gone = () => strategy.gone();
  const { wake, pollMs } = strategy;
  if (signal !== "SIGKILL") {
    await strategy.ask(signal);
    if (await pollUntil(gone, grace, wake, pollMs)) return;
  }
  const deadline = performance.now() + KILL_WAIT_MS;
  do {
    strategy.force();
    if (await pollUntil(gone, FORCE_RETRY_MS, wake, pollMs)) return;
  } while (performance.now() < deadline);
  const left = strategy.survivors();
  if (left.length === 0) return;
  throw new SubprocessError(
    `Cannot stop ${strategy.what}: ${left.length} process(es) survived SIGKILL (${
      left.join(", ")
    })`,
    { cmd: [], pid: strategy.pid },
  );
}
