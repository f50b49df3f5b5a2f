/**
 * `isAlive()`.
 *
 * @module
 */

import { os } from "./os/select.ts";
import { validatePid } from "./safety.ts";

/**
 * Whether process `pid` exists and has not ended. A zombie (ended, not yet
 * reaped by its parent) counts as dead: it runs nothing, and an init that
 * doesn't reap orphans can leave one in the table for good. No signal is
 * sent.
 *
 * @param pid A process id.
 * @returns `true` when the process runs.
 * @throws {TypeError} `pid` is not a number.
 * @throws {RangeError} `pid` is not a positive integer.
 *
 * @example Is this process alive?
 * ```ts
 * import { isAlive } from "@subproc/subproc";
 * import process from "node:process";
 * console.log(isAlive(process.pid)); // true
 * ```
 */
export function isAlive(pid: number): boolean {
  const row = os.info(validatePid("pid", pid));
  return row !== null && !row.zombie;
}
