/**
 * What a readiness watch holds between its set-up as the child starts
 * (`watch.ts`) and the watching itself (`supervise.ts`, loaded later).
 *
 * @module
 */

import type { ResolvedStdio } from "../runtime/types.ts";
import type { ExitStatus } from "../types.ts";
import type { ReadyPlan } from "../validate/ready.ts";
import type { LineCondition } from "./line.ts";
import type { RecentLines } from "./lines.ts";
import type { Tap } from "./tap.ts";

/** What the watch needs of the child. */
export interface ReadyTarget {
  readonly pid: number;
  readonly cmd: readonly string[];
  readonly status: Promise<ExitStatus>;
  readonly cgroup: string | null;
  readonly token: string | undefined;
  /** Stops it and everything it started (its default scope). */
  stop(): Promise<ExitStatus>;
  /** Lets it keep this process alive (until it is reaped). */
  ref(): void;
}

/** An output file of the child, and where this child's output starts. */
export interface OutputFile {
  readonly path: string;
  readonly offset: number;
  /** `true` when a `line` condition reads it. */
  readonly watched: boolean;
}

/** What the watch needs of the spawn's options. */
export interface SpawnSide {
  readonly stdout: ResolvedStdio;
  readonly stderr: ResolvedStdio;
  /** After the child ended: how long its pipes may take to reach their
   * end (a descendant that still holds one must not hold us). */
  readonly drainTimeout: number;
}

/** What {@linkcode ReadyWatch} set up, for `supervise.ts`. */
export interface WatchState {
  readonly plan: ReadyPlan;
  readonly stdio: SpawnSide;
  /** `performance.now()` just before the child started. */
  readonly started: number;
  readonly files: readonly OutputFile[];
  readonly line: LineCondition | undefined;
  /** The last lines read from the tapped pipes. */
  readonly recent: RecentLines;
  readonly taps: readonly Tap[];
}
