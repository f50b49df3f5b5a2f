/**
 * Stopping a tree by its parent links: the roots, what they started, what
 * those started — including descendants that left the group with `setsid`
 * (they keep their parent link) and members of groups or sessions that a
 * member leads — and, with a token, every process whose environment carries
 * it (a double fork re-parents a daemon to PID 1, outside the tree).
 *
 * Asking and forcing both first **freeze** the tree: SIGSTOP every member,
 * rescanning until a scan finds no new one. A stopped process cannot fork,
 * so the set ends complete. Before each signal the member's start stamp is
 * checked, so a PID that was reused by an unrelated process is never
 * signalled. We never signal ourselves or our ancestors.
 *
 * @module
 */

import { process } from "../runtime/host.ts";
import { carriesToken } from "./token.ts";
import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { collectTree } from "../process_tree.ts";
import { ownLineage } from "../safety.ts";
import type { Signal } from "../types.ts";
import { stillRuns } from "./members.ts";
import type { StopStrategy } from "./strategy.ts";

/** A token to look for, and the earliest start stamp a process carrying
 * it can have (no older process can descend from the one given it). */
export interface TokenSearch {
  readonly token: string;
  /** A `ProcessInfo.startKey`. */
  readonly since: number;
}

/** Options of {@linkcode treeStrategy}. */
export interface TreeStrategyOptions {
  /** Also take every process whose environment carries this token. */
  readonly token?: TokenSearch | undefined;
  /** Processes of this group are left to a group strategy running beside
   * this one, so none gets the signal twice. */
  readonly skipGroup?: number | undefined;
  /** Settles when a root child of ours ends. */
  readonly wake?: Promise<unknown> | undefined;
  /** The PID messages name when `roots` is empty (a child of ours that
   * ended, whose token still finds what it left). */
  readonly owner?: number | undefined;
}

let ownStart: number | undefined;

/** Our own start stamp: no descendant of a child of ours is older. */
export function ownStartKey(): number {
  return ownStart ??= os.info(process.pid)?.startKey ?? 0;
}

/** The live processes in `table` that carry `search.token` in their
 * environment, but for those `skip` says to leave. Only processes started
 * since `search.since` are read: few, and readable (our user's) ones. */
export function tokenCarriers(
  table: readonly ProcessInfo[],
  search: TokenSearch,
  skip: (row: ProcessInfo) => boolean = () => false,
): number[] {
  return table.filter((row) =>
    !row.zombie && row.startKey >= search.since && !skip(row) &&
    carriesToken(os.environment(row.pid) ?? [], search.token)
  ).map((row) => row.pid);
}

/** The strategy for the trees of `roots` (PIDs; a root that isn't running
 * is skipped). */
export function treeStrategy(
  roots: readonly number[],
  options: TreeStrategyOptions = {},
): StopStrategy {
  const exclude = ownLineage();
  exclude.add(process.pid);
  const members = new Map<number, ProcessInfo>();
  const { token, skipGroup } = options;
  const carriers = (table: readonly ProcessInfo[]) =>
    token === undefined ? [] : tokenCarriers(
      table,
      token,
      (row) =>
        members.has(row.pid) || exclude.has(row.pid) || row.pgid === skipGroup,
    );
  /** Adds new members (and SIGSTOPs them) until a scan finds none. */
  const freeze = (from: readonly number[]) => {
    while (true) {
      const table = os.list();
      const known = new Set([...from, ...members.keys(), ...carriers(table)]);
      let added = false;
      for (const row of collectTree(table, known, exclude)) {
        const old = members.get(row.pid);
        if (old && old.startKey === row.startKey) continue;
        members.set(row.pid, row);
        os.signal(row.pid, "SIGSTOP");
        added = true;
      }
      if (!added) return;
    }
  };
  let scanned = false;
  const survivors = () => {
    if (!scanned) {
      scanned = true;
      freeze(roots);
    }
    return [...members.values()].filter(stillRuns);
  };
  const send = (rows: readonly ProcessInfo[], signal: Signal) => {
    for (const row of rows) if (stillRuns(row)) os.signal(row.pid, signal);
  };
  const pid = roots[0] ?? options.owner ?? 0;
  return {
    what: `the tree of process ${pid}`,
    pid,
    gone: () => survivors().length === 0,
    survivors: () => survivors().map((row) => row.pid),
    ask(signal) {
      const rows = survivors();
      send(rows, signal);
      // Every member was frozen: each needs SIGCONT to act on the signal.
      if (signal !== "SIGCONT") send(rows, "SIGCONT");
    },
    force() {
      // Freeze what is left again — all of it, so that no member can act on
      // another's death (a shell's `wait` returning) before its own SIGKILL
      // lands — with anything it started meanwhile.
      const left = survivors();
      send(left, "SIGSTOP");
      freeze(left.map((row) => row.pid));
      send(survivors(), "SIGKILL");
    },
    ...(options.wake === undefined ? {} : { wake: options.wake }),
  };
}
