/**
 * The "group" of a child of ours without FFI (Node; Deno without
 * `--allow-ffi`): with FFI a child's group is its job, which holds its whole
 * tree; without, no job of ours holds it, so its group is its tree as the
 * process table shows it — ended member by member (`end_tree.ts`) when the
 * group is signalled, and running while any member ended that way still
 * runs. (No CTRL_BREAK can be sent without FFI: every signal that does
 * anything ends.)
 *
 * @module
 */

import type { Signal } from "../../types.ts";
import { killZero } from "../kill_zero.ts";
import type { SignalResult } from "../types.ts";
import { tableEnder, TreeEnding } from "./end_tree.ts";
import type { WinProcess } from "./process_table.ts";
import { windowsAction } from "./signals.ts";

/** Group leader → the members ended when its group was last signalled. */
const ending = new Map<number, WinProcess[]>();

/** Ends the tree of `leader`, a child of ours (see the module doc). */
export function signalUnheldGroup(
  leader: number,
  signal: Signal,
): SignalResult {
  if (!killZero(leader)) return "gone";
  if (windowsAction(signal) === "nothing") return "sent";
  const members = new TreeEnding(tableEnder(), leader);
  members.endRound();
  if (!members.found) return "gone";
  ending.set(leader, members.ended);
  return members.refused.length > 0 && members.ended.length === 0
    ? "denied"
    : "sent";
}

/** `true` while `leader` or a member ended with its group still runs. */
export function unheldGroupRuns(leader: number): boolean {
  if (killZero(leader)) return true;
  const members = ending.get(leader) ?? [];
  if (members.some((row) => killZero(row.pid))) return true;
  ending.delete(leader);
  return false;
}

/** PID → the leader whose group was signalled while it was a member. */
export function unheldGroups(): Map<number, number> {
  const groups = new Map<number, number>();
  for (const [leader, members] of ending) {
    for (const row of members) groups.set(row.pid, leader);
  }
  return groups;
}
