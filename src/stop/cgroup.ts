/**
 * Stopping everything in a cgroup (Linux): nothing a contained child
 * started can be outside it, however it forked or whatever it did with its
 * environment.
 *
 * Asking freezes the cgroup (`cgroup.freeze`: nothing in it runs, so
 * nothing forks while it is being listed), sends the signal and SIGCONT to
 * every member, and thaws it. Forcing freezes it again and writes
 * `cgroup.kill`, which the kernel applies to processes forking meanwhile
 * too. The set is gone when
 * `cgroup.events` says `populated 0`; the directory is then removed.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { Cgroups } from "../os/types.ts";
import { withContinue } from "../runtime/signals.ts";
import type { Signal } from "../types.ts";
import { pollUntil } from "../wait.ts";
import type { StopStrategy } from "./strategy.ts";

/** How long asking waits for the cgroup to be frozen. A process inside the
 * kernel (state D) may delay it; it is then signalled unfrozen, and what it
 * starts meanwhile is still ended by `cgroup.kill` after the grace period. */
const FREEZE_WAIT_MS = 500;

/** How often `cgroup.events` is read while waiting: one small file, cheap
 * enough to read every millisecond (a process-table scan is not). */
const EVENTS_POLL_MS = 1;

/**
 * Freezes cgroup `dir` (again, harmlessly, if the caller did), sends `signal` and then
 * SIGCONT to every member, and thaws it: a frozen process can't fork, so
 * the list is complete, and each acts on the signal once thawed.
 */
export function signalFrozen(
  cgroups: Cgroups,
  dir: string,
  signal: Signal,
): void {
  cgroups.setFrozen(dir, true);
  try {
    const members = cgroups.members(dir);
    withContinue((s) => {
      for (const member of members) os.signal(member, s);
    }, signal);
  } finally {
    cgroups.setFrozen(dir, false);
  }
}

/** The strategy for cgroup `dir`, made for process `pid`; `wake` settles
 * when that process (a child of ours) ends. */
export function cgroupStrategy(
  cgroups: Cgroups,
  dir: string,
  pid: number,
  wake?: Promise<unknown>,
): StopStrategy {
  return {
    what: `the cgroup of process ${pid} (${dir})`,
    pid,
    gone: () => !cgroups.isPopulated(dir),
    survivors: () => cgroups.members(dir),
    async ask(signal) {
      // Frozen before the members are listed, so that none forks meanwhile.
      cgroups.setFrozen(dir, true);
      await pollUntil(
        () => cgroups.isFrozen(dir),
        FREEZE_WAIT_MS,
        undefined,
        EVENTS_POLL_MS,
      );
      signalFrozen(cgroups, dir, signal);
    },
    force() {
      // Frozen first: no member can act on another's death before its own
      // SIGKILL lands (frozen processes still die of it).
      cgroups.setFrozen(dir, true);
      cgroups.kill(dir);
    },
    ...(wake === undefined ? {} : { wake }),
    pollMs: EVENTS_POLL_MS,
    finish: () => void cgroups.remove(dir),
  };
}
