/**
 * Windows: process table, start times and signals.
 *
 * @module
 */

import process from "node:process";
import type { Signal } from "../types.ts";
import type { OsShim, ProcessInfo, SignalResult } from "./types.ts";

function unsupported(what: string): never {
  throw new Error(`${what} is not implemented on Windows yet`);
}

function signal(pid: number, sig: Signal): SignalResult {
  try {
    process.kill(pid, sig === "SIGKILL" ? "SIGKILL" : "SIGTERM");
    return "sent";
  } catch (error) {
    return (error as { code?: string }).code === "EPERM" ? "denied" : "gone";
  }
}

/** The Windows shim. */
export const windows: OsShim = {
  name: "windows",
  list: (): ProcessInfo[] => unsupported("Listing processes"),
  info(pid: number): ProcessInfo | null {
    try {
      process.kill(pid, 0);
      return {
        pid,
        ppid: 0,
        pgid: pid,
        sid: undefined,
        zombie: false,
        startKey: 0,
      };
    } catch {
      return null;
    }
  },
  startTimeMs: (): number | null => unsupported("Reading a start time"),
  startTimeResolutionMs: 20,
  signal,
  signalGroup: signal,
  groupExists: (): boolean => false,
  commandLine: (): string | null => null,
  parentDeathPrefix: (): string =>
    "killOnParentExit is not implemented on Windows yet",
};
