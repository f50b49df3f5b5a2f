/**
 * Waiting for every condition to hold, for a time limit, or for the child
 * to end first — whichever comes first.
 *
 * @module
 */

import { LongTimer } from "../long_timer.ts";
import type { ExitStatus, ReadyResult } from "../types.ts";
import type { Condition } from "./condition.ts";
import type { LineCondition, LineFound } from "./line.ts";

/** How a wait ended. */
export type ReadyOutcome =
  | { readonly kind: "ready"; readonly result: ReadyResult }
  | {
    readonly kind: "timeout";
    /** What did not hold, described. */
    readonly unmet: readonly string[];
    /** The error the first unmet condition's last try threw, if any. */
    readonly cause: unknown;
  }
  | {
    readonly kind: "exited";
    readonly status: ExitStatus;
    readonly unmet: readonly string[];
  };

/** Options of {@linkcode awaitReady}. */
interface AwaitOptions {
  /** `performance.now()` when the child started: `elapsedMs` counts from
   * there, and so does `timeout`. */
  readonly started: number;
  /** Milliseconds, or `Infinity`. */
  readonly timeout: number;
  /** Settles with the child's status once it ended (and, for a daemon that
   * forked, what it left too). */
  readonly ended?: Promise<ExitStatus>;
  /** Runs once the child ended, before the conditions are looked at a last
   * time: reads what it left in its pipes and files. */
  readonly settle?: () => Promise<void>;
}

/**
 * Waits until every condition in `conditions` held (→ `"ready"`), the time
 * is up (→ `"timeout"`) or `options.ended` settled while some did not hold
 * (→ `"exited"`). Every condition is stopped before it returns.
 */
export async function awaitReady(
  line: LineCondition | undefined,
  conditions: readonly Condition[],
  options: AwaitOptions,
): Promise<ReadyOutcome> {
  const all: readonly Condition[] = line === undefined
    ? conditions
    : [line, ...conditions];
  const held = new Set<Condition>();
  for (const condition of all) {
    condition.held.then(() => held.add(condition));
  }
  let found: LineFound | undefined;
  line?.held.then((value) => found = value);
  let readyAt = 0;
  const ready = Promise.all(all.map((c) => c.held)).then(() => {
    readyAt = performance.now();
    return "ready" as const;
  });
  let timer: LongTimer | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    if (options.timeout === Infinity) return;
    const left = options.started + options.timeout - performance.now();
    timer = new LongTimer(() => resolve("timeout"), Math.max(0, left));
  });
  const ended = options.ended?.then((status) => ({ status })) ??
    new Promise<never>(() => {});
  try {
    let first = await Promise.race([ready, expired, ended]);
    if (typeof first === "object") {
      await options.settle?.();
      if (held.size === all.length) first = await ready;
    }
    const unmet = all.filter((c) => !held.has(c));
    if (first === "ready") {
      return {
        kind: "ready",
        result: {
          elapsedMs: readyAt - options.started,
          ...(found === undefined ? {} : found),
        },
      };
    }
    if (first === "timeout") {
      return {
        kind: "timeout",
        unmet: unmet.map((c) => c.what),
        cause: unmet.find((c) => c.lastError !== undefined)?.lastError,
      };
    }
    return {
      kind: "exited",
      status: first.status,
      unmet: unmet.map((c) => c.what),
    };
  } finally {
    timer?.clear();
    for (const condition of all) condition.stop();
  }
}
