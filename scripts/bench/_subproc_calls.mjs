// @ts-check
/**
 * subproc's side of every case, the same on Deno (`mod.ts`), Node (the npm
 * build) and Bun: the calls to sample, and their series. Each runtime's
 * runner adds its raw calls (and the peers) to the same sampling loop.
 *
 * @module
 */

import {
  exitsHoldingStdout,
  holders,
  holdersGone,
  holdsStdout,
  IGNORES_TERM,
  timed,
} from "./_commands.mjs";
import { host } from "./_host.mjs";
import { killAll, sleep, stat } from "./_procfs.mjs";
import { interleave, own, sampleCostly, series } from "./_sampling.mjs";
import { stopContainedTree, stopSeries, untilResolved } from "./_trees.mjs";

/** @typedef {typeof import("../../mod.ts")} Subproc */
/** @typedef {import("./_stats.ts").Series} Series */
/** @typedef {import("./_stats.ts").SamplingParams} SamplingParams */
/** @typedef {import("./_sampling.mjs").Variant} Variant */

/**
 * Calls to sample beside a runtime's raw ones (their names don't clash with
 * those), and the series their samples make.
 *
 * @typedef {object} Part
 * @property {Record<string, Variant>} variants
 * @property {(samples: Record<string, number[]>) => Series[]} series
 */

/**
 * Samples a runtime's raw calls (and peers) `raw` and, where there is
 * subproc, its `part` in one interleaved loop.
 *
 * @param {Record<string, Variant>} raw
 * @param {Part | null} part
 * @param {SamplingParams} p
 * @returns {Promise<{ raw: Record<string, number[]>, series: Series[] }>}
 */
export async function withPart(raw, part, p) {
  const samples = await interleave({ ...raw, ...part?.variants }, p);
  return { raw: samples, series: part ? part.series(samples) : [] };
}

/** Labels name subproc where other libraries run beside it (`"subproc "`
 * on Node and Bun). */
export const WHO = host.prefix === "deno" ? "" : "subproc ";

/**
 * @param {Record<string, number[]>} samples
 * @param {string} name
 * @returns {number[]}
 */
function of(samples, name) {
  return samples[name] ?? [];
}

/**
 * 1. Spawn + wait of `/bin/true`: `run`, without exit hooks, captured.
 *
 * @param {Subproc} lib
 * @returns {Part}
 */
export function spawnPart(lib) {
  return {
    variants: {
      run: () => lib.run(["/bin/true"]),
      runNoCleanup: () => lib.run(["/bin/true"], { cleanup: false }),
      runCapture: () => lib.run(["/bin/true"], { capture: true }),
    },
    series: (s) => [
      series(own("run"), `${WHO}\`run(cmd)\``, of(s, "run")),
      series(
        own("run.noCleanup"),
        `${WHO}\`run(cmd, {cleanup: false})\` (no exit hooks)`,
        of(s, "runNoCleanup"),
      ),
      series(
        own("run.capture"),
        `${WHO}\`run(cmd, {capture: true})\``,
        of(s, "runCapture"),
      ),
    ],
  };
}

/**
 * `spawn(/bin/true, {newSession: true, contain})`, until its status.
 *
 * @param {Subproc} lib
 * @param {"cgroup" | "tree"} contain
 * @returns {() => Promise<unknown>}
 */
function spawnContained(lib, contain) {
  return () => lib.spawn(["/bin/true"], { newSession: true, contain }).status;
}

/**
 * 2. Spawn + wait with a new session, held by the process tree (`setsid`'s
 * own cost), and in a cgroup of its own (what containment adds).
 *
 * @param {Subproc} lib
 * @returns {Part}
 */
export function sessionPart(lib) {
  return {
    variants: {
      spawnTree: spawnContained(lib, "tree"),
      spawnCgroup: spawnContained(lib, "cgroup"),
    },
    series: (s) => [
      series(
        own("spawn.newSession"),
        `${WHO}\`spawn(cmd, {newSession: true, contain: "tree"}).status\` (setsid, no cgroup)`,
        of(s, "spawnTree"),
      ),
      series(
        own("spawn.cgroup"),
        `${WHO}\`spawn(cmd, {newSession: true, contain: "cgroup"}).status\``,
        of(s, "spawnCgroup"),
      ),
    ],
  };
}

