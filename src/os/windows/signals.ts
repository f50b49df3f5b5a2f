/**
 * What our signal names mean on Windows, which has no signals between
 * processes. Two things can be done to another process:
 *
 * - **end it**: `TerminateProcess` (or `TerminateJobObject` for a tree): at
 *   once, no handler runs, exit code 1. The exit status then reports
 *   `signal: "SIGKILL"`.
 * - **ask it**: `GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, group)` — a
 *   console control event, which only reaches a process group on *our*
 *   console: a child started with `newSession: true` (it then leads its own
 *   group, `CREATE_NEW_PROCESS_GROUP`). Its handler may clean up and exit;
 *   the default handler exits with `STATUS_CONTROL_C_EXIT`, which the exit
 *   status reports as the signal that was asked for. `CTRL_C_EVENT` can't
 *   be aimed at one group, so SIGINT asks with CTRL_BREAK as well.
 *
 * | signal | Windows |
 * | --- | --- |
 * | `SIGKILL` | end it (`TerminateProcess`; tree/group: `TerminateJobObject`) |
 * | `SIGTERM`, `SIGINT`, `SIGBREAK`, `SIGHUP`, `SIGQUIT` | ask it with CTRL_BREAK when it leads its own group on our console; otherwise — or when the event can't be delivered — end it at once, and the status says `SIGKILL` |
 * | `SIGABRT`, `SIGFPE`, `SIGILL`, `SIGSEGV` | end it |
 * | `SIGCONT` | nothing (nothing is ever stopped) |
 * | `SIGWINCH` and the rest | `RangeError` (`validateSignal` already refuses the names Windows has no number for) |
 *
 * @module
 */

import type { Signal } from "../../types.ts";
import { CTRL_BREAK_EVENT, type Kernel32 } from "./kernel32.ts";

/** What a signal becomes on Windows. */
export type WindowsAction = "ask" | "end" | "nothing";

/** Exit code of a process that we ended (as Node, Deno, Go and Python use). */
export const TERMINATED_EXIT_CODE = 1;
/** Exit code of a process ended by its console control handler. */
export const STATUS_CONTROL_C_EXIT = 0xc000013a;

const ASK: ReadonlySet<Signal> = new Set<Signal>([
  "SIGTERM",
  "SIGINT",
  "SIGBREAK",
  "SIGHUP",
  "SIGQUIT",
]);
const END: ReadonlySet<Signal> = new Set<Signal>([
  "SIGKILL",
  "SIGABRT",
  "SIGFPE",
  "SIGILL",
  "SIGSEGV",
]);

/**
 * The Windows action for `signal`.
 *
 * @throws {RangeError} Windows can't do anything like `signal`.
 */
export function windowsAction(signal: Signal): WindowsAction {
  if (ASK.has(signal)) return "ask";
  if (END.has(signal)) return "end";
  if (signal === "SIGCONT") return "nothing";
  throw new RangeError(
    `Cannot send ${signal} on Windows: only SIGTERM, SIGINT, SIGBREAK, SIGHUP and SIGQUIT (a CTRL_BREAK event, or the end of the process) and SIGKILL, SIGABRT, SIGFPE, SIGILL and SIGSEGV (the end of the process) mean something there`,
  );
}

/** Sends CTRL_BREAK to console process group `group`; `false` when Windows
 * refuses (we have no console, or the group is not on it). Only call it for
 * a group we created: for a PID that leads no group, Windows delivers the
 * event to every process on the console, us included. */
export function sendBreak(k: Kernel32, group: number): boolean {
  return k.GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, group) !== 0;
}
