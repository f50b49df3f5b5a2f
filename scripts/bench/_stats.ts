/**
 * The JSON every case runner prints (Deno, Node and Bun through
 * `_sampling.mjs`, Python through `peers.py`), how they sample, and the
 * statistics the report draws from it.
 *
 * @module
 */

/** One measured variant: raw samples, summarised by the report. */
export interface Series {
  /** Stable id, e.g. `"deno.run"`; the report's comparisons refer to it. */
  id: string;
  /** What was measured, as a reader would call it. */
  label: string;
  /** `"deno 2.9.6"`, `"node 22.23.3"`, `"python 3.11.7"`… */
  runtime: string;
  /** Unit of `samples`: milliseconds, or MiB for memory. */
  unit: "ms" | "MiB";
  samples: number[];
  /** Per-series extras (survivors per repetition, bytes moved…). */
  meta?: Record<string, unknown>;
}

/** What one case runner prints on stdout, as one JSON line. */
export interface CaseOutput {
  case: string;
  runtime: string;
  series: Series[];
  /** Skipped variants and other facts the report must mention. */
  notes: string[];
}

/** When a sampling loop stops (`interleave()` in `_sampling.mjs`). */
export interface SamplingParams {
  /** A variant is done at this many samples… */
  minReps: number;
  /** …or once its samples add up to this many milliseconds. */
  minMs: number;
  /** Never fewer samples than this. */
  floorReps: number;
  /** Give up (with what we have) after this much wall time. */
  maxWallMs: number;
  /** Calls of one variant in a row before switching to the next. */
  block: number;
  /** Unrecorded calls of each variant first. */
  warmup: number;
}

/** The usual order statistics of `samples`. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
}

/** `q`-quantile of sorted `xs` (linear interpolation). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

/** Median, min, max, p10, p90 of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  const xs = [...samples].sort((a, b) => a - b);
  return {
    n: xs.length,
    median: quantile(xs, 0.5),
    min: xs[0] ?? NaN,
    max: xs[xs.length - 1] ?? NaN,
    p10: quantile(xs, 0.1),
    p90: quantile(xs, 0.9),
  };
}

function median(xs: number[]): number {
  return quantile(xs.sort((a, b) => a - b), 0.5);
}

/** Median of a random resample (with replacement) of `xs`. */
function resampledMedian(xs: readonly number[], scratch: Float64Array): number {
  for (let i = 0; i < xs.length; i++) {
    scratch[i] = xs[Math.floor(Math.random() * xs.length)]!;
  }
  scratch.sort();
  const mid = (xs.length - 1) / 2;
  return (scratch[Math.floor(mid)]! + scratch[Math.ceil(mid)]!) / 2;
}

const ratioCache = new WeakMap<
  readonly number[],
  WeakMap<readonly number[], { ratio: number; low: number; high: number }>
>();

/**
 * `median(a) / median(b)` and its 95 % bootstrap interval (percentile
 * method, `rounds` resamples of each set).
 */
export function ratioOfMedians(
  a: readonly number[],
  b: readonly number[],
  rounds = 500,
): { ratio: number; low: number; high: number } {
  const cached = ratioCache.get(a)?.get(b);
  if (cached) return cached;
  const ratio = median([...a]) / median([...b]);
  let result = { ratio, low: NaN, high: NaN };
  if (a.length >= 5 && b.length >= 5) {
    const sa = new Float64Array(a.length);
    const sb = new Float64Array(b.length);
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      ratios.push(resampledMedian(a, sa) / resampledMedian(b, sb));
    }
    ratios.sort((x, y) => x - y);
    result = {
      ratio,
      low: quantile(ratios, 0.025),
      high: quantile(ratios, 0.975),
    };
  }
  if (!ratioCache.has(a)) ratioCache.set(a, new WeakMap());
  ratioCache.get(a)!.set(b, result);
  return result;
}

/**
 * Difference of medians `a − b` with a 95 % bootstrap interval (as
 * {@linkcode ratioOfMedians}), for costs counted in milliseconds rather than
 * as a share.
 */
export function diffOfMedians(
  a: readonly number[],
  b: readonly number[],
  rounds = 500,
): { diff: number; low: number; high: number } {
  const diff = median([...a]) - median([...b]);
  if (a.length < 5 || b.length < 5) return { diff, low: NaN, high: NaN };
  const sa = new Float64Array(a.length);
  const sb = new Float64Array(b.length);
  const diffs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    diffs.push(resampledMedian(a, sa) - resampledMedian(b, sb));
  }
  diffs.sort((x, y) => x - y);
  return {
    diff,
    low: quantile(diffs, 0.025),
    high: quantile(diffs, 0.975),
  };
}
