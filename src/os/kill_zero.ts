/**
 * `kill(target, 0)` through the runtime: the existence check every system
 * offers (on Windows the runtime opens the process instead of signalling).
 *
 * @module
 */

import { process } from "../runtime/host.ts";

/** `true` when process `target` (or, negative, process group `-target`)
 * exists: EPERM means it does but is not ours. Zombies count as existing. */
export function killZero(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
