/**
 * Signalling a child the runtime has not reaped yet.
 *
 * @module
 */

import type { Signal } from "../types.ts";
import { process } from "./host.ts";

/** Sends `signal` to `pid` (a child of ours, not reaped yet): `true` when
 * sent, `false` when it is gone. */
export function signalChild(pid: number, signal: Signal): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
