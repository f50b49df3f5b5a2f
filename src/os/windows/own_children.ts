/**
 * The children this process started on Windows, while they run: the
 * backend registers each with its process handle and its job, and the
 * Windows shim and the job stop strategy (`stop/windows_job.ts`) look them
 * up to end a child's tree through its job and to ask it with CTRL_BREAK
 * when it leads a console process group of ours.
 *
 * Holding the process handle keeps the PID from being reused, so looking a
 * child up by PID is safe until it is unregistered (when its exit has been
 * seen).
 *
 * @module
 */

import { nodeProcess as process } from "../../runtime/node_builtins.ts";
import type { ExitStatus, Signal } from "../../types.ts";
import type { SignalResult } from "../types.ts";
import type { Job } from "./job.ts";
import type { Handle, Kernel32 } from "./kernel32.ts";
import { isRunning } from "./process_table.ts";
import {
  sendBreak,
  STATUS_CONTROL_C_EXIT,
  TERMINATED_EXIT_CODE,
  windowsAction,
} from "./signals.ts";

/** A child of ours. */
export interface OwnChild {
  readonly pid: number;
  /** Opened with terminate, query and synchronize access. */
  readonly process: Handle;
  /** The job holding it and its descendants, or `null` when none could be
   * made. */
  readonly job: Job | null;
  /** It leads its own console process group on our console
   * (`CREATE_NEW_PROCESS_GROUP` without a console of its own), so CTRL_BREAK
   * can reach it. */
  readonly ownGroup: boolean;
  /** The signal we asked it with (CTRL_BREAK), for its exit status. */
  asked: Signal | undefined;
  /** `true` once we ended it (it was still running then). */
  ended: boolean;
}

const children = new Map<number, OwnChild>();

/** Registers a child until {@linkcode forgetChild}. */
export function registerChild(child: OwnChild): void {
  children.set(child.pid, child);
}

/** Unregisters `child` (its exit has been seen). */
export function forgetChild(child: OwnChild): void {
  if (children.get(child.pid) === child) children.delete(child.pid);
}

/** The running child of ours with this PID, if any. */
export function ownChild(pid: number): OwnChild | undefined {
  return children.get(pid);
}

/** Every registered child. */
export function ownChildren(): OwnChild[] {
  return [...children.values()];
}

/** What an exit status needs to know of a child: whether we asked it with
 * CTRL_BREAK, whether we ended it. */
export type Fate = Pick<OwnChild, "asked" | "ended">;

/** Children of the runtime's own spawn without FFI (no handle, no job), by
 * PID, while they run: a tree stop that ends one records it here. */
const unheld = new Map<number, Fate>();

/** Tracks `fate` of the child `pid` until {@linkcode forgetUnheld}. */
export function trackUnheld(pid: number, fate: Fate): void {
  unheld.set(pid, fate);
}

/** Stops tracking `pid` (its exit has been seen). */
export function forgetUnheld(pid: number, fate: Fate): void {
  if (unheld.get(pid) === fate) unheld.delete(pid);
}

/** `true` while `pid` is a child of ours tracked by {@linkcode trackUnheld}. */
export function isUnheld(pid: number): boolean {
  return unheld.has(pid);
}

/** Records that we are ending `pid`, if it is a child of ours, so that its
 * status says SIGKILL rather than exit code 1. */
export function noteEnding(pid: number): void {
  const fate = children.get(pid) ?? unheld.get(pid);
  if (fate !== undefined) fate.ended = true;
}

/** Ends `pid` through the runtime's own `TerminateProcess` (`process.kill`,
 * for when there is no FFI), recording it if it is a child of ours. */
export function endThroughRuntime(pid: number): SignalResult {
  try {
    noteEnding(pid);
    process.kill(pid, "SIGKILL");
    return "sent";
  } catch (error) {
    return (error as { code?: string }).code === "EPERM" ? "denied" : "gone";
  }
}

/** Ends `child` alone with `TerminateProcess`. */
export function endChild(k: Kernel32, child: OwnChild): SignalResult {
  if (!isRunning(k, child.process)) return "gone";
  child.ended = true;
  if (k.TerminateProcess(child.process, TERMINATED_EXIT_CODE) !== 0) {
    return "sent";
  }
  return isRunning(k, child.process) ? "denied" : "gone";
}

/** Ends `child` and everything in its job. */
export function endChildTree(k: Kernel32, child: OwnChild): SignalResult {
  if (child.job === null || child.job.activeProcesses() === 0) {
    return endChild(k, child);
  }
  if (isRunning(k, child.process)) child.ended = true;
  return child.job.terminate(TERMINATED_EXIT_CODE) ? "sent" : "denied";
}

/**
 * Asks `child` with CTRL_BREAK when `signal` asks and the child can hear
 * it; returns `false` when it can't (then the caller ends it).
 */
export function askChild(
  k: Kernel32,
  child: OwnChild,
  signal: Signal,
): boolean {
  if (!child.ownGroup || !sendBreak(k, child.pid)) return false;
  child.asked = signal;
  return true;
}

/** Sends `signal` to `child` (see `signals.ts` for what each one does);
 * `tree` ends its whole job instead of the process alone. */
export function signalChild(
  k: Kernel32,
  child: OwnChild,
  signal: Signal,
  tree: boolean,
): SignalResult {
  const action = windowsAction(signal);
  if (!isRunning(k, child.process)) {
    return tree && child.job !== null && child.job.activeProcesses() > 0 &&
        action !== "nothing"
      ? endChildTree(k, child)
      : "gone";
  }
  if (action === "nothing") return "sent";
  if (action === "ask" && askChild(k, child, signal)) return "sent";
  return tree ? endChildTree(k, child) : endChild(k, child);
}

/** `true` while `child` or anything in its job runs. */
export function childTreeRuns(k: Kernel32, child: OwnChild): boolean {
  if (child.job !== null && child.job.activeProcesses() > 0) return true;
  return isRunning(k, child.process);
}

/** The PIDs of `child` and everything in its job that still run. */
export function childTreeMembers(k: Kernel32, child: OwnChild): number[] {
  const members = new Set(child.job?.processIds() ?? []);
  if (isRunning(k, child.process)) members.add(child.pid);
  return [...members];
}

/** The exit status of a child of ours that exited with `code`: a process
 * we ended reports SIGKILL, one that died of our CTRL_BREAK the signal we
 * asked with. */
export function exitStatusOf(child: Fate, code: number): ExitStatus {
  if (child.ended && code === TERMINATED_EXIT_CODE) {
    return { code: null, signal: "SIGKILL", success: false };
  }
  if (child.asked !== undefined && code === STATUS_CONTROL_C_EXIT) {
    return { code: null, signal: child.asked, success: false };
  }
  return { code, signal: null, success: code === 0 };
}

/** Closes a child's job once its direct child has exited, unless it is
 * kill-on-close and descendants still run (closing it would end them). */
export function releaseJob(job: Job | null, killOnClose: boolean): void {
  if (job === null) return;
  if (killOnClose && job.activeProcesses() > 0) return; // kept until we exit
  job.close();
}
