/**
 * A way of stopping a set of processes, as the ladder (`ladder.ts`) drives
 * it: one file per way — one process, a process group, a parent-link tree,
 * a cgroup, a Windows job, a Windows tree seen through the process table —
 * and {@linkcode unionOf} for several at once. `tree_by_os.ts` picks the
 * way a whole tree is stopped on this system.
 *
 * @module
 */

import type { Signal } from "../types.ts";
import { POLL_MS } from "../wait.ts";

/** A set of processes and how to ask and force them to end. */
export interface StopStrategy {
  /** What is stopped, for messages: "the tree of process 42". */
  readonly what: string;
  /** The PID an error names. */
  readonly pid: number;
  /** `true` once nothing in the set runs. Called every few milliseconds. */
  gone(): boolean;
  /** The PIDs that still run, for an error message. */
  survivors(): number[];
  /** Sends the first signal to everything in the set, then SIGCONT (see
   * `withContinue` in `runtime/signals.ts`) so that a stopped process can act on
   * it. */
  ask(signal: Signal): void | Promise<void>;
  /** Ends everything in the set now. Called again until it is gone. */
  force(): void;
  /** Settles when the set may just have emptied (a child's status), so the
   * ladder looks again at once rather than at its next poll. */
  readonly wake?: Promise<unknown>;
  /** How often {@linkcode StopStrategy.gone} may be asked, in ms: a cheap
   * check (one small file) more often than a scan of the process table.
   * @default {10} */
  readonly pollMs?: number;
  /** Called once the stop is over, whether the set is gone or something
   * survived: to remove a cgroup's directory (which fails harmlessly while
   * anything runs in it), or to free what the stop held. */
  finish?(): void;
}

/** Several strategies as one: it is gone when all of them are. */
export function unionOf(parts: readonly StopStrategy[]): StopStrategy {
  const [first] = parts;
  if (first === undefined) throw new RangeError("unionOf() needs a strategy");
  if (parts.length === 1) return first;
  const wakes = parts.map((part) => part.wake).filter((w) => w !== undefined);
  const pollMs = Math.max(...parts.map((part) => part.pollMs ?? POLL_MS));
  return {
    what: first.what,
    pid: first.pid,
    gone: () => parts.every((part) => part.gone()),
    survivors: () => [...new Set(parts.flatMap((part) => part.survivors()))],
    async ask(signal) {
      await Promise.all(parts.map((part) => part.ask(signal)));
    },
    force() {
      for (const part of parts) part.force();
    },
    ...(wakes.length === 0 ? {} : { wake: Promise.race(wakes) }),
    pollMs,
    finish() {
      for (const part of parts) part.finish?.();
    },
  };
}
