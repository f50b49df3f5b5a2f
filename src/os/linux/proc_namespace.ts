/**
 * Is `/proc` ours? Inside a new PID namespace without a `/proc` mounted for
 * it (`unshare --pid --fork` without `--mount-proc`, some containers),
 * `/proc` still shows the outer namespace: its PIDs name other processes
 * than ours do, so nothing read there may be signalled.
 *
 * @module
 */

import { host, process } from "../../runtime/host.ts";

let ours: boolean | undefined;

/** `true` when `/proc` shows our PID namespace: `/proc/self` names our own
 * PID. Asked once. */
export function procIsOurs(): boolean {
  if (ours !== undefined) return ours;
  try {
    ours = host.readLink("/proc/self") === String(process.pid);
  } catch {
    ours = false;
  }
  return ours;
}
