/**
 * Ending a tree that no job of ours holds, member by member — the one
 * algorithm, over two ways of seeing and ending processes:
 *
 * - **with FFI** (`handleEnder`): the table from `CreateToolhelp32Snapshot`;
 *   each member is opened, its creation time checked against the table's,
 *   and ended with `TerminateProcess` through that handle, which is kept
 *   open until the end, so that its PID can't be reused meanwhile;
 * - **without FFI** (`tableEnder`, Node): the table from PowerShell or `wmic`
 *   (`process_query.ts`) and `process.kill(pid, "SIGKILL")` (the runtime's
 *   `TerminateProcess`). Nothing holds a PID here: a member that exits and
 *   whose PID is reused between the listing and the kill (a window of one
 *   listing, ~0.1–1 s) would be hit instead. Survivors are confirmed against
 *   a fresh listing by PID, name and creation time.
 *
 * The tree is built by parent links, each checked against creation times (a
 * parent must be older than its child, else its PID was reused); our own
 * process and its ancestors are never entered (and a root that is one of
 * them is refused). Parents are ended first; then
 * the table is taken again until it shows nobody new (a member may have
 * started a child meanwhile). Ended members stay in the tree while they are
 * gone from the table, so that their orphans are still found through them.
 * Windows can't ask a process that leads no console group of ours, so every
 * member is ended at once.
 *
 * @module
 */

import { nodeProcess as process } from "../../runtime/node_builtins.ts";
import { SubprocessError } from "../../errors.ts";
import { KILL_WAIT_MS, pollUntil } from "../../wait.ts";
import { killZero } from "../kill_zero.ts";
import {
  type Handle,
  type Kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
} from "./kernel32.ts";
import { noteEnding } from "./own_children.ts";
import { queryProcesses } from "./process_query.ts";
import {
  creationTimeMs,
  descendants,
  isRunning,
  openProcess,
  processInfo,
  snapshot,
  type WinProcess,
} from "./process_table.ts";
import { TERMINATED_EXIT_CODE } from "./signals.ts";

/** How a member was dealt with. */
type Ended<T> = { readonly token: T } | "gone" | "denied";

/** A way of seeing and ending processes (see the module doc). */
export interface TreeEnder<T> {
  /** Every process. */
  list(): WinProcess[];
  /** Ends `row` if it still is the process listed. */
  end(row: WinProcess): Ended<T>;
  /** `true` once none of the ended members runs. */
  allGone(tokens: readonly T[]): boolean;
  /** The PIDs of `rows` (ended or refused) that still run. */
  survivors(rows: readonly WinProcess[], tokens: readonly T[]): number[];
  /** Frees what `end` kept. */
  release(tokens: readonly T[]): void;
}

/** The most rounds of "end what is listed, list again". */
const MAX_ROUNDS = 100;

/** Same PID, name and creation time: the same process. */
function sameProcess(a: WinProcess, b: WinProcess): boolean {
  return a.pid === b.pid && a.startMs === b.startMs &&
    a.exe.toLowerCase() === b.exe.toLowerCase();
}

/** Our own PID and our ancestors' (never ended). */
function ownLineage(table: readonly WinProcess[]): Set<number> {
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const lineage = new Set<number>();
  let pid = process.pid;
  while (pid > 0 && !lineage.has(pid)) {
    lineage.add(pid);
    pid = byPid.get(pid)?.ppid ?? 0;
  }
  return lineage;
}

/** `table` plus the ended members whose PID it no longer lists, as exited
 * (a PID it lists is that member still, or another process now). */
function withEnded(
  table: readonly WinProcess[],
  ended: Iterable<WinProcess>,
): WinProcess[] {
  const listed = new Map(table.map((row) => [row.pid, row]));
  const rows = [...table];
  for (const row of ended) {
    if (!listed.has(row.pid)) rows.push({ ...row, exited: true });
  }
  return rows;
}

/** The members of a tree being ended. */
export interface Ending<T> {
  readonly root: number;
  /** Ended (or being ended), with what `end` kept. */
  readonly ended: ReadonlyMap<number, { row: WinProcess; token: T }>;
  /** Windows refused to end them. */
  readonly refused: ReadonlyMap<number, WinProcess>;
}

/**
 * Ends `root` and its descendants through `ender` without waiting for them
 * to go; `null` when `root` is not running. Call {@linkcode awaitEnded} (or
 * `ender.release`) with the result.
 *
 * @throws {RangeError} `root` is this process or one of its ancestors.
 */
