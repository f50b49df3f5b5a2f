/**
 * `killOnParentExit`: the command actually executed, behind the OS's
 * parent-death wrapper (Linux: `setpriv --pdeathsig`), which execs the
 * program, so the PID stays the program's own.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { SpawnPlan } from "../validate/spawn.ts";
import { assertRunnable } from "./spawn_error.ts";

/**
 * `cmd`, behind the parent-death wrapper when `plan` asks for one. The
 * program is looked up first, so that a missing one gives the error it
 * would give without the wrapper.
 *
 * @throws {RangeError} The system has no way to do it (the OS shim says
 * why).
 * @throws {CommandNotFoundError} The program was not found.
 */
export function commandLine(cmd: readonly string[], plan: SpawnPlan): string[] {
  if (plan.killOnParentExit === false) return [...cmd];
  const prefix = os.parentDeathPrefix(plan.killOnParentExit);
  // Empty: the backend makes the child die with us (Windows: a job).
  if (prefix.length === 0) return [...cmd];
  if (typeof prefix === "string") {
    throw new RangeError(
      `Cannot honour the \`killOnParentExit\` option: ${prefix}`,
    );
  }
  assertRunnable(cmd, plan);
  return [...prefix, ...cmd];
}
