/**
 * `killTree()`: stop a process and everything it started.
 *
 * @module
 */

import { assertMaySignal, validatePid } from "../safety.ts";
import type { StopOptions } from "../types.ts";
import { validateStopOptions } from "../validate/stop.ts";
import { runningChild, stopChild } from "./child.ts";
import { stopForeignTree } from "./pid.ts";

/**
 * Stops process `pid` and every process it started, including descendants
 * that left its group with `setsid`. A running child of ours is stopped the
 * way `stop({ scope: "tree" })` stops it: with its cgroup, when it has one,
 * everything it started — double-forked daemons included. Any other
 * process: SIGSTOP freezes its tree so it can't grow, `killSignal` (SIGTERM)
 * and SIGCONT ask every member to end, and after `grace` ms SIGKILL ends
 * the rest. Resolves once all of them are gone (zombies count as gone). A
 * PID that doesn't exist resolves at once.
 *
 * @param pid The root of the tree.
 * @param options `killSignal` and `grace`; `scope` is not used here.
 * @throws {TypeError} `pid` is not a number, or an option has the wrong type.
 * @throws {RangeError} `pid` ≤ 0, not an integer, this process, its group
 * leader or an ancestor; an unknown signal; a negative `grace`.
 * @throws {SubprocessError} some members survived SIGKILL.
 *
 * @example Stop a shell and the sleeps it started
 * ```ts
 * import { killTree, spawn } from "@subproc/subproc";
 * const child = spawn(["sh", "-c", "sleep 30 & sleep 30 & wait"]);
 * await killTree(child.pid, { grace: 500 });
 * console.log(await child.status); // { code: null, signal: "SIGTERM", … }
 * ```
 */
export async function killTree(
  pid: number,
  options?: Omit<StopOptions, "scope">,
): Promise<void> {
  const root = validatePid("pid", pid);
  const { killSignal, grace } = validateStopOptions("killTree", options);
  assertMaySignal("pid", root);
  const child = runningChild(root);
  if (child !== undefined) await stopChild(child, "tree", killSignal, grace);
  else await stopForeignTree(root, killSignal, grace);
}
