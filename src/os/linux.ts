/**
 * Linux: the process table from `/proc/*\/stat`, start times from field 22
 * (clock ticks since boot) and `/proc/uptime`, environments from
 * `/proc/PID/environ`, parent-death signal through `setpriv --pdeathsig`
 * (util-linux ≥ 2.33), containment through cgroup v2 (`linux/cgroup.ts`).
 *
 * Where `/proc` shows another PID namespace than ours
 * (`linux/proc_namespace.ts`), the table is empty: its PIDs are not ours to
 * signal. Stops then reach only what the kernel names in our namespace — a
 * child we have not reaped, its process group, its cgroup.
 *
 * @module
 */

import { host } from "../runtime/host.ts";
import {
  findExecutable,
  processGroupExists,
  signalProcess,
  signalProcessGroup,
} from "./posix.ts";
import { linuxCgroups } from "./linux/cgroup.ts";
import { procIsOurs } from "./linux/proc_namespace.ts";
import type { Signal } from "../types.ts";
import type { OsShim, ProcessInfo } from "./types.ts";

/** USER_HZ, the unit of `/proc/PID/stat` times: 100 on every architecture
 * Node, Deno and Bun run on (it is fixed by the kernel ABI, not by HZ). */
const CLOCK_TICKS_PER_SECOND = 100;

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

function info(pid: number): ProcessInfo | null {
  if (!procIsOurs()) return null;
  try {
    return parseStat(host.readTextFile(`/proc/${pid}/stat`));
  } catch {
    return null;
  }
}

function list(): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  if (!procIsOurs()) return rows;
  for (const name of host.readDirNames("/proc")) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const row = info(Number(name));
    if (row) rows.push(row);
  }
  return rows;
}

/** `/proc/PID/cmdline` (NUL-separated arguments) joined by spaces; a kernel
 * thread or a zombie has none: its name from `/proc/PID/comm`, in brackets,
 * as `ps` shows it. */
function commandLine(pid: number): string | null {
  if (!procIsOurs()) return null;
  try {
    const args = host.readTextFile(`/proc/${pid}/cmdline`).split("\0");
    if (args.at(-1) === "") args.pop();
    if (args.length > 0) return args.join(" ");
    return `[${host.readTextFile(`/proc/${pid}/comm`).trimEnd()}]`;
  } catch {
    return null;
  }
}

/** `/proc/PID/environ`: readable for our own user's processes (all of
 * them for root). */
function environment(pid: number): readonly string[] | null {
  if (!procIsOurs()) return null;
  try {
    const entries = host.readLatin1(`/proc/${pid}/environ`).split("\0");
    if (entries.at(-1) === "") entries.pop();
    return entries;
  } catch {
    return null;
  }
}

/** Boot time in ms since the epoch, from `/proc/uptime` (centiseconds;
 * `btime` in `/proc/stat` only has whole seconds). */
function bootTimeMs(): number {
  const uptime = Number(host.readTextFile("/proc/uptime").split(" ")[0]);
  return Date.now() - uptime * 1000;
}

/** The Linux shim. */
export const linux: OsShim = {
  name: "linux",
  list,
  info,
  startTimeMs(pid: number): number | null {
    const row = info(pid);
    if (!row) return null;
    return bootTimeMs() + (row.startKey * 1000) / CLOCK_TICKS_PER_SECOND;
  },
  startTimeResolutionMs: 50,
  signal: signalProcess,
  signalGroup: signalProcessGroup,
  groupExists: processGroupExists,
  commandLine,
  environment,
  readsEnvironments: true,
  argumentLimit:
    "Linux refuses a single string over 128 KiB, and arguments and environment together over a quarter of the stack limit (`ulimit -s`)",
  tableIsOurs: procIsOurs,
  cgroups: linuxCgroups,
  parentDeathPrefix(signal: Signal): readonly string[] | string {
    const setpriv = findExecutable(["/usr/bin/setpriv", "/bin/setpriv"]);
    if (setpriv === null) {
      return "setpriv (util-linux >= 2.33) was not found in /usr/bin or /bin";
    }
    return [setpriv, "--pdeathsig", signal.slice(3), "--"];
  },
};
