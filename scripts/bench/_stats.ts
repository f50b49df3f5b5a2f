/**
 * What every benchmark runner shares (Deno side): the JSON a case prints,
 * the interleaved sampling loop, and the statistics of the report.
 *
 * The Node/Bun (`peers.mjs`) and Python (`peers.py`) runners print the same
 * JSON and sample with the same rules; keep the three in step.
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

/** When a sampling loop stops (see {@linkcode interleave}). */
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

/**
 * Samples `variants` in rounds, each round visiting every variant in a fresh
 * random order for `block` calls, so that drift on a noisy machine hits all
 * of them alike. Stops when every variant has `minReps` samples or `minMs`
 * of them (and at least `floorReps`), or after `maxWallMs`.
 */
export async function interleave(
  variants: Record<string, () => Promise<unknown>>,
  params: SamplingParams,
): Promise<Record<string, number[]>> {
  const names = Object.keys(variants);
  const samples: Record<string, number[]> = {};
  const total: Record<string, number> = {};
  for (const name of names) {
    samples[name] = [];
    total[name] = 0;
    for (let i = 0; i < params.warmup; i++) await variants[name]!();
  }
  const enough = (name: string) =>
    samples[name]!.length >= params.floorReps &&
    (samples[name]!.length >= params.minReps || total[name]! >= params.minMs);
  const wallEnd = performance.now() + params.maxWallMs;
  while (!names.every(enough) && performance.now() < wallEnd) {
    for (const name of shuffled(names)) {
      const fn = variants[name]!;
      for (let i = 0; i < params.block; i++) {
        const start = performance.now();
        await fn();
        const ms = performance.now() - start;
        samples[name]!.push(ms);
        total[name]! += ms;
      }
    }
  }
  return samples;
}

/** A copy of `items` in random order. */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
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
