/**
 * Linux: the process table from `/proc/*\/stat`, start times from field 22
 * (clock ticks since boot) and `/proc/uptime`, environments from
 * `/proc/PID/environ`, parent-death signal through `setpriv --pdeathsig`
 * (util-linux ≥ 2.33), containment through cgroup v2 (`linux/cgroup/`).
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
import { linuxCgroups } from "./linux/cgroup/driver.ts";
import { procIsOurs } from "./linux/proc_namespace.ts";
import { parseStat } from "./linux/proc_stat.ts";
import type { Signal } from "../types.ts";
import type { OsShim, ProcessInfo } from "./types.ts";

/** USER_HZ, the unit of `/proc/PID/stat` times: 100 on every architecture
 * Node, Deno and Bun run on (it is fixed by the kernel ABI, not by HZ). */
const CLOCK_TICKS_PER_SECOND = 100;

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
