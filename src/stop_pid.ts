/**
 * Stopping a process we did not start — known only by its PID, e.g. from a
 * pidfile — by scope: the process alone, the process group it leads, or its
 * tree. Each sends the first signal (and SIGCONT), waits up to `grace` for
 * everything in scope to be gone, then SIGKILLs what is left.
 *
 * We can't reap such a process, so its PID is checked against the start
 * stamp seen at first (`leader.startKey`) before each signal. While the
 * leader runs, its PID can't be reused, so `kill(-pgid)` reaches exactly its
 * group; once it is gone, the members left in the table are signalled one
 * by one (the kernel gives a group's id to no new process while any member
 * is left).
 *
 * @module
 */

import { SubprocessError } from "./errors.ts";
import { liveGroupMembers, stillRuns } from "./members.ts";
import { os } from "./os/select.ts";
import type { ProcessInfo } from "./os/types.ts";
import { assertMaySignal } from "./safety.ts";
import { stopTree } from "./tree.ts";
import type { Signal, StopScope } from "./types.ts";
import { KILL_WAIT_MS, pollUntil } from "./wait.ts";

/** Which of `scope` still runs: the PIDs. */
function left(leader: ProcessInfo, scope: "process" | "group"): number[] {
  if (scope === "process") return stillRuns(leader) ? [leader.pid] : [];
  const pids = liveGroupMembers(leader.pid).map((row) => row.pid);
  if (stillRuns(leader) && !pids.includes(leader.pid)) pids.push(leader.pid);
  return pids;
}

function send(
  leader: ProcessInfo,
  scope: "process" | "group",
  signal: Signal,
): void {
  if (stillRuns(leader)) {
    if (scope === "group") os.signalGroup(leader.pid, signal);
    else os.signal(leader.pid, signal);
    return;
  }
  if (scope === "group") {
    for (const member of liveGroupMembers(leader.pid)) {
      os.signal(member.pid, signal);
    }
  }
}

async function stopScope(
  leader: ProcessInfo,
  scope: "process" | "group",
  signal: Signal,
  grace: number,
): Promise<void> {
  const gone = () => left(leader, scope).length === 0;
  if (gone()) return;
  send(leader, scope, signal);
  if (signal !== "SIGKILL" && signal !== "SIGCONT") {
    send(leader, scope, "SIGCONT");
  }
  if (await pollUntil(gone, grace)) return;
  send(leader, scope, "SIGKILL");
  if (await pollUntil(gone, KILL_WAIT_MS)) return;
  const pids = left(leader, scope);
  throw new SubprocessError(
    `Cannot stop process ${leader.pid}: ${pids.length} process(es) survived SIGKILL (${
      pids.join(", ")
    })`,
    { cmd: [], pid: leader.pid },
  );
}

/**
 * Stops the process `leader` describes (a row read from the process table)
 * within `scope`, and resolves once everything in scope is gone. `"group"`
 * needs a process that leads its own group (`pgid == pid`).
 *
 * @throws {RangeError} `leader` is this process, its group leader or an
 * ancestor; or `scope` is `"group"` and it leads no group.
 * @throws {SubprocessError} Something in scope survived SIGKILL (e.g. it
 * belongs to another user).
 */
export async function stopPid(
  leader: ProcessInfo,
  scope: StopScope,
  signal: Signal,
  grace: number,
): Promise<void> {
  assertMaySignal("pid", leader.pid);
  if (scope === "tree") return await stopTree(leader.pid, signal, grace);
  if (scope === "group" && leader.pgid !== leader.pid) {
    throw new RangeError(
      `Cannot stop the group of process ${leader.pid}: it leads no process group (its group is ${leader.pgid})`,
    );
  }
  await stopScope(leader, scope, signal, grace);
}
