/**
 * Stopping a child we started, by scope, and finding one by PID.
 *
 * - `"process"`: the child alone.
 * - A child in a cgroup: the whole cgroup, in every other scope.
 * - `"group"`: the group it leads.
 * - `"tree"`, or any scope for a child without a group of its own: its tree
 *   by parent links, and everything carrying its token.
 * - Left out, for a child that leads its own group: the group, *and* the
 *   subtrees that left it with `setsid` (a group signal can't reach those),
 *   and everything carrying its token.
 *
 * Where the process table can't be trusted (`/proc` of another PID
 * namespace), only what the kernel names in ours is used: the child itself
 * (not reaped, so its PID is still its), its group, its cgroup.
 *
 * @module
 */

import { os } from "../os/select.ts";
import { collectTree } from "../process_tree.ts";
import type { Signal, StopScope } from "../types.ts";
import { cgroupStrategy } from "./cgroup.ts";
import { groupStrategy } from "./group.ts";
import { runLadder } from "./ladder.ts";
import { childMember, type ChildTarget } from "./members.ts";
import { processStrategy } from "./process.ts";
import type { StopStrategy } from "./strategy.ts";
import { ownStartKey, treeStrategy } from "./tree.ts";
import { childTreeStrategy, systemHoldsTrees } from "./tree_by_os.ts";
import { unionOf } from "./strategy.ts";

const running = new Map<number, ChildTarget>();

/** Remembers `child` by PID until it is reaped, for {@linkcode runningChild}. */
export function rememberChild(child: ChildTarget): void {
  running.set(child.pid, child);
  child.status.then(() => {
    if (running.get(child.pid) === child) running.delete(child.pid);
  });
}

/** The child of ours with PID `pid`, while it is not reaped. */
export function runningChild(pid: number): ChildTarget | undefined {
  const child = running.get(pid);
  return child && !child.exited() ? child : undefined;
}

/**
 * Stops `target` within `scope` (see the module doc) and resolves once
 * everything in scope is gone — not waiting for the child's status, which
 * an unref'd child (`detach()`) may never deliver while nothing else keeps
 * this process alive.
 *
 * @throws {SubprocessError} Something in scope survived SIGKILL.
 */
export async function stopChild(
  target: ChildTarget,
  scope: StopScope | undefined,
  signal: Signal,
  grace: number,
): Promise<void> {
  await runLadder(childStrategy(target, scope), signal, grace);
}

function childStrategy(
  target: ChildTarget,
  scope: StopScope | undefined,
): StopStrategy {
  const child = childMember(target);
  const wake = target.status;
  if (scope === "process") return processStrategy(child, wake);
  if (target.cgroup !== null && os.cgroups !== null) {
    return cgroupStrategy(os.cgroups, target.cgroup, target.pid, wake);
  }
  const pgid = target.pgid;
  if (scope === "group" && pgid !== undefined) {
    return groupStrategy(child, wake);
  }
  if (!os.tableIsOurs()) {
    return pgid === undefined
      ? processStrategy(child, wake)
      : groupStrategy(child, wake);
  }
  const token = target.token === undefined
    ? undefined
    : { token: target.token, since: ownStartKey() };
  const options = { token, wake, owner: target.pid };
  if (scope === "tree" || pgid === undefined) {
    return childTreeStrategy(target, options);
  }
  const group = groupStrategy(child, wake);
  const escaped = escapedRoots(target, pgid);
  if (escaped.length === 0 && target.token === undefined) return group;
  return unionOf([
    group,
    treeStrategy(escaped, { ...options, skipGroup: pgid }),
  ]);
}

/**
 * The tops of the subtrees that left `target`'s group (`setsid`), which a
 * group signal can't reach. None where the system holds a child's tree
 * itself (Windows: its job), or once the child was reaped (its descendants
 * lost their link to it).
 */
function escapedRoots(target: ChildTarget, pgid: number): number[] {
  if (systemHoldsTrees || target.exited()) return [];
  const rows = collectTree(os.list(), [target.pid]);
  const outside = new Set(
    rows.filter((row) => row.pgid !== pgid).map((row) => row.pid),
  );
  const byPid = new Map(rows.map((row) => [row.pid, row]));
  return [...outside].filter((pid) => !outside.has(byPid.get(pid)!.ppid));
}
