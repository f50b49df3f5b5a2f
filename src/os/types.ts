/**
 * The seam between the library and an operating system's process table and
 * signals. `posix.ts` holds what Linux and macOS share; `linux.ts`, `macos.ts`
 * and `windows.ts` complete it; `select.ts` picks one at load.
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

/** Where a child's cgroup can be made (`parent`: the directory), or why it
 * can't (`reason`). */
export type CgroupSupport =
  | { readonly ok: true; readonly parent: string }
  | { readonly ok: false; readonly reason: string };

/** cgroup v2, as `linux/cgroup/` drives it: one directory per contained
 * child. */
export interface Cgroups {
  /** Whether a cgroup can be made here, and under which directory. */
  support(): CgroupSupport;
  /** Makes an empty cgroup under `parent` (`parent` of the result: the new
   * directory). */
  create(parent: string): CgroupSupport;
  /** Runs `spawn` so that the process it creates is born in cgroup `dir`.
   * Throws when that is not allowed here. */
  spawnInside<T>(dir: string, spawn: () => T): T;
  /** `true` while a live process is in `dir` or below it. */
  isPopulated(dir: string): boolean;
  /** `true` once everything in `dir` is frozen. */
  isFrozen(dir: string): boolean;
  /** Freezes or thaws `dir` and everything below it. */
  setFrozen(dir: string, frozen: boolean): void;
  /** SIGKILLs everything in `dir` and below it at once. */
  kill(dir: string): void;
  /** The PIDs in `dir` and below it. */
  members(dir: string): number[];
  /** Removes `dir` (and cgroups below it); `false` while something runs. */
  remove(dir: string): boolean;
  /** Removes `dir` if it is an empty cgroup of ours whose maker is gone. */
  removeIfStale(dir: string): void;
  /** `true` when `dir` has the name and place of a cgroup subproc makes. */
  isOurs(dir: string): boolean;
  /** The cgroup directory `pid` is in, or `null`. */
  of(pid: number): string | null;
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
  /** The environment of `pid` as `KEY=VALUE` entries, or `null` where it
   * can't be read (another user's process, a system without `/proc`). */
  environment(pid: number): readonly string[] | null;
  /** `true` where {@linkcode OsShim.environment} can read environments. */
  readonly readsEnvironments: boolean;
  /** How much argument and environment text a new program may get, in
   * words, for the message of an "argument list too long" failure. */
  readonly argumentLimit: string;
  /** `false` where the process table shows other processes than ours
   * (Linux: a `/proc` of another PID namespace): {@linkcode OsShim.list}
   * then returns nothing, and only what the kernel names in our namespace
   * (a child, a group, a cgroup) may be signalled. */
  tableIsOurs(): boolean;
  /** cgroup v2 containment, where the system has it (Linux); else `null`. */
  readonly cgroups: Cgroups | null;
  /** The command that sends the child `signal` when the parent dies,
   * prefixed to the child's command, or an explanation of why there is none.
   * An empty array: nothing to prefix, the backend does it (Windows: a
   * kill-on-close job, which kills whatever the signal). */
  parentDeathPrefix(signal: Signal): readonly string[] | string;
}
