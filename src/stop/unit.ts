/**
 * A unit: what a contained child and everything it started make up, found
 * again by its cgroup or its token after the child itself is gone — for a
 * daemon that forked, called `setsid` and let its first process exit.
 * `subproc status` and `subproc stop` use it.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { Signal } from "../types.ts";
import { cgroupStrategy } from "./cgroup.ts";
import { runLadder } from "./ladder.ts";
import { tokenCarriers, type TokenSearch, treeStrategy } from "./tree.ts";

/** How a unit is found. */
export interface Unit {
  /** The first process, for messages. */
  readonly pid: number;
  /** Its cgroup's directory, or `null`. */
  readonly cgroup: string | null;
  /** Its token, and the first process's start stamp, or `undefined`. */
  readonly token: TokenSearch | undefined;
}

/** The live processes of `unit`. */
export function unitMembers(unit: Unit): number[] {
  if (unit.cgroup !== null && os.cgroups !== null) {
    return os.cgroups.members(unit.cgroup);
  }
  if (unit.token === undefined) return [];
  return tokenCarriers(os.list(), unit.token);
}

/**
 * Stops everything of `unit`: its cgroup, or every process carrying its
 * token (with their trees). Resolves once all of it is gone and its cgroup
 * is removed.
 *
 * @throws {SubprocessError} Something survived SIGKILL.
 */
export async function stopUnit(
  unit: Unit,
  signal: Signal,
  grace: number,
): Promise<void> {
  if (unit.cgroup !== null && os.cgroups !== null) {
    const strategy = cgroupStrategy(os.cgroups, unit.cgroup, unit.pid);
    return await runLadder(strategy, signal, grace);
  }
  if (unit.token === undefined) return;
  const strategy = treeStrategy([], { token: unit.token, owner: unit.pid });
  await runLadder(strategy, signal, grace);
}
