/**
 * Finding and stopping a process and all its descendants.
 *
 * The order matters, because a tree can grow and lose its links while it is
 * being stopped:
 *
 * 1. **Freeze.** SIGSTOP every member, rescanning until a scan finds no new
 *    one. A stopped process cannot fork, so the set ends complete — including
 *    descendants that left the group with `setsid` (they keep their parent
 *    link) and members of groups or sessions that a member leads.
 * 2. **Ask.** Send `signal` (SIGTERM by default) to every member, then
 *    SIGCONT so that each can handle it.
 * 3. **Wait** up to `grace` for every member to be gone (a zombie counts as
 *    gone: it runs nothing, and PID 1 may never reap it).
 * 4. **Force.** Freeze what is left again (with anything it started in the
 *    meantime), then SIGKILL it; repeat until nothing is left. Before each
 *    signal the member's start time is checked, so a PID that was reused by
 *    an unrelated process is never signalled.
 *
 * We never signal ourselves, our ancestors, or members of our own group
 * found only by group (a child in our group is found by its parent link).
 *
 * @module
 */

import process from "node:process";
import { SubprocessError } from "./errors.ts";
import { stillRuns } from "./members.ts";
import { os } from "./os/select.ts";
import type { ProcessInfo } from "./os/types.ts";
import { assertMaySignal, ownLineage, validatePid } from "./safety.ts";
import { validateSignal } from "./signals.ts";
import type { Signal, StopOptions } from "./types.ts";
import {
  DEFAULT_GRACE,
  validateMs,
  validateOptionsObject,
} from "./validate.ts";
import { KILL_WAIT_MS, pollUntil } from "./wait.ts";

/**
 * Every live descendant of `root` in `table` (by parent links, plus members
 * of groups and sessions led by a descendant), `root` included when alive.
 * `exclude` (our own lineage) is never returned.
 */
export function collectTree(
  table: readonly ProcessInfo[],
  root: number,
  exclude: ReadonlySet<number> = new Set(),
  known: ReadonlySet<number> = new Set([root]),
): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const row of table) {
    const list = children.get(row.ppid);
    if (list) list.push(row);
    else children.set(row.ppid, [row]);
  }
  const found = new Map<number, ProcessInfo>();
  const queue = [...known];
  const byPid = new Map(table.map((row) => [row.pid, row]));
  const leaders = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const row = byPid.get(pid);
    if (row && !found.has(pid) && !exclude.has(pid)) {
      found.set(pid, row);
      leaders.add(pid);
    }
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child.pid) && !exclude.has(child.pid)) {
        queue.push(child.pid);
      }
    }
  }
  // Orphans re-parented to PID 1 stay in the group or session a member led.
  for (const row of table) {
    if (found.has(row.pid) || exclude.has(row.pid)) continue;
    if (
      leaders.has(row.pgid) || (row.sid !== undefined && leaders.has(row.sid))
    ) {
      found.set(row.pid, row);
    }
  }
  return [...found.values()].filter((row) => !row.zombie);
}

/** A tree member we have seen, with the start stamp that identifies it. */
type Member = ProcessInfo;

function signalMember(member: Member, signal: Signal): void {
  if (stillRuns(member)) os.signal(member.pid, signal);
}

/** Adds new members (and SIGSTOPs them) until a scan finds none. */
function freeze(
  members: Map<number, Member>,
  roots: readonly number[],
  exclude: ReadonlySet<number>,
): void {
  while (true) {
    const known = new Set([...roots, ...members.keys()]);
    const rows = collectTree(os.list(), roots[0]!, exclude, known);
    let added = false;
    for (const row of rows) {
      const old = members.get(row.pid);
      if (old && old.startKey === row.startKey) continue;
      members.set(row.pid, row);
      os.signal(row.pid, "SIGSTOP");
      added = true;
    }
    if (!added) return;
  }
}

function survivors(members: Map<number, Member>): Member[] {
  return [...members.values()].filter(stillRuns);
}

/**
 * Stops the tree under `root` (see the module doc for the order). Resolves
 * when every member is gone; rejects with a `SubprocessError` naming the PIDs
 * that survived SIGKILL (e.g. owned by another user).
 */
export async function stopTree(
  root: number,
  signal: Signal,
  grace: number,
): Promise<void> {
  // Systems with a way of their own (Windows: job objects, Toolhelp32).
  if (os.stopTree) return await os.stopTree(root, signal, grace);
  const exclude = ownLineage();
  exclude.add(process.pid);
  const members = new Map<number, Member>();
  freeze(members, [root], exclude);
  if (members.size === 0) return;
  if (signal !== "SIGKILL") {
    for (const member of members.values()) signalMember(member, signal);
    for (const member of members.values()) signalMember(member, "SIGCONT");
    if (await pollUntil(() => survivors(members).length === 0, grace)) return;
  }
  const deadline = performance.now() + KILL_WAIT_MS;
  while (performance.now() < deadline) {
    const left = survivors(members);
    if (left.length === 0) return;
    freeze(members, left.map((m) => m.pid), exclude);
    for (const member of survivors(members)) signalMember(member, "SIGKILL");
    await pollUntil(() => survivors(members).length === 0, 100);
  }
  const left = survivors(members).map((m) => m.pid);
  if (left.length === 0) return;
  throw new SubprocessError(
    `Cannot stop the tree of process ${root}: ${left.length} process(es) survived SIGKILL (${
      left.join(", ")
    })`,
    { cmd: [], pid: root },
  );
}

const KILL_TREE_KEYS: ReadonlySet<string> = new Set(["signal", "grace"]);

/**
 * Stops process `pid` and every process it started, including descendants
 * that left its group with `setsid`: SIGSTOP freezes the tree so it can't
 * grow, `signal` (SIGTERM) and SIGCONT ask every member to end, and after
 * `grace` ms SIGKILL ends the rest. Resolves once all of them are gone
 * (zombies count as gone). A PID that doesn't exist resolves at once.
 *
 * @param pid The root of the tree.
 * @param options `signal` and `grace`; `scope` is not used here.
 * @throws {TypeError} `pid` is not a number, or an option has the wrong type.
 * @throws {RangeError} `pid` ≤ 0, not an integer, this process, its group
 * leader or an ancestor; an unknown signal; a negative `grace`.
 * @throws {SubprocessError} some members survived SIGKILL.
 *
 * @example Stop a shell and the sleeps it started
 * ```ts
 * import { killTree, spawn } from "@subproc/subproc";
 * const child = spawn(["sh", "-c", "sleep 30 & sleep 30 & wait"]);
 * await killTree(child.pid, { grace: 500 });
 * console.log(await child.status); // { code: null, signal: "SIGTERM", … }
 * ```
 */
export async function killTree(
  pid: number,
  options?: Omit<StopOptions, "scope">,
): Promise<void> {
  const root = validatePid("pid", pid);
  const opts = validateOptionsObject("killTree", options, KILL_TREE_KEYS);
  const signal = opts.signal === undefined
    ? "SIGTERM"
    : validateSignal("signal", opts.signal);
  const grace = validateMs("grace", opts.grace ?? DEFAULT_GRACE);
  assertMaySignal("pid", root);
  await stopTree(root, signal, grace);
}
