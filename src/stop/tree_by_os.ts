/**
 * Which strategy stops a whole tree on this system — the one place in
 * `src/stop/` that asks which system it is:
 *
 * - **Linux, macOS**: parent links, with the token of a contained child
 *   (`tree.ts`).
 * - **Windows**: a child of ours with its job (`windows_job.ts`); any other
 *   tree, and every tree without FFI, member by member through the process
 *   table (`windows_tree.ts`).
 *
 * (A child in a cgroup is stopped by its cgroup, on every system that has
 * one: see `child.ts`.)
 *
 * @module
 */

import { isWindows } from "../os/select.ts";
import { handleEnder, tableEnder } from "../os/windows/end_tree.ts";
import { kernel32 } from "../os/windows/kernel32.ts";
import { ownChild } from "../os/windows/own_children.ts";
import { childMember, type ChildTarget } from "./members.ts";
import { processStrategy } from "./process.ts";
import type { StopStrategy } from "./strategy.ts";
import { treeStrategy, type TreeStrategyOptions } from "./tree.ts";
import { windowsJobStrategy } from "./windows_job.ts";
import { windowsTreeStrategy } from "./windows_tree.ts";

/** `true` where the system holds a child's tree itself (Windows: its job),
 * so that no search by parent links is needed for what left its group. */
export const systemHoldsTrees: boolean = isWindows;

/** The strategy for the tree of `target`, a child of ours without a
 * cgroup; `options` for the parent-link walk. */
export function childTreeStrategy(
  target: ChildTarget,
  options: TreeStrategyOptions,
): StopStrategy {
  if (!isWindows) {
    return treeStrategy(target.exited() ? [] : [target.pid], options);
  }
  // Reaped: its job was closed with it, and its PID is no longer ours.
  if (target.exited()) return processStrategy(childMember(target));
  return windowsTree(target.pid, target.status);
}

/** The strategy for the tree of `root`, a process we did not start. */
export function foreignTreeStrategy(root: number): StopStrategy {
  return isWindows ? windowsTree(root) : treeStrategy([root]);
}

function windowsTree(root: number, wake?: Promise<unknown>): StopStrategy {
  const k = kernel32();
  if (k === null) return windowsTreeStrategy(tableEnder(), root);
  const child = ownChild(root);
  if (child?.job) return windowsJobStrategy(k, child, wake);
  return windowsTreeStrategy(handleEnder(k), root);
}
