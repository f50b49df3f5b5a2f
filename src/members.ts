/**
 * Is a process we saw still the same process, and who is left in a group —
 * the checks made before every signal to a PID we did not just reap.
 *
 * @module
 */

import { os } from "./os/select.ts";
import type { ProcessInfo } from "./os/types.ts";

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
