/**
 * The series of one run, by id, and what the report reads from them:
 * ratios of medians with their intervals, survivor counts, and how each is
 * printed.
 *
 * @module
 */

import { type CaseOutput, ratioOfMedians, type Series } from "./_stats.ts";

/** Series by id. */
export type Data = Map<string, Series>;

/** A ratio of medians and its 95 % interval. */
export type Ratio = ReturnType<typeof ratioOfMedians>;

/** Series by id; series of the same id (memory runs) are merged. */
export function collect(outputs: readonly CaseOutput[]): Data {
  const data: Data = new Map();
  const caseOf = new Map<string, string>();
  for (const out of outputs) {
    for (const s of out.series) {
      if ((caseOf.get(s.id) ?? out.case) !== out.case) {
        throw new Error(
          `Series id ${s.id} is used by cases ${
            caseOf.get(s.id)
          } and ${out.case}`,
        );
      }
      caseOf.set(s.id, out.case);
      const old = data.get(s.id);
      if (!old) {
        data.set(s.id, structuredClone(s));
        continue;
      }
      old.samples.push(...s.samples);
      for (const [key, value] of Object.entries(s.meta ?? {})) {
        const prev = old.meta?.[key];
        if (Array.isArray(prev) && Array.isArray(value)) prev.push(...value);
      }
    }
  }
  return data;
}

/** Milliseconds with three significant digits or so. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) < 10) return ms.toFixed(3);
  if (Math.abs(ms) < 100) return ms.toFixed(2);
  return ms.toFixed(1);
}

/** `1.04× (1.02–1.06)`. */
export function fmtRatio(r: Ratio): string {
  if (!Number.isFinite(r.ratio)) return "–";
  const ci = Number.isFinite(r.low)
    ? ` (${r.low.toFixed(2)}–${r.high.toFixed(2)})`
    : "";
  return `${r.ratio.toFixed(2)}×${ci}`;
}

/** Time ratio `a / b` (lower is better for `a`). */
export function timeRatio(data: Data, a: string, b: string): Ratio | null {
  const sa = data.get(a);
  const sb = data.get(b);
  if (!sa || !sb) return null;
  return ratioOfMedians(sa.samples, sb.samples);
}

/** Throughput ratio of `a` to `b` (higher is better for `a`). */
export function throughputRatio(
  data: Data,
  a: string,
  b: string,
): Ratio | null {
  return timeRatio(data, b, a);
}

/** The survivors of each repetition of a tree stop, or `null`. */
export function survivorsOf(s: Series | undefined): number[] | null {
  const v = s?.meta?.survivors;
  return Array.isArray(v) ? v as number[] : null;
}

/** `0 (in all 52)`, `3 in each of 60`, `0–2 (5 in 60)`. */
export function fmtSurvivors(list: number[] | null): string {
  if (!list) return "–";
  const total = list.reduce((a, b) => a + b, 0);
  if (total === 0) return `0 (in all ${list.length})`;
  const min = Math.min(...list);
  const max = Math.max(...list);
  return min === max
    ? `${min} in each of ${list.length}`
    : `${min}–${max} (${total} in ${list.length})`;
}
