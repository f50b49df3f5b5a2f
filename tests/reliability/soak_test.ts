/**
 * Soak: the load test's mix, batch after batch, for SUBPROC_SOAK_MINUTES
 * minutes, sampling RSS and open fds after every batch. Off unless that
 * variable is set (never in CI). The samples go to RELIABILITY.md.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { runtime } from "../_helpers.ts";
import { emit, fdCount, reliabilityCase, rssMiB } from "./_case.ts";
import { runLoad } from "./_load.ts";

const minutes = Number(process.env.SUBPROC_SOAK_MINUTES ?? "0");

/** One sample of the soak run. */
interface Sample {
  readonly seconds: number;
  readonly children: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly fds: number | null;
}

function sample(started: number, children: number): Sample {
  return {
    seconds: Math.round((performance.now() - started) / 1000),
    children,
    rssMiB: rssMiB(),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
    fds: fdCount(),
  };
}

reliabilityCase(
  `soak: the load mix for ${minutes || "N"} minute(s), 200 children a batch`,
  {
    area: "load",
    expected:
      "RSS and fds flat over time; every result right; nothing left at the end",
    skip: minutes > 0
      ? false
      : "soak mode: set SUBPROC_SOAK_MINUTES=N (or `npm run reliability -- --soak N`)",
    settleMs: 3000,
  },
  async () => {
    const started = performance.now();
    const end = started + minutes * 60_000;
    const samples: Sample[] = [sample(started, 0)];
    let children = 0;
    let batch = 0;
    while (performance.now() < end) {
      const result = await runLoad(200, 50, 7 + batch++);
      children += result.children;
      assert.deepEqual(result.unhandled, [], "unhandled rejections");
      assert.deepEqual(result.wrong.slice(0, 10), [], "wrong results");
      samples.push(sample(started, children));
    }
    emit({ kind: "soak", minutes, samples, runtime });
    const first = samples[1] ?? samples[0]!;
    const last = samples[samples.length - 1]!;
    const maxRss = Math.max(...samples.map((s) => s.rssMiB));
    const maxFds = Math.max(...samples.map((s) => s.fds ?? 0));
    return `${children} children in ${last.seconds} s, all right; RSS ${first.rssMiB} → ${last.rssMiB} MiB (max ${maxRss}), fds ${first.fds} → ${last.fds} (max ${maxFds})`;
  },
);
