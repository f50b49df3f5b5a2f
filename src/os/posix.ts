/**
 * What Linux, macOS and the BSDs share: signals through `kill(2)` (including
 * `kill(-pgid)` for a group) and the parent-death wrapper lookup.
 *
 * @module
 */

import { host, process } from "../runtime/host.ts";
import type { Signal } from "../types.ts";
import { killZero } from "./kill_zero.ts";
import type { SignalResult } from "./types.ts";

/** `kill(pid, signal)`; ESRCH → `"gone"`, EPERM → `"denied"`. */
export function signalProcess(pid: number, signal: Signal): SignalResult {
  return sendKill(pid, signal);
}

/** `kill(-pgid, signal)`. */
export function signalProcessGroup(pgid: number, signal: Signal): SignalResult {
  return sendKill(-pgid, signal);
}

/** `kill(-pgid, 0)`: does any process (zombies included) remain in it? */
export function processGroupExists(pgid: number): boolean {
  return killZero(-pgid);
}

function sendKill(target: number, signal: Signal): SignalResult {
  try {
    process.kill(target, signal);
    return "sent";
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = (error as { name?: string }).name;
    if (code === "ESRCH" || name === "NotFound") return "gone";
    if (code === "EPERM" || name === "PermissionDenied") return "denied";
    throw error;
  }
}

/** The first of `candidates` that exists and is executable, or `null`. */
export function findExecutable(candidates: readonly string[]): string | null {
  return candidates.find((candidate) => host.isExecutable(candidate)) ?? null;
}
