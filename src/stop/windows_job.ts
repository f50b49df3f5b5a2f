/**
 * Stopping a child of ours on Windows with everything it started: they all
 * sit in a job of ours, so the set is the job.
 *
 * - **Gone**: the job runs nothing (and the child itself has exited).
 * - **Ask**: CTRL_BREAK where the signal asks (SIGTERM, SIGINT, …) and the
 *   child leads its own console group on our console (`newSession`; see
 *   `os/windows/signals.ts`); otherwise the job is ended at once, as Windows
 *   can do nothing gentler.
 * - **Force**: `TerminateJobObject`.
 *
 * A descendant that broke away from the job (`CREATE_BREAKAWAY_FROM_JOB`)
 * is out of reach, as it meant to be.
 *
 * @module
 */

import type { Kernel32 } from "../os/windows/kernel32.ts";
import {
  askChild,
  childTreeMembers,
  childTreeRuns,
  endChildTree,
  type OwnChild,
} from "../os/windows/own_children.ts";
import { windowsAction } from "../os/windows/signals.ts";
import type { StopStrategy } from "./strategy.ts";

/** The strategy for `child` and its job; `wake` settles when the child
 * ends. */
export function windowsJobStrategy(
  k: Kernel32,
  child: OwnChild,
  wake?: Promise<unknown>,
): StopStrategy {
  return {
    what: `the tree of process ${child.pid}`,
    pid: child.pid,
    gone: () => !childTreeRuns(k, child),
    survivors: () => childTreeMembers(k, child),
    ask(signal) {
      if (windowsAction(signal) === "ask" && askChild(k, child, signal)) return;
      endChildTree(k, child);
    },
    force: () => void endChildTree(k, child),
    ...(wake === undefined ? {} : { wake }),
  };
}
