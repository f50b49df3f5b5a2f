/**
 * Stopping a process and its descendants on Windows:
 *
 * - **A child of ours** sits in a job of ours with everything it started, so
 *   the tree is the job: ask the child with CTRL_BREAK when it leads its own
 *   console group (see `signals.ts`), wait up to `grace` for the job to
 *   empty, then `TerminateJobObject`. A descendant that broke away from the
 *   job (`CREATE_BREAKAWAY_FROM_JOB`) is out of reach, as it meant to be.
 * - **Any other PID**: the tree is built from a `CreateToolhelp32Snapshot`
 *   by parent links, each checked against creation times (a parent must be
 *   older than its child, else its PID was reused), and every member is
 *   ended with `TerminateProcess` — Windows can't ask a process that leads
 *   no group of ours. Before each one its creation time is checked again, and
 *   the snapshot is retaken until it shows nobody new.
 * - **Without FFI** (Node, Bun, Deno without `--allow-ffi`):
 *   `%SystemRoot%\System32\taskkill.exe /pid N /t /f`, by absolute path and
 *   with an argument array.
 *
 * @module
 */

import {
  execFileSync,
  nodeProcess as process,
} from "../../runtime/node_builtins.ts";
import { SubprocessError } from "../../errors.ts";
import type { Signal } from "../../types.ts";
import { KILL_WAIT_MS, pollUntil } from "../../wait.ts";
import {
  type Handle,
  type Kernel32,
  kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
} from "./kernel32.ts";
import { systemProgram } from "./find_program.ts";
import {
  askChild,
  childTreeRuns,
  endChildTree,
  type OwnChild,
  ownChild,
} from "./own_children.ts";
import {
  creationTimeMs,
  descendants,
  isRunning,
  openProcess,
  processInfo,
  snapshot,
  type WinProcess,
} from "./process_table.ts";
import { TERMINATED_EXIT_CODE, windowsAction } from "./signals.ts";
import { killZero } from "../kill_zero.ts";

/** Stops the tree under `root`; resolves once it is gone. */
export async function stopTreeWindows(
  root: number,
  signal: Signal,
  grace: number,
): Promise<void> {
  const action = windowsAction(signal);
  const k = kernel32();
  if (k === null) return await taskkillTree(root);
  const child = ownChild(root);
  if (child?.job) return await stopOwnTree(k, child, action, signal, grace);
  await endForeignTree(k, root);
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

/** Our own PID and our ancestors' (never ended). */
function ownLineage(k: Kernel32): Set<number> {
  const lineage = new Set<number>();
  let pid = process.pid;
  while (pid > 0 && !lineage.has(pid)) {
    lineage.add(pid);
    pid = processInfo(k, pid)?.ppid ?? 0;
  }
  return lineage;
}

/** A member we are ending, with the handle that keeps its PID ours. */
interface Ending {
  readonly row: WinProcess;
  readonly handle: Handle;
}

async function endForeignTree(k: Kernel32, root: number): Promise<void> {
  const exclude = ownLineage(k);
  const first = snapshot(k);
  const rootRow = first.find((row) => row.pid === root && !row.exited);
  if (rootRow === undefined) return;
  const ending = new Map<number, Ending>();
  const denied = new Set<number>();
  let table = first;
  try {
    // Parents first, then rescan: a member may have started a child after
    // the snapshot; it names its parent, so the next scan finds it.
    for (let round = 0; round < 100; round++) {
      let added = false;
      for (const row of descendants(table, rootRow, exclude)) {
        if (ending.has(row.pid) || denied.has(row.pid)) continue;
        added = true;
        const handle = endOne(k, row);
        if (handle === null) denied.add(row.pid);
        else ending.set(row.pid, { row, handle });
      }
      if (!added) break;
      table = snapshot(k);
    }
    const handles = [...ending.values()].map((e) => e.handle);
    await pollUntil(() => handles.every((h) => !isRunning(k, h)), KILL_WAIT_MS);
    const left = [...ending.values()].filter((e) => isRunning(k, e.handle))
      .map((e) => e.row.pid);
    const stillDenied = [...denied].filter((pid) =>
      processInfo(k, pid)?.exited === false
    );
    if (left.length + stillDenied.length > 0) {
      throw new SubprocessError(
        `Cannot stop the tree of process ${root}: ${
          left.length + stillDenied.length
        } process(es) survived TerminateProcess (${
          [...left, ...stillDenied].join(", ")
        })`,
        { cmd: [], pid: root },
      );
    }
  } finally {
    for (const { handle } of ending.values()) k.CloseHandle(handle);
  }
}

/** Opens and ends `row` if it is still the process we saw; returns the
 * handle (kept open so the PID can't be reused while we wait), or `null`
 * when Windows refused. A process that is gone or was replaced by another
 * under the same PID is left alone (a handle to nothing is returned). */
function endOne(k: Kernel32, row: WinProcess): Handle | null {
  const { handle } = openProcess(
    k,
    row.pid,
    PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
  );
  if (handle === null) {
    return processInfo(k, row.pid) === null ? 0n : null;
  }
  const started = creationTimeMs(k, handle);
  if (row.startMs !== null && started !== row.startMs) {
    k.CloseHandle(handle); // the PID now names another process
    return 0n;
  }
  if (isRunning(k, handle)) k.TerminateProcess(handle, TERMINATED_EXIT_CODE);
  return handle;
}

async function taskkillTree(root: number): Promise<void> {
  if (!killZero(root)) return;
  let output = "";
  try {
    execFileSync(systemProgram("taskkill.exe", process.env), [
      "/pid",
      String(root),
      "/t",
      "/f",
    ], {
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
      encoding: "utf8",
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message?: string };
    output = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() || String(e.message);
  }
  if (await pollUntil(() => !killZero(root), KILL_WAIT_MS)) return;
  throw new SubprocessError(
    `Cannot stop the tree of process ${root} with taskkill /t /f${
      output ? `: ${output}` : ""
    }`,
    { cmd: [], pid: root },
  );
}
