/**
 * Stopping a process we did not start — known only by its PID, e.g. from a
 * pidfile — by scope: the process alone, the process group it leads, or its
 * tree. We can't reap such a process, so its PID is checked against the
 * start stamp seen at first before each signal (see `members.ts`).
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { assertMaySignal } from "../safety.ts";
import type { Signal, StopScope } from "../types.ts";
import { groupStrategy } from "./group.ts";
import { runLadder } from "./ladder.ts";
import { seenMember } from "./members.ts";
import { processStrategy } from "./process.ts";
import { foreignTreeStrategy } from "./tree_by_os.ts";

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
  if (scope === "tree") return await stopForeignTree(leader.pid, signal, grace);
  if (scope === "group" && leader.pgid !== leader.pid) {
    throw new RangeError(
      `Cannot stop the group of process ${leader.pid}: it leads no process group (its group is ${leader.pgid})`,
    );
  }
  const member = seenMember(leader);
  const strategy = scope === "group"
    ? groupStrategy(member)
    : processStrategy(member);
  await removingStaleCgroup(
    leader.pid,
    () => runLadder(strategy, signal, grace),
  );
}

/** Stops the tree of `root`, a process we did not start. */
export async function stopForeignTree(
  root: number,
  signal: Signal,
  grace: number,
): Promise<void> {
  await removingStaleCgroup(
    root,
    () => runLadder(foreignTreeStrategy(root), signal, grace),
  );
}

/** Runs `stop`, then removes `pid`'s cgroup if it is one of ours that the
 * stop emptied and whose maker is gone (a detached child of another
 * process: nobody else is left to remove it). */
async function removingStaleCgroup(
  pid: number,
  stop: () => Promise<void>,
): Promise<void> {
  const cgroup = os.cgroups?.of(pid) ?? null;
  await stop();
  if (cgroup !== null) os.cgroups?.removeIfStale(cgroup);
}
