/**
 * The processes a stop may signal, and the checks made before every signal
 * to a PID: a child of ours until it is reaped, or a process seen in the
 * table while it keeps its start stamp.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import type { ExitStatus, Signal } from "../types.ts";

/** One process a stop may signal. */
export interface Member {
  readonly pid: number;
  /** `true` while its PID is still this process's. */
  runs(): boolean;
  /** Signals it if it still runs. */
  signal(signal: Signal): void;
}

/** What the stop logic needs to know about a child of ours. */
export interface ChildTarget {
  readonly pid: number;
  /** Its own group's id, when it leads one. */
  readonly pgid: number | undefined;
  readonly status: Promise<ExitStatus>;
  /** The absolute path of its cgroup, when it has one. */
  readonly cgroup: string | null;
  /** The token its descendants inherit in their environment, when it is
   * contained without a cgroup. */
  readonly token: string | undefined;
  /** `true` once the runtime reaped the child: its PID is no longer ours. */
  exited(): boolean;
  /** Signals the direct child unless it was reaped. */
  kill(signal: Signal): boolean;
}

/** A child of ours: it runs until reaped (a zombie's PID is still its). */
export function childMember(child: ChildTarget): Member {
  return {
    pid: child.pid,
    runs: () => !child.exited(),
    signal: (signal) => void child.kill(signal),
  };
}

/** A process seen in the table: it runs while its stamp is unchanged. */
export function seenMember(row: ProcessInfo): Member {
  return {
    pid: row.pid,
    runs: () => stillRuns(row),
    signal(signal) {
      if (stillRuns(row)) os.signal(row.pid, signal);
    },
  };
}

/** `true` while `row` still runs: same PID, same start stamp, not a
 * zombie. A different stamp means the PID was reused. */
export function stillRuns(row: ProcessInfo): boolean {
  const now = os.info(row.pid);
  return now !== null && !now.zombie && now.startKey === row.startKey;
}

/** The live members of group `pgid`. (No start-stamp check is needed: the
 * kernel gives a group's id to no new process while any member is left.) */
export function liveGroupMembers(pgid: number): ProcessInfo[] {
  // Fast path: no process at all in the group (zombies would still count).
  if (!os.groupExists(pgid)) return [];
  return os.list().filter((row) => row.pgid === pgid && !row.zombie);
}
