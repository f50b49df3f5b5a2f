/**
 * A process tree as indented lines: two spaces per level, the PID, then the
 * command line.
 *
 * @module
 */

import type { ProcessInfo } from "../os/types.ts";

/** Where `row` hangs in the view, and why, when not under its parent. */
function placeOf(
  row: ProcessInfo,
  shown: ReadonlyMap<number, ProcessInfo>,
  root: number,
): { parent: number; note: string } {
  if (shown.has(row.ppid)) return { parent: row.ppid, note: "" };
  // An orphan kept because it stayed in a group or session of the tree.
  if (shown.has(row.pgid) && row.pgid !== row.pid) {
    return { parent: row.pgid, note: ` (orphan in group ${row.pgid})` };
  }
  if (row.sid !== undefined && shown.has(row.sid) && row.sid !== row.pid) {
    return { parent: row.sid, note: ` (orphan in session ${row.sid})` };
  }
  return { parent: root, note: ` (parent ${row.ppid})` };
}

/**
 * Formats `rows` (the tree of `root`, e.g. from `collectTree`) as indented
 * lines, children in order of start.
 *
 * @param label The text shown after each PID (its command line).
 */
export function formatTree(
  rows: readonly ProcessInfo[],
  root: number,
  label: (pid: number) => string,
): string[] {
  const shown = new Map(rows.map((row) => [row.pid, row]));
  const children = new Map<number, { row: ProcessInfo; note: string }[]>();
  for (const row of rows) {
    if (row.pid === root) continue;
    const { parent, note } = placeOf(row, shown, root);
    const list = children.get(parent) ?? [];
    list.push({ row, note });
    children.set(parent, list);
  }
  const lines: string[] = [];
  const seen = new Set<number>();
  const visit = (pid: number, depth: number, note: string) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    lines.push(`${"  ".repeat(depth)}${pid} ${label(pid)}${note}`);
    const kids = (children.get(pid) ?? []).sort((a, b) =>
      a.row.startKey - b.row.startKey || a.row.pid - b.row.pid
    );
    for (const kid of kids) visit(kid.row.pid, depth + 1, kid.note);
  };
  visit(root, 0, "");
  return lines;
}
