/**
 * After CMD ended on an interrupt: find and stop what it left behind.
 *
 * A non-interactive shell starts background jobs with SIGINT ignored, so
 * Ctrl-C ends the shell and leaves its jobs running, re-parented to an
 * ancestor of ours that adopts orphans (PID 1, or a subreaper). What is left:
 *
 * - the members of CMD's tree seen at the first signal that still run (same
 *   start time), and
 * - processes of our own process group that started no earlier than CMD,
 *   whose parent is an adopting ancestor, and whose environment holds the
 *   token we gave CMD (`SUBPROC_RUN_TOKEN`) — orphans of CMD's tree. Without
 *   the token, an orphan of an unrelated program that shares our group (a
 *   CI runner, `make -j`, a test runner) would be taken. The environment is
 *   read from `/proc`; where there is none (macOS), only the snapshot counts.
 *   A pipeline neighbour and our own lineage are never taken.
 *
 * Each of them is stopped with its tree (`killTree`); a CMD that leads its
 * own group has that group stopped first.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { ownLineage } from "../safety.ts";
import type { Subprocess } from "../spawn.ts";
import { killTree } from "../tree.ts";
import type { Signal } from "../types.ts";

/** The variable that marks CMD and everything it starts. */
export const RUN_TOKEN = "SUBPROC_RUN_TOKEN";

/** `true` when `pid`'s environment holds `RUN_TOKEN=token`. */
function carriesToken(pid: number, token: string): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "latin1");
    return environ.split("\0").includes(`${RUN_TOKEN}=${token}`);
  } catch {
    return false;
  }
}

/** Ancestors that may have adopted CMD's orphans. */
function adopters(lineage: ReadonlySet<number>): Set<number> {
  const found = new Set(lineage);
  if (process.pid !== 1) found.delete(process.pid);
  // Our parent adopts orphans only when it is PID 1; otherwise a process
  // whose parent is our parent is a pipeline neighbour, not CMD's orphan.
  if (process.ppid !== 1) found.delete(process.ppid);
  return found;
}

/**
 * The PIDs to stop, each the top of a tree left by CMD.
 *
 * @param table The process table now.
 * @param snapshot CMD's tree at the first signal.
 * @param since CMD's start stamp (`ProcessInfo.startKey`).
 * @param token The value of `RUN_TOKEN` in CMD's environment.
 */
export function leftoverRoots(
  table: readonly ProcessInfo[],
  snapshot: readonly ProcessInfo[],
  since: number,
  token: string,
): number[] {
  const lineage = ownLineage();
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const ourGroup = byPid.get(process.pid)?.pgid;
  const adopting = adopters(lineage);
  const roots = new Set<number>();
  for (const seen of snapshot) {
    const now = byPid.get(seen.pid);
    if (
      now && !now.zombie && now.startKey === seen.startKey &&
      !lineage.has(now.pid)
    ) roots.add(now.pid);
  }
  for (const row of table) {
    if (
      !row.zombie && row.pgid === ourGroup && row.startKey >= since &&
      !lineage.has(row.pid) && adopting.has(row.ppid) &&
      carriesToken(row.pid, token)
    ) roots.add(row.pid);
  }
  return [...roots].filter((pid) => !roots.has(byPid.get(pid)!.ppid));
}

/**
 * Stops what CMD left: its group (when it leads one), then every leftover
 * tree. Failures are reported through `onError` and do not stop the rest.
 */
export async function stopLeftovers(
  child: Subprocess,
  snapshot: readonly ProcessInfo[],
  since: number,
  token: string,
  signal: Signal,
  grace: number,
  onError: (error: unknown) => void,
): Promise<void> {
  if (child.pgid !== undefined) {
    await child.stop({ scope: "group", signal, grace }).catch(onError);
  }
  let roots: number[];
  try {
    roots = leftoverRoots(os.list(), snapshot, since, token);
  } catch (error) {
    onError(error); // a system whose process table we can't read
    return;
  }
  await Promise.all(
    roots.map((pid) => killTree(pid, { signal, grace }).catch(onError)),
  );
}
