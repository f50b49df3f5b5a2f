/**
 * Stopping one child we started, by scope: the process, its group, or its
 * tree — by default, for a child that leads its own group, the group plus
 * the subtrees that left it with `setsid` (else the tree). Each sends the first signal, waits up to `grace`, then SIGKILLs what
 * is left, and resolves with the child's final status.
 *
 * @module
 */

import { liveGroupMembers } from "./members.ts";
import { os } from "./os/select.ts";
import { collectTree, stopTree } from "./tree.ts";
import type { ExitStatus, Signal, StopScope } from "./types.ts";
import { KILL_WAIT_MS, pollUntil, settlesWithin } from "./wait.ts";

/** What the stop logic needs to know about a child of ours. */
export interface StopTarget {
  readonly pid: number;
  /** Its own group's id, when it leads one. */
  readonly pgid: number | undefined;
  readonly status: Promise<ExitStatus>;
  /** `true` once the runtime reaped the child: its PID is no longer ours. */
  exited(): boolean;
  /** Signals the direct child unless it was reaped. */
  kill(signal: Signal): boolean;
}

/**
 * Stops `target` within `scope` (default: its group and the descendants that
 * left it, for a child that leads its own group; else its tree); resolves
 * with its final status.
 */
export async function stopChild(
  target: StopTarget,
  scope: StopScope | undefined,
  signal: Signal,
  grace: number,
): Promise<ExitStatus> {
  if (scope === undefined && target.pgid !== undefined) {
    const escapees = escapedRoots(target, target.pgid);
    await Promise.all([
      stopGroup(target, target.pgid, signal, grace),
      ...escapees.map((pid) => stopTree(pid, signal, grace)),
    ]);
    return await target.status;
  }
  if (scope === "tree" || (target.pgid === undefined && scope !== "process")) {
    if (!target.exited()) await stopTree(target.pid, signal, grace);
    return await target.status;
  }
  if (scope === "group" && target.pgid !== undefined) {
    await stopGroup(target, target.pgid, signal, grace);
    return await target.status;
  }
  return await stopProcess(target, signal, grace);
}

/**
 * The tops of the subtrees that left `target`'s group (`setsid`), which a
 * group signal can't reach. None where the system has a tree stop of its own
 * (Windows: the child's job already holds them), or once the child was
 * reaped (its descendants lost their link to it).
 */
function escapedRoots(target: StopTarget, pgid: number): number[] {
  if (os.stopTree || target.exited()) return [];
  const rows = collectTree(os.list(), target.pid);
  const outside = new Set(
    rows.filter((row) => row.pgid !== pgid).map((row) => row.pid),
  );
  const byPid = new Map(rows.map((row) => [row.pid, row]));
  return [...outside].filter((pid) => !outside.has(byPid.get(pid)!.ppid));
}

async function stopProcess(
  target: StopTarget,
  signal: Signal,
  grace: number,
): Promise<ExitStatus> {
  if (target.exited()) return await target.status;
  target.kill(signal);
  if (signal !== "SIGKILL" && signal !== "SIGCONT") target.kill("SIGCONT");
  if (!(await settlesWithin(target.status, grace))) target.kill("SIGKILL");
  return await target.status;
}

async function stopGroup(
  target: StopTarget,
  pgid: number,
  signal: Signal,
  grace: number,
): Promise<void> {
  const gone = () => target.exited() && liveGroupMembers(pgid).length === 0;
  if (gone()) return;
  signalGroup(target, pgid, signal);
  if (signal !== "SIGKILL" && signal !== "SIGCONT") {
    signalGroup(target, pgid, "SIGCONT");
  }
  if (await pollUntil(gone, grace, target.status)) return;
  signalGroup(target, pgid, "SIGKILL");
  await pollUntil(gone, KILL_WAIT_MS, target.status);
}

/**
 * While the leader is not reaped, its PID can't be reused, so `kill(-pgid)`
 * reaches exactly its group. Once it is reaped, the members found in the
 * process table are signalled one by one; the kernel keeps the group's id
 * from new processes while any member is left. A group that emptied and
 * whose id a new session took since can't be told from ours: no start stamp
 * could, as that session started after the leader, like the leader's own
 * members.
 */
function signalGroup(target: StopTarget, pgid: number, signal: Signal): void {
  if (!target.exited()) {
    os.signalGroup(pgid, signal);
    return;
  }
  for (const member of liveGroupMembers(pgid)) os.signal(member.pid, signal);
}
