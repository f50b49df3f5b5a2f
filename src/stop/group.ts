/**
 * Stopping a process group: `kill(-pgid)` while its leader runs, then its
 * members one by one.
 *
 * While the leader is not reaped its PID can't be reused, so `kill(-pgid)`
 * reaches exactly its group. Once it is gone, the members left in the table
 * are signalled one by one; the kernel gives a group's id to no new process
 * while any member is left. A group that emptied and whose id a new session
 * took since can't be told from ours: no start stamp could, as that session
 * started after the leader, like the leader's own members.
 *
 * @module
 */

import { os } from "../os/select.ts";
import { liveGroupMembers, type Member } from "./members.ts";
import { withContinue } from "../runtime/signals.ts";
import type { StopStrategy } from "./strategy.ts";

/** The strategy for the group `leader` leads (its id is the leader's PID). */
export function groupStrategy(
  leader: Member,
  wake?: Promise<unknown>,
): StopStrategy {
  const pgid = leader.pid;
  const members = () => liveGroupMembers(pgid).map((row) => row.pid);
  const send = (signal: Parameters<Member["signal"]>[0]) => {
    if (leader.runs()) {
      os.signalGroup(pgid, signal);
      return;
    }
    for (const pid of members()) os.signal(pid, signal);
  };
  return {
    what: `the process group of process ${pgid}`,
    pid: pgid,
    gone: () => !leader.runs() && members().length === 0,
    survivors() {
      const left = members();
      if (leader.runs() && !left.includes(pgid)) left.push(pgid);
      return left;
    },
    ask: (signal) => withContinue(send, signal),
    force: () => send("SIGKILL"),
    ...(wake === undefined ? {} : { wake }),
  };
}
