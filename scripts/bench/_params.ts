/**
 * How much each case measures, in the full run (the README table) and in
 * the quick run (CI: a few seconds, only to keep the scripts working).
 *
 * Full runs follow the rule of issue 9: every variant gets at least 200
 * samples or 2 s of them — except where a variant is seconds long by design
 * (a peer that hangs on purpose) or each sample needs a fresh 200-process
 * tree (capped at `maxReps`); BENCHMARKS.md prints every `n`.
 *
 * @module
 */

import type { SamplingParams } from "./_stats.ts";

/** The cases, in report order. */
export const CASES = [
  "spawn",
  "session",
  "detach",
  "tree",
  "daemons",
  "capture",
  "timeout",
  "memory",
  "startup",
  "ready",
] as const;
export type CaseName = typeof CASES[number];

/** A value no other process on the machine passes to `sleep`: the timeout
 * case counts grandchildren left running by looking for `sleep HOLD`. */
export function holdSeconds(base: number): number {
  return base + Math.floor(Math.random() * 900 + 100) / 100_000;
}

const FAST_FULL: SamplingParams = {
  minReps: 2000,
  minMs: 2000,
  floorReps: 200,
  maxWallMs: 60_000,
  block: 10,
  warmup: 50,
};

const FAST_QUICK: SamplingParams = {
  minReps: 20,
  minMs: 0,
  floorReps: 20,
  maxWallMs: 2_000,
  block: 5,
  warmup: 2,
};

/** A tree case: 10 processes, one escape. */
const TREE_QUICK = {
  minReps: 1,
  minMs: 0,
  floorReps: 1,
  maxReps: 1,
  shape: [1, 2, 3],
  size: 10,
  settleMs: 100,
};

/** A tree case: 200 processes, three escapes, a fresh tree per sample. */
const TREE_FULL = {
  minReps: 200,
  minMs: 2000,
  floorReps: 10,
  maxReps: 60,
  shape: [3, 4, 6, 7],
  size: 200,
  settleMs: 300,
};

/** `count` samples of each variant, one call at a time (at most
 * `maxWallMs`). */
function exactly(count: number, maxWallMs: number): SamplingParams {
  return {
    minReps: count,
    minMs: 0,
    floorReps: count,
    maxWallMs,
    block: 1,
    warmup: 1,
  };
}

/** Spawns 200 ms apart: `count` samples of each variant. */
function quiet(count: number): SamplingParams & { gapMs: number } {
  return { ...exactly(count, 60_000), gapMs: 200 };
}

/** Parameters of every case for one mode. */
export function params(quick: boolean): Record<CaseName, unknown> {
  return quick
    ? {
      spawn: FAST_QUICK,
      session: { ...FAST_QUICK, quiet: quiet(3) },
      detach: { ...FAST_QUICK, minReps: 10, floorReps: 10 },
      tree: TREE_QUICK,
      daemons: TREE_QUICK,
      capture: { ...exactly(3, 5_000), mib: 4 },
      timeout: { reps: 1, hangReps: 0, hold: holdSeconds(0.5) },
      memory: { children: 20, runs: 1 },
      startup: exactly(3, 10_000),
      ready: { lineReps: 5, portReps: 3, warmup: 1, interval: 100 },
    }
    : {
      spawn: FAST_FULL,
      // 40 pairs 200 ms apart: about 17 s per runtime.
      session: { ...FAST_FULL, quiet: quiet(40) },
      detach: { ...FAST_FULL, minReps: 300, floorReps: 300, block: 5 },
      tree: TREE_FULL,
      // Each sample builds a tree (~0.3 s): 30 of each, on each runtime.
      daemons: { ...TREE_FULL, maxReps: 30 },
      capture: {
        minReps: 20,
        minMs: 5000,
        floorReps: 10,
        maxWallMs: 120_000,
        block: 1,
        warmup: 1,
        mib: 256,
      },
      timeout: { reps: 20, hangReps: 3, hold: holdSeconds(2) },
      memory: { children: 500, runs: 5 },
      // Whole processes of 2–100 ms each: 2 s of samples per variant.
      startup: {
        minReps: 200,
        minMs: 2000,
        floorReps: 50,
        maxWallMs: 120_000,
        block: 5,
        warmup: 5,
      },
      // A port sample takes about 1.5 intervals: 100 of them, 15 s.
      ready: { lineReps: 300, portReps: 100, warmup: 10, interval: 100 },
    };
}
