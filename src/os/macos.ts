/**
 * macOS and the BSDs: one `ps` call (an argument array, never a shell) for the
 * process table and for start times (`lstart`, whole seconds). Also used on
 * Linux by the tests, so that this path is exercised here.
 *
 * @module
 */

import { runtimeBackend } from "../runtime/select.ts";
import {
  processGroupExists,
  signalProcess,
  signalProcessGroup,
} from "./posix.ts";
import type { OsShim, ProcessInfo } from "./types.ts";

const PS = "/bin/ps";

/** Parses `ps -o pid=,ppid=,pgid=,stat=,lstart=` output. `lstart` comes last
 * because it holds spaces ("Mon Nov 23 18:24:11 2026"). */
export function parsePs(output: string): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const line of output.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    const started = Date.parse(match[5]!);
    rows.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      pgid: Number(match[3]),
      sid: undefined,
      zombie: match[4]!.startsWith("Z"),
      startKey: Number.isNaN(started) ? 0 : started / 1000,
    });
  }
  return rows;
}

const COLUMNS = "pid=,ppid=,pgid=,stat=,lstart=";

function list(): ProcessInfo[] {
  return parsePs(runtimeBackend.runSync(PS, ["-A", "-o", COLUMNS]).stdout);
}

function info(pid: number): ProcessInfo | null {
  const out = runtimeBackend.runSync(PS, ["-o", COLUMNS, "-p", String(pid)]);
  return parsePs(out.stdout).find((row) => row.pid === pid) ?? null;
}

/** `ps -o args=`: the arguments joined by spaces (macOS can't give them
 * apart without `sysctl(KERN_PROCARGS2)`). */
function commandLine(pid: number): string | null {
  const out = runtimeBackend.runSync(PS, ["-o", "args=", "-p", String(pid)]);
  const line = out.stdout.trim();
  return out.code === 0 && line !== "" ? line : null;
}

/** The `ps`-based shim. */
export const macos: OsShim = {
  name: "macos",
  list,
  info,
  startTimeMs(pid: number): number | null {
    const row = info(pid);
    return row ? row.startKey * 1000 : null;
  },
  startTimeResolutionMs: 1000,
  signal: signalProcess,
  signalGroup: signalProcessGroup,
  groupExists: processGroupExists,
  commandLine,
  // `ps` shows environments only for our own processes, and only as part
  // of a command line that can't be split apart reliably.
  environment: () => null,
  readsEnvironments: false,
  argumentLimit:
    "macOS refuses arguments and environment together over `getconf ARG_MAX` (1 MiB)",
  tableIsOurs: () => true,
  cgroups: null,
  parentDeathPrefix(): string {
    return "macOS has no parent-death signal; killOnParentExit is not supported there";
  },
};
