/**
 * The rules that keep users safe when they hand us a PID: never PID ≤ 0,
 * never ourselves, never our own process group, never one of our ancestors
 * (stopping its tree would stop us).
 *
 * @module
 */

import { process } from "./runtime/host.ts";
import { describe } from "./describe.ts";
import { os } from "./os/select.ts";

/** Largest PID any supported system hands out (Linux `pid_max` ≤ 2^22). */
export const MAX_PID = 2 ** 31 - 1;

/** Checks that `pid` is a positive integer PID. */
export function validatePid(name: string, pid: unknown): number {
  if (typeof pid !== "number") {
    throw new TypeError(
      `Expected \`${name}\` to be a process id (a positive integer), got ${
        describe(pid)
      }`,
    );
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid > MAX_PID) {
    throw new RangeError(
      `Expected \`${name}\` to be a process id (an integer from 1 to ${MAX_PID}), got ${pid}: refusing to signal it`,
    );
  }
  return pid;
}

/** Our own process group, where the system has one. */
export function ownGroup(): number | undefined {
  return os.info(process.pid)?.pgid;
}

/** PIDs of our own process and all its ancestors. */
export function ownLineage(): Set<number> {
  const lineage = new Set<number>();
  let pid: number | undefined = process.pid;
  while (pid !== undefined && pid > 0 && !lineage.has(pid)) {
    lineage.add(pid);
    pid = os.info(pid)?.ppid;
  }
  return lineage;
}

/** Refuses to signal our own process, our own group or an ancestor. */
export function assertMaySignal(name: string, pid: number): void {
  if (pid === process.pid) {
    throw new RangeError(
      `Refusing to signal \`${name}\` ${pid}: it is this process`,
    );
  }
  if (pid === ownGroup()) {
    throw new RangeError(
      `Refusing to signal \`${name}\` ${pid}: it leads this process's own process group`,
    );
  }
  if (ownLineage().has(pid)) {
    throw new RangeError(
      `Refusing to signal \`${name}\` ${pid}: it is an ancestor of this process, so stopping its tree would stop this process too`,
    );
  }
}
