/**
 * After CMD ended on an interrupt: stop what it left behind.
 *
 * A non-interactive shell starts background jobs with SIGINT ignored, so
 * Ctrl-C ends the shell and leaves its jobs running, re-parented to an
 * ancestor of ours that adopts orphans (PID 1, or a subreaper). CMD's own
 * stop reaches them: its cgroup, or, without one, its group and the
 * processes carrying its containment token. Besides, the members of CMD's
 * tree seen at the first signal that still run (same start time) are
 * stopped with their trees: they may have cleared their environment.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { ownLineage } from "../safety.ts";
import { killTree } from "../stop/kill_tree.ts";
import type { StopOptions, Subprocess } from "../types.ts";

/**
 * The PIDs to stop besides CMD's own stop: the tops of the trees in
 * `snapshot` (CMD's tree at the first signal) that still run.
 */
function leftoverRoots(
  table: readonly ProcessInfo[],
  snapshot: readonly ProcessInfo[],
): number[] {
  const lineage = ownLineage();
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const roots = new Set<number>();
  for (const seen of snapshot) {
    const now = byPid.get(seen.pid);
    if (
      now && !now.zombie && now.startKey === seen.startKey &&
      !lineage.has(now.pid)
    ) roots.add(now.pid);
  }
  return [...roots].filter((pid) => !roots.has(byPid.get(pid)!.ppid));
}

/**
 * Stops what CMD left: CMD's own stop (its cgroup, or its group and its
 * token's carriers), then every leftover tree of the snapshot. Failures
 * are reported through `onError` and do not stop the rest.
 */
export async function stopLeftovers(
  child: Subprocess,
  snapshot: readonly ProcessInfo[],
  stopping: Omit<StopOptions, "scope">,
  onError: (error: unknown) => void,
): Promise<void> {
  await child.stop(stopping).catch(onError);
  const roots = leftoverRoots(os.list(), snapshot);
  await Promise.all(
    roots.map((pid) => killTree(pid, stopping).catch(onError)),
  );
}