export function endMembers<T>(
  ender: TreeEnder<T>,
  root: number,
): Ending<T> | null {
  let table = ender.list();
  const rootRow = table.find((row) => row.pid === root && !row.exited);
  if (rootRow === undefined) return null;
  const exclude = ownLineage(table);
  if (exclude.has(root)) {
    // Without FFI the parent is known only from the table: the first place
    // that can tell.
    throw new RangeError(
      `Refusing to stop the tree of process ${root}: it is this process or an ancestor of it, so stopping its tree would stop this process too`,
    );
  }
  const ended = new Map<number, { row: WinProcess; token: T }>();
  const refused = new Map<number, WinProcess>();
  const handled = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const rows = withEnded(table, [...ended.values()].map((e) => e.row));
    let added = false;
    for (const row of descendants(rows, rootRow, exclude)) {
      if (handled.has(row.pid)) continue;
      handled.add(row.pid);
      added = true;
      const result = ender.end(row);
      if (result === "denied") refused.set(row.pid, row);
      else if (result !== "gone") ended.set(row.pid, { row, ...result });
    }
    if (!added) break;
    table = ender.list();
  }
  return { root, ended, refused };
}

/** Waits until the members of `ending` are gone; rejects naming the
 * survivors. */
export async function awaitEnded<T>(
  ender: TreeEnder<T>,
  ending: Ending<T>,
): Promise<void> {
  const tokens = [...ending.ended.values()].map((e) => e.token);
  try {
    await pollUntil(() => ender.allGone(tokens), KILL_WAIT_MS);
    const left = ender.survivors(
      [
        ...[...ending.ended.values()].map((e) => e.row),
        ...ending.refused.values(),
      ],
      tokens,
    );
    if (left.length > 0) {
      throw new SubprocessError(
        `Cannot stop the tree of process ${ending.root}: ${left.length} process(es) survived TerminateProcess (${
          left.join(", ")
        })`,
        { cmd: [], pid: ending.root },
      );
    }
  } finally {
    ender.release(tokens);
  }
}

/** Ends `root` and its descendants through `ender`; resolves once they are
 * gone, rejects naming the survivors. */
export async function endTree<T>(
  ender: TreeEnder<T>,
  root: number,
): Promise<void> {
  const ending = endMembers(ender, root);
  if (ending !== null) await awaitEnded(ender, ending);
}

/** Toolhelp32 and process handles (see the module doc). */
export function handleEnder(
  k: Kernel32,
): TreeEnder<{ pid: number; handle: Handle }> {
  return {
    list: () => snapshot(k),
    end(row) {
      const { handle } = openProcess(
        k,
        row.pid,
        PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
      );
      if (handle === null) {
        return processInfo(k, row.pid) === null ? "gone" : "denied";
      }
      const started = creationTimeMs(k, handle);
      if (row.startMs !== null && started !== row.startMs) {
        k.CloseHandle(handle); // the PID now names another process
        return "gone";
      }
      if (isRunning(k, handle)) {
        noteEnding(row.pid);
        k.TerminateProcess(handle, TERMINATED_EXIT_CODE);
      }
      return { token: { pid: row.pid, handle } };
    },
    allGone: (tokens) => tokens.every((t) => !isRunning(k, t.handle)),
    survivors(rows, tokens) {
      const held = new Map(tokens.map((t) => [t.pid, t.handle]));
      return rows.filter((row) => {
        const handle = held.get(row.pid);
        return handle === undefined
          ? processInfo(k, row.pid)?.exited === false // refused
          : isRunning(k, handle);
      }).map((row) => row.pid);
    },
    release(tokens) {
      for (const { handle } of tokens) k.CloseHandle(handle);
    },
  };
}

/** PowerShell/`wmic` and `process.kill` (see the module doc). */
export function tableEnder(): TreeEnder<WinProcess> {
  return {
    list: queryProcesses,
    end(row) {
      try {
        noteEnding(row.pid);
        process.kill(row.pid, "SIGKILL");
        return { token: row };
      } catch (error) {
        return (error as { code?: string }).code === "EPERM"
          ? "denied"
          : "gone";
      }
    },
    allGone: (rows) => rows.every((row) => !killZero(row.pid)),
    survivors(rows) {
      if (rows.every((row) => !killZero(row.pid))) return [];
      const now = queryProcesses();
      return rows.filter((row) => now.some((r) => sameProcess(r, row)))
        .map((row) => row.pid);
    },
    release() {},
  };
}