/**
 * The same two spawns `gapMs` apart: after a quiet spell, the kernel makes
 * the first move into a cgroup wait for an RCU grace period.
 *
 * @param {Subproc} lib
 * @param {SamplingParams & { gapMs: number }} p
 * @returns {Promise<Series[]>}
 */
export async function quietSpawns(lib, p) {
  const apart = /** @param {() => Promise<unknown>} fn */ (fn) => ({
    timed: fn,
    then: () => sleep(p.gapMs),
  });
  const s = await interleave({
    tree: apart(spawnContained(lib, "tree")),
    cgroup: apart(spawnContained(lib, "cgroup")),
  }, p);
  const meta = { gapMs: p.gapMs };
  return [
    series(
      own("spawn.tree.quiet"),
      `${WHO}\`spawn(cmd, {newSession: true, contain: "tree"}).status\`, ${p.gapMs} ms apart`,
      of(s, "tree"),
      meta,
    ),
    series(
      own("spawn.cgroup.quiet"),
      `${WHO}\`spawn(cmd, {newSession: true, contain: "cgroup"}).status\`, ${p.gapMs} ms apart`,
      of(s, "cgroup"),
      meta,
    ),
  ];
}

/**
 * Ends daemon `pid` and waits until it is gone, then removes `pidfile`
 * (untimed).
 *
 * @param {number} pid
 * @param {string} pidfile
 * @returns {Promise<void>}
 */
export async function endDaemon(pid, pidfile) {
  const row = stat(pid);
  if (row) await killAll([row]);
  host.remove(pidfile);
}

/**
 * 3. `detach()` until the parent may exit: in a cgroup (the default) and
 * held by the process tree.
 *
 * @param {Subproc} lib
 * @param {string} pidfile
 * @returns {Part}
 */
export function detachPart(lib, pidfile) {
  const cmd = ["sleep", "100000"];
  /** @param {import("../../mod.ts").DetachOptions} options */
  const detached = (options) => {
    let pid = 0;
    return {
      timed: async () => {
        pid = (await lib.detach(cmd, { pidfile, ...options })).pid;
      },
      then: () => endDaemon(pid, pidfile),
    };
  };
  return {
    variants: {
      detach: detached({}),
      detachTree: detached({ contain: "tree" }),
    },
    series: (s) => [
      series(
        own("detach"),
        `${WHO}\`await detach(cmd, {pidfile})\` (in a cgroup: \`contain: "auto"\`)`,
        of(s, "detach"),
      ),
      series(
        own("detach.tree"),
        `${WHO}\`await detach(cmd, {pidfile, contain: "tree"})\``,
        of(s, "detachTree"),
      ),
    ],
  };
}

/**
 * 5. Capture throughput: `run(["cat", file], {capture: "bytes"})`.
 *
 * @param {Subproc} lib
 * @param {string} file
 * @param {(bytes: number) => void} check Throws unless all was captured.
 * @param {number} bytes
 * @returns {Part}
 */
export function capturePart(lib, file, check, bytes) {
  return {
    variants: {
      run: async () => {
        const out = await lib.run(["cat", file], {
          capture: "bytes",
          stdin: "null",
          maxBuffer: 2 * bytes,
        });
        check(out.stdout.byteLength);
      },
    },
    series: (s) => [
      series(
        own("run.bytes"),
        `${WHO}\`run(["cat", file], {capture: "bytes", maxBuffer})\``,
        of(s, "run"),
        { bytes },
      ),
    ],
  };
}

/**
 * 6. Timeout precision: `run({timeout})` of a child that ignores SIGTERM,
 * of one whose grandchild holds stdout, and (no timeout) of one that exits
 * while its grandchild holds stdout.
 *
 * @param {Subproc} lib
 * @param {{ reps: number, hangReps: number, hold: number }} p
 * @returns {Promise<Series[]>}
 */
