/**
 * Windows: process table, start times and "signals". (Stopping a tree is
 * `stop/tree_by_os.ts`'s: a child's job, or the table member by member.)
 *
 * With FFI (Deno with `--allow-ffi`, Bun): the table from
 * `CreateToolhelp32Snapshot`, start times from `GetProcessTimes`, liveness
 * from `OpenProcess` + `WaitForSingleObject`, and the children we started
 * reached through their job objects (`windows/own_children.ts`). Without
 * FFI (Node): liveness through the runtime's `process.kill(pid, 0)` (`info`
 * then knows no parent: `ppid` 0), the table and start times through
 * PowerShell or `wmic` (`windows/process_query.ts`, slow: a program's start
 * each), and the group of a child of ours is its tree
 * (`windows/unheld_group.ts`).
 *
 * Windows has no process groups in the Unix sense. A child started with
 * `newSession: true` leads a *console* process group (its id is its PID),
 * which CTRL_BREAK can reach; for everything else "the group" of a child of
 * ours is its job: rows of a child's job report the child's PID as `pgid`,
 * every other row its own PID. Signal names map as `windows/signals.ts`
 * documents.
 *
 * @module
 */

import type { Signal } from "../types.ts";
import type { OsShim, ProcessInfo, SignalResult } from "./types.ts";
import {
  type Kernel32,
  kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
} from "./windows/kernel32.ts";
import {
  childTreeRuns,
  endThroughRuntime,
  isUnheld,
  ownChild,
  ownChildren,
  signalChild,
} from "./windows/own_children.ts";
import {
  isRunning,
  openProcess,
  processCommandLine,
  processInfo,
  snapshot,
  type WinProcess,
} from "./windows/process_table.ts";
import { TERMINATED_EXIT_CODE, windowsAction } from "./windows/signals.ts";
import { killZero } from "./kill_zero.ts";
import { queryProcesses } from "./windows/process_query.ts";
import {
  signalUnheldGroup,
  unheldGroupRuns,
  unheldGroups,
} from "./windows/unheld_group.ts";

function toInfo(row: WinProcess, pgid: number): ProcessInfo {
  return {
    pid: row.pid,
    ppid: row.ppid,
    pgid,
    sid: undefined,
    zombie: row.exited,
    startKey: row.startMs ?? 0,
  };
}

/** PID → the PID of the child of ours whose job holds it. */
function jobGroups(): Map<number, number> {
  const groups = new Map<number, number>();
  for (const child of ownChildren()) {
    for (const pid of child.job?.processIds() ?? []) groups.set(pid, child.pid);
    groups.set(child.pid, child.pid);
  }
  return groups;
}

function list(): ProcessInfo[] {
  const k = kernel32();
  if (k === null) {
    const groups = unheldGroups();
    return queryProcesses().map((row) =>
      toInfo(row, groups.get(row.pid) ?? row.pid)
    );
  }
  const groups = jobGroups();
  return snapshot(k).map((row) => toInfo(row, groups.get(row.pid) ?? row.pid));
}

function info(pid: number): ProcessInfo | null {
  const k = kernel32();
  if (k === null) {
    if (!killZero(pid)) return null;
    return {
      pid,
      ppid: 0,
      pgid: pid,
      sid: undefined,
      zombie: false,
      startKey: 0,
    };
  }
  const row = processInfo(k, pid);
  if (row === null) return null;
  const child = ownChild(pid);
  return toInfo(row, child ? child.pid : jobGroups().get(pid) ?? pid);
}

/** Without FFI: from the table (slow; `null` under Wine, whose `wmic`
 * has no creation times). */
function startTimeByQuery(pid: number): number | null {
  if (!killZero(pid)) return null;
  try {
    return queryProcesses().find((row) => row.pid === pid)?.startMs ?? null;
  } catch {
    return null;
  }
}

function startTimeMs(pid: number): number | null {
  const k = kernel32();
  if (k === null) return startTimeByQuery(pid);
  const row = processInfo(k, pid);
  return row === null || row.exited ? null : row.startMs;
}

/** Ends a process that is not a child of ours. */
function endForeign(k: Kernel32, pid: number): SignalResult {
  const { handle, error } = openProcess(
    k,
    pid,
    PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
  );
  if (handle === null) return error === 5 ? "denied" : "gone";
  try {
    if (!isRunning(k, handle)) return "gone";
    return k.TerminateProcess(handle, TERMINATED_EXIT_CODE) !== 0
      ? "sent"
      : "denied";
  } finally {
    k.CloseHandle(handle);
  }
}

function signalWithoutFfi(pid: number, sig: Signal): SignalResult {
  if (windowsAction(sig) === "nothing") return killZero(pid) ? "sent" : "gone";
  return endThroughRuntime(pid);
}

function signal(pid: number, sig: Signal): SignalResult {
  const k = kernel32();
  if (k === null) return signalWithoutFfi(pid, sig);
  const child = ownChild(pid);
  if (child) return signalChild(k, child, sig, false);
  if (windowsAction(sig) === "nothing") {
    return processInfo(k, pid)?.exited === false ? "sent" : "gone";
  }
  // Nothing can ask a process that leads no console group of ours.
  return endForeign(k, pid);
}

function signalGroup(pgid: number, sig: Signal): SignalResult {
  const k = kernel32();
  if (k === null && isUnheld(pgid)) return signalUnheldGroup(pgid, sig);
  const child = ownChild(pgid);
  if (k === null || !child) return signal(pgid, sig);
  return signalChild(k, child, sig, true);
}

function groupExists(pgid: number): boolean {
  const k = kernel32();
  if (k === null) return unheldGroupRuns(pgid);
  const child = ownChild(pgid);
  if (child) return childTreeRuns(k, child);
  const row = info(pgid);
  return row !== null && !row.zombie;
}

/** The Windows shim. */
export const windows: OsShim = {
  name: "windows",
  list,
  info,
  startTimeMs,
  // GetProcessTimes is exact; allow for the file system's mtime rounding.
  startTimeResolutionMs: 20,
  signal,
  signalGroup,
  groupExists,
  commandLine(pid: number): string | null {
    const k = kernel32();
    return k === null ? null : processCommandLine(k, pid);
  },
  environment: () => null,
  readsEnvironments: false,
  argumentLimit:
    "Windows refuses a command line over 32,767 characters, quoting included",
  tableIsOurs: () => true,
  // Job objects hold a child's tree instead (see windows/own_children.ts).
  cgroups: null,
  // Nothing to prefix: the backend puts the child in a kill-on-close job.
  parentDeathPrefix: (): readonly string[] => [],
};
