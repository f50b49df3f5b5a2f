/**
 * Stopping a tree on Windows that no job of ours holds — a process we did
 * not start, or any tree where there is no FFI (Node) — member by member,
 * through the process table (`os/windows/end_tree.ts`: process handles with
 * FFI, PowerShell or `wmic` without; never `taskkill`).
 *
 * Windows can't ask a process that leads no console group of ours, so
 * asking ends every member at once, as forcing does; forcing again takes
 * whoever a member started meanwhile. The handles kept on ended members
 * (their PIDs can't be reused while they are held) are closed at the end.
 *
 * @module
 */

import { type TreeEnder, TreeEnding } from "../os/windows/end_tree.ts";
import type { StopStrategy } from "./strategy.ts";

/** The strategy for the tree of `root`, seen and ended through `ender`. */
export function windowsTreeStrategy<T>(
  ender: TreeEnder<T>,
  root: number,
): StopStrategy {
  const ending = new TreeEnding(ender, root);
  return {
    what: `the tree of process ${root}`,
    pid: root,
    gone: () => ending.gone(),
    survivors: () => ending.survivors(),
    ask: () => ending.endRound(),
    force: () => ending.endRound(),
    finish: () => ending.release(),
  };
}