export async function timeoutRuns(lib, p) {
  /** @type {number[]} */
  const a = [], aTree = [], b = [], c = [], leftB = [], leftC = [];
  /** @param {"auto" | "tree"} contain */
  const ignoringTerm = (contain) =>
    timed(() =>
      lib.run(IGNORES_TERM, {
        timeout: 200,
        grace: 100,
        capture: true,
        contain,
      })
    );
  for (let i = 0; i < p.reps; i++) {
    a.push(await ignoringTerm("auto"));
    aTree.push(await ignoringTerm("tree"));
    b.push(
      await timed(() =>
        lib.run(holdsStdout(p.hold), { timeout: 200, capture: true })
      ),
    );
    leftB.push(holders(p.hold));
    await holdersGone(p.hold);
  }
  for (let i = 0; i < p.hangReps; i++) {
    c.push(
      await timed(() => lib.run(exitsHoldingStdout(p.hold), { capture: true })),
    );
    leftC.push(holders(p.hold));
    await holdersGone(p.hold);
  }
  return [
    series(
      own("run.timeout.ignoreTerm"),
      `${WHO}\`run(ignoresTerm, {timeout: 200, grace: 100, capture: true})\` (in a cgroup: \`contain: "auto"\`)`,
      a,
      { expectMs: 300 },
    ),
    series(
      own("run.timeout.ignoreTerm.tree"),
      `${WHO}\`run(ignoresTerm, {timeout: 200, grace: 100, capture: true, contain: "tree"})\``,
      aTree,
      { expectMs: 300 },
    ),
    series(
      own("run.timeout.grandchild"),
      `${WHO}\`run(grandchildHoldsStdout, {timeout: 200, capture: true})\``,
      b,
      { expectMs: 200, leftRunning: leftB },
    ),
    series(
      own("run.exitHoldingStdout"),
      `${WHO}\`run(exitsGrandchildHoldsStdout, {capture: true})\` (no timeout; \`drainTimeout\` 500 ms)`,
      c,
      { holdMs: p.hold * 1000, leftRunning: leftC },
    ),
  ];
}

/**
 * 4. `killTree(pid)` of a tree started by the raw call, until it resolves.
 *
 * @param {Subproc} lib
 * @returns {import("./_trees.mjs").TreeStop}
 */
export function killTreeStop(lib) {
  return untilResolved((root) => lib.killTree(root));
}

/**
 * The series of {@linkcode killTreeStop}.
 *
 * @param {{ samples: number[], survivors: number[] } | undefined} found
 * @param {number} treeSize
 * @returns {Series}
 */
export function killTreeSeries(found, treeSize) {
  return stopSeries(
    own("killTree"),
    `${WHO}\`await killTree(pid)\` (until it resolves)`,
    found,
    treeSize,
  );
}

/**
 * 12. Stopping a 200-process tree whose escapes are double forks: through
 * its cgroup (`stop()`), and by the `/proc` walk, which finds the double
 * forks by the containment token (`stop({scope: "tree"})`).
 *
 * @param {Subproc} lib
 * @param {import("./_trees.mjs").TreeParams} p
 * @returns {Promise<Series[]>}
 */
export async function daemonsCase(lib, p) {
  const found = await sampleCostly({
    cgroup: () => stopContainedTree(lib, p, "cgroup", (c) => c.stop()),
    tree: () =>
      stopContainedTree(lib, p, "tree", (c) => c.stop({ scope: "tree" })),
  }, p);
  return [
    stopSeries(
      own("stop.cgroup"),
      `${WHO}\`spawn(…, {contain: "cgroup", newSession: true})\`, then \`await child.stop()\``,
      found.cgroup,
      p.size,
    ),
    stopSeries(
      own("stop.tree"),
      `${WHO}\`spawn(…, {contain: "tree", newSession: true})\`, then \`await child.stop({scope: "tree"})\``,
      found.tree,
      p.size,
    ),
  ];
}
