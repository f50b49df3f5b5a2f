/**
 * Ending a tree that no job of ours holds, member by member — the one
 * algorithm ({@linkcode TreeEnding}, which `stop/windows_tree.ts` drives
 * through the stop ladder), over two ways of seeing and ending processes:
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
import { killZero } from "../kill_zero.ts";
import {
  type Handle,
  type Kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
} from "./kernel32.ts";
import { endThroughRuntime, noteEnding } from "./own_children.ts";
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
  /** `true` while `pid` runs: a cheap check, made every few milliseconds. */
  runs(pid: number): boolean;
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

/**
 * A tree being ended through an ender: each round ends the root and the
 * descendants not ended yet, listing the table again until it shows nobody
 * new. What it ended and what Windows refused stay known from one round to
 * the next, so that orphans are still found through ended members and a
 * survivor can be named. Call {@linkcode TreeEnding.release} at the end.
 */
export class TreeEnding<T> {
  readonly root: number;
  readonly #ender: TreeEnder<T>;
  /** The root as first listed; `null` when it was not running. */
  #rootRow: WinProcess | null | undefined;
  #exclude: ReadonlySet<number> = new Set();
  readonly #handled = new Set<number>();
  /** Ended (or being ended), with what `end` kept. */
  readonly #ended = new Map<number, { row: WinProcess; token: T }>();
  /** Windows refused to end them. */
  readonly #refused = new Map<number, WinProcess>();

  constructor(ender: TreeEnder<T>, root: number) {
    this.#ender = ender;
    this.root = root;
  }

  /** The members ended so far. */
  get ended(): WinProcess[] {
    return [...this.#ended.values()].map((e) => e.row);
  }

  /** The members Windows refused to end. */
  get refused(): WinProcess[] {
    return [...this.#refused.values()];
  }

  /** `false` once a round found the root not running. */
  get found(): boolean {
    return this.#rootRow !== null;
  }

  /**
   * Ends the root and its descendants not ended yet, without waiting for
   * them to go.
   *
   * @throws {RangeError} The root is this process or one of its ancestors.
   */
  endRound(): void {
    let table = this.#ender.list();
    if (this.#rootRow === undefined) this.#start(table);
    const rootRow = this.#rootRow;
    if (rootRow === null || rootRow === undefined) return;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const rows = withEnded(table, this.ended);
      let added = false;
      for (const row of descendants(rows, rootRow, this.#exclude)) {
        if (this.#handled.has(row.pid)) continue;
        this.#handled.add(row.pid);
        added = true;
        const result = this.#ender.end(row);
        if (result === "denied") this.#refused.set(row.pid, row);
        else if (result !== "gone") {
          this.#ended.set(row.pid, { row, ...result });
        }
      }
      if (!added) break;
      table = this.#ender.list();
    }
  }

  #start(table: readonly WinProcess[]): void {
    const root = this.root;
    this.#rootRow = table.find((row) => row.pid === root && !row.exited) ??
      null;
    if (this.#rootRow === null) return;
    this.#exclude = ownLineage(table);
    if (this.#exclude.has(root)) {
      // Without FFI the parent is known only from the table: the first place
      // that can tell.
      throw new RangeError(
        `Refusing to stop the tree of process ${root}: it is this process or an ancestor of it, so stopping its tree would stop this process too`,
      );
    }
  }

  /** `true` once nothing ended or refused runs; before the first round,
   * once the root does not run. */
  gone(): boolean {
    if (this.#rootRow === undefined) return !this.#ender.runs(this.root);
    return this.#ender.allGone(this.#tokens()) &&
      this.refused.every((row) => !this.#ender.runs(row.pid));
  }

  /** The PIDs of the members ended or refused that still run. */
  survivors(): number[] {
    return this.#ender.survivors(
      [...this.ended, ...this.refused],
      this.#tokens(),
    );
  }

  /** Frees what ending kept (process handles). */
  release(): void {
    this.#ender.release(this.#tokens());
  }

  #tokens(): T[] {
    return [...this.#ended.values()].map((e) => e.token);
  }
}

/** Toolhelp32 and process handles (see the module doc). */
export function handleEnder(
  k: Kernel32,
): TreeEnder<{ pid: number; handle: Handle }> {
  return {
    list: () => snapshot(k),
    runs: (pid) => processInfo(k, pid)?.exited === false,
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
    runs: killZero,
    end(row) {
      const result = endThroughRuntime(row.pid);
      return result === "sent" ? { token: row } : result;
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
