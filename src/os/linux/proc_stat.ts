/**
 * Reading `/proc/PID/stat`, the kernel's one-line record of a process.
 *
 * @module
 */

import type { ProcessInfo } from "../types.ts";

/** Parses one `/proc/PID/stat` line. The command name may hold spaces and
 * parentheses, so fields are counted from the last `)`. */
export function parseStat(line: string): ProcessInfo | null {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < 0) return null;
  const pid = Number(line.slice(0, open));
  const fields = line.slice(close + 2).split(" ");
  // fields[0] is field 3 (state); field N is fields[N - 3].
  const state = fields[0] ?? "";
  const startKey = Number(fields[19]);
  if (!Number.isInteger(pid) || !Number.isFinite(startKey)) return null;
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    // Z: zombie, X: dead. PID 1 here may never reap orphans, so a zombie can
    // stay in the table for good; it runs nothing and counts as dead.
    zombie: state === "Z" || state === "X",
    startKey,
  };
}
