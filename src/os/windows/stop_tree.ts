/**
 * Stopping a process and its descendants on Windows:
 *
 * - **A child of ours** sits in a job of ours with everything it started, so
 *   the tree is the job: ask the child with CTRL_BREAK when it leads its own
 *   console group (see `signals.ts`), wait up to `grace` for the job to
 *   empty, then `TerminateJobObject`. A descendant that broke away from the
 *   job (`CREATE_BREAKAWAY_FROM_JOB`) is out of reach, as it meant to be.
 * - **Any other PID**, and every PID without FFI (Node, Deno without
 *   `--allow-ffi`): the tree is built from the process table by parent links
 *   and ended member by member (`end_tree.ts`) — through process handles
 *   with FFI, through PowerShell or `wmic` and the runtime's `process.kill`
 *   without. (Not `taskkill /t`: it checks no creation times, and Wine lacks
 *   it.)
 *
 * @module
 */

import { SubprocessError } from "../../errors.ts";
import type { Signal } from "../../types.ts";
import { KILL_WAIT_MS, pollUntil } from "../../wait.ts";
import { killZero } from "../kill_zero.ts";
import { endTree, handleEnder, tableEnder } from "./end_tree.ts";
import { type Kernel32, kernel32 } from "./kernel32.ts";
import {
  askChild,
  childTreeRuns,
  endChildTree,
  type OwnChild,
  ownChild,
} from "./own_children.ts";
import { windowsAction } from "./signals.ts";

/** Stops the tree under `root`; resolves once it is gone. */
export async function stopTreeWindows(
  root: number,
  signal: Signal,
  grace: number,
): Promise<void> {
  const action = windowsAction(signal);
  const k = kernel32();
  if (k === null) {
    // Listing costs a program's start: not for a root already gone.
    if (killZero(root)) await endTree(tableEnder(), root);
    return;
  }
  const child = ownChild(root);
  if (child?.job) return await stopOwnTree(k, child, action, signal, grace);
  await endTree(handleEnder(k), root);
}

async function stopOwnTree(
  k: Kernel32,
  child: OwnChild,
  action: "ask" | "end" | "nothing",
  signal: Signal,
  grace: number,
): Promise<void> {
  const gone = () => !childTreeRuns(k, child);
  if (gone()) return;
  if (action !== "end") {
    // "nothing" (SIGCONT) still gets its grace, as on POSIX.
    const heard = action === "nothing" || askChild(k, child, signal);
    if (heard && await pollUntil(gone, grace)) return;
  }
  endChildTree(k, child);
  if (await pollUntil(gone, KILL_WAIT_MS)) return;
  throw new SubprocessError(
    `Cannot stop the tree of process ${child.pid}: its job still runs ${
      child.job?.activeProcesses() ?? 0
    } process(es) after TerminateJobObject`,
    { cmd: [], pid: child.pid },
  );
}
