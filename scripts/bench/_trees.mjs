// @ts-check
/**
 * Process trees to stop, for the tree cases of every runtime: built by
 * `tree.sh` (200 processes in the full run), timed from the stop's call,
 * and cleaned up after, whatever the stop left.
 *
 * @module
 */

import { host } from "./_host.mjs";
import {
  descendants,
  killAll,
  stillRuns,
  waitForMembers,
  withVariable,
} from "./_procfs.mjs";
import { series } from "./_sampling.mjs";

/** @typedef {import("./_procfs.mjs").Stat} Stat */
/** @typedef {import("./_sampling.mjs").Outcome} Outcome */
/** @typedef {typeof import("../../mod.ts")} Subproc */

/**
 * The tree cases' parameters: how many samples (each needs a fresh tree),
 * the tree and how long a method whose survivor count stays the same may
 * take to be done.
 *
 * @typedef {import("./_sampling.mjs").CostlyParams & {
 *   shape: number[],
 *   size: number,
 *   settleMs: number,
 * }} TreeParams
 */

/**
 * Stops a tree whose root is `root` and members `members`; says when the
 * stop was over (from `start`) and what survived it.
 *
 * @typedef {(root: number, members: Stat[], start: number) =>
 *   Promise<{ ms: number, survivors: Stat[] }>} TreeStop
 */

const TREE_SH = decodeURIComponent(
  new URL("tree.sh", import.meta.url).pathname,
);

/** The variable that marks every member of one contained tree. */
const MARK = "SUBPROC_BENCH_TREE";

/**
 * Builds a tree started by the raw runtime call (held by its parent links
 * alone), stops it with `stop`, and cleans up.
 *
 * @param {TreeParams} p
 * @param {TreeStop} stop
 * @returns {Promise<Outcome>}
 */
export async function stopRawTree(p, stop) {
  const root = host.spawnDetached([TREE_SH, ...p.shape.map(String)]);
  return await timeStop(
    () => descendants(root.pid),
    p.size,
    `The benchmark tree under ${root.pid}`,
    async (members) => {
      const start = performance.now();
      const end = await stop(root.pid, members, start);
      return { ms: end.ms, survivors: end.survivors.length };
    },
    root.exited,
  );
}

/**
 * Waits until `find` finds the `size` members of a tree, runs `measure` on
 * them, then SIGKILLs what is left of them (or, when they were never all
 * there, of what `find` finds) and waits for `ended`.
 *
 * @param {() => Stat[]} find
 * @param {number} size
 * @param {string} what Names the tree in an error.
 * @param {(members: Stat[]) => Promise<Outcome>} measure
 * @param {Promise<unknown>} ended
 * @returns {Promise<Outcome>}
 */
async function timeStop(find, size, what, measure, ended) {
  /** @type {Stat[]} */
  let members = [];
  try {
    members = await waitForMembers(find, size, what);
    return await measure(members);
  } finally {
    await killAll(members.length > 0 ? members : find());
    await ended;
  }
}

/**
 * A {@linkcode TreeStop} that is over when `fn(root)` resolves.
 *
 * @param {(root: number) => Promise<unknown>} fn
 * @returns {TreeStop}
 */
export function untilResolved(fn) {
  return async (root, members, start) => {
    await fn(root);
    const ms = performance.now() - start;
    return { ms, survivors: members.filter(stillRuns) };
  };
}

/**
 * Builds a tree whose escapes are double forks, started by subproc's
 * `spawn` with `contain` and a new session, stops it with `stop`, and cleans
 * up. Its members are found by a variable in their environment, wherever
 * their parent links lead.
 *
 * @param {Subproc} lib
 * @param {TreeParams} p
 * @param {"cgroup" | "tree"} contain
 * @param {(child: import("../../mod.ts").Subprocess) => Promise<unknown>} stop
 * @returns {Promise<Outcome>}
 */
export async function stopContainedTree(lib, p, contain, stop) {
  const mark = `${host.prefix}.${Math.random().toString(36).slice(2)}`;
  const child = lib.spawn([TREE_SH, ...p.shape.map(String)], {
    contain,
    newSession: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { TREE_DOUBLE_FORK: "1", [MARK]: mark },
  });
  return await timeStop(
    () => withVariable(MARK, mark),
    p.size,
    `The benchmark tree under ${child.pid}`,
    async (members) => {
      const start = performance.now();
      await stop(child);
      const ms = performance.now() - start;
      return { ms, survivors: members.filter(stillRuns).length };
    },
    child.status,
  );
}

/**
 * The series of a tree stop, with the survivors of each repetition.
 *
 * @param {string} id
 * @param {string} label
 * @param {{ samples: number[], survivors: number[] } | undefined} found
 * @param {number} treeSize
 * @returns {import("./_stats.ts").Series}
 */
export function stopSeries(id, label, found, treeSize) {
  return series(id, label, found?.samples ?? [], {
    survivors: found?.survivors ?? [],
    treeSize,
  });
}
