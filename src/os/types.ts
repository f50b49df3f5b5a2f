/**
 * The seam between the library and an operating system's process table and
 * signals. `posix.ts` holds what Linux and macOS share; `linux.ts`, `macos.ts`
 * and `windows.ts` complete it; `../platform.ts` picks one at load.
 *
 * @module
 */

import type { Signal } from "../types.ts";

/** One row of the process table. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Session id, where the system reports it. */
  readonly sid: number | undefined;
  /** Exited but not yet reaped: counts as dead everywhere in this library. */
  readonly zombie: boolean;
  /** Opaque start stamp: two rows with the same pid and stamp are the same
   * process (Linux: clock ticks since boot; elsewhere: epoch seconds). */
  readonly startKey: number;
}

/** What a signal call did. */
export type SignalResult = "sent" | "gone" | "denied";

/** One operating system's view of processes. */
export interface OsShim {
  readonly name: "linux" | "macos" | "windows";
  /** Every process, zombies included (flagged). */
  list(): ProcessInfo[];
  /** One process, or `null` when it does not exist. */
  info(pid: number): ProcessInfo | null;
  /** When `pid` started, in ms since the epoch, or `null` when it is gone. */
  startTimeMs(pid: number): number | null;
  /** Tolerance of `startTimeMs` against a file's mtime, in ms. */
  readonly startTimeResolutionMs: number;
  /** Sends `signal` to one process. */
  signal(pid: number, signal: Signal): SignalResult;
  /** Sends `signal` to every process of group `pgid`. */
  signalGroup(pgid: number, signal: Signal): SignalResult;
  /** `true` while any process (zombies included) is in group `pgid`. */
  groupExists(pgid: number): boolean;
  /** The command line of `pid` for display (arguments joined by spaces, as
   * `ps -o args=` shows them), or `null` when it is gone or unreadable. */
  commandLine(pid: number): string | null;
  /** The command that makes the child die with the parent, prefixed to the
   * child's command, or an explanation of why there is none. An empty array:
   * nothing to prefix, the backend does it (Windows: a kill-on-close job). */
  parentDeathPrefix(): readonly string[] | string;
  /** Stops `root` and its descendants (`signal`, then the end after `grace`
   * ms) where the system has its own way, used by `stopTree()` instead of the
   * generic SIGSTOP/SIGCONT one (Windows: job objects, Toolhelp32). */
  stopTree?(root: number, signal: Signal, grace: number): Promise<void>;
}
