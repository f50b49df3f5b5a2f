/**
 * A process's tree as the process table shows it: what it started, what
 * those started, and so on.
 *
 * @module
 */

import type { ProcessInfo } from "./os/types.ts";

/**
 * Every live descendant of `roots` in `table` (by parent links, plus members
 * of groups and sessions led by a descendant), the roots included when
 * alive. `exclude` (our own lineage) is never returned.
 */
export function collectTree(
  table: readonly ProcessInfo[],
  roots: Iterable<number>,
  exclude: ReadonlySet<number> = new Set(),
): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const row of table) {
    const list = children.get(row.ppid);
    if (list) list.push(row);
    else children.set(row.ppid, [row]);
  }
  const found = new Map<number, ProcessInfo>();
  const queue = [...roots];
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const leaders = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const row = byPid.get(pid);
    if (row && !found.has(pid) && !exclude.has(pid)) {
      found.set(pid, row);
      leaders.add(pid);
    }
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child.pid) && !exclude.has(child.pid)) {
        queue.push(child.pid);
      }
    }
  }
  // Orphans re-parented to PID 1 stay in the group or session a member led.
  for (const row of table) {
    if (found.has(row.pid) || exclude.has(row.pid)) continue;
    if (
      leaders.has(row.pgid) || (row.sid !== undefined && leaders.has(row.sid))
    ) {
      found.set(row.pid, row);
    }
  }
  return [...found.values()].filter((row) => !row.zombie);
}
