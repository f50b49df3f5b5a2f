/**
 * `kill(target, 0)` through the runtime: the existence and permission
 * check every system offers (on Windows the runtime opens the process
 * instead of signalling).
 *
 * @module
 */

import { process } from "../runtime/host.ts";

/** What `kill(target, 0)` says of a process: it exists and we may signal
 * it (`"ours"`), it exists but belongs to another user (`"denied"`: EPERM),
 * or it does not exist (`"gone"`). Zombies exist. */
export type KillZero = "ours" | "denied" | "gone";

/** `kill(target, 0)` for process `target` (or, negative, process group
 * `-target`). */
export function probeProcess(target: number): KillZero {
  try {
    process.kill(target, 0);
    return "ours";
  } catch (error) {
    return (error as { code?: string }).code === "EPERM" ? "denied" : "gone";
  }
}

/** `true` when process `target` (or, negative, process group `-target`)
 * exists, ours or not. Zombies count as existing. */
export function killZero(target: number): boolean {
  return probeProcess(target) !== "gone";
}
