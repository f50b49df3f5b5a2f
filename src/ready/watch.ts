/**
 * `ready` for one child: set up before it starts (where its output files
 * begin), its pipes tapped as it starts, then every condition watched until
 * it is ready — or it is stopped, with everything it started, and a
 * `NotReadyError` says why.
 *
 * @module
 */

import { statSync } from "node:fs";
import { resolve } from "node:path";
import { NotReadyError } from "../errors.ts";
import type { ResolvedStdio } from "../runtime/types.ts";
import { ownStartKey } from "../stop/tree.ts";
import { unitMembers } from "../stop/unit.ts";
import type { ExitStatus } from "../types.ts";
import { settlesWithin } from "../wait.ts";
import { awaitReady, type ReadyOutcome } from "./await.ts";
import { polledConditions } from "./conditions.ts";
import { PolledCondition } from "./condition.ts";
import { FileFollower } from "./follow.ts";
import { LineCondition } from "./line.ts";
import { LineSplitter, RecentLines } from "./lines.ts";
import { logTail } from "./log_tail.ts";
import { notReadyMessage } from "./message.ts";
import { type Tap, tapStream } from "./tap.ts";
import type { ReadyResult } from "./types.ts";
import { type ReadyPlan, watchable } from "./validate.ts";

/** How many lines of the child's output a `NotReadyError` carries. */
export const LAST_LINES = 10;

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

/** The child's piped streams, as handed out. */
export interface Streams {
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
}

/** An output file of the child, and where this child's output starts. */
interface OutputFile {
  readonly path: string;
  readonly offset: number;
  /** `true` when a `line` condition reads it. */
  readonly watched: boolean;
}

/** What the watch needs of the spawn's options. */
interface SpawnSide {
  readonly stdout: ResolvedStdio;
  readonly stderr: ResolvedStdio;
  /** After the child ended: how long its pipes may take to reach their
   * end (a descendant that still holds one must not hold us). */
  readonly drainTimeout: number;
}

/** One child's readiness, from before it starts until it is ready. */
export class ReadyWatch {
  readonly #plan: ReadyPlan;
  readonly #stdio: SpawnSide;
  readonly #started = performance.now();
  readonly #files: readonly OutputFile[];
  readonly #line: LineCondition | undefined;
  readonly #recent = new RecentLines(LAST_LINES);
  readonly #taps: Tap[] = [];

  /** Made just before the child starts: an `append` file's end is where
   * its output will begin. */
  constructor(plan: ReadyPlan, stdio: SpawnSide) {
    this.#plan = plan;
    this.#stdio = stdio;
    this.#files = outputFiles(stdio, (name) => this.#reads(name));
    this.#line = plan.line === undefined
      ? undefined
      : new LineCondition(plan.line.pattern, this.#where());
  }

  /** `true` when the `line` condition reads stream `name`. */
  #reads(name: "stdout" | "stderr"): boolean {
    const stream = this.#plan.line?.stream;
    return stream === "both" || stream === name;
  }

  /** Where the line is looked for: `stdout or stderr`, `stdout and stderr
   * ("/var/log/app.log")` (one file). */
  #where(): string {
    const targets = new Map<string, string[]>();
    for (const name of ["stdout", "stderr"] as const) {
      const stdio = this.#stdio[name];
      if (!this.#reads(name) || !watchable(stdio)) continue;
      const key = typeof stdio === "object"
        ? ` (${JSON.stringify(resolve(stdio.file))})`
        : name;
      targets.set(key, [...targets.get(key) ?? [], name]);
    }
    return [...targets].map(([key, names]) =>
      key.startsWith(" ") ? `${names.join(" and ")}${key}` : key
    ).join(" or ");
  }

  /** The child's pipes, those a `line` condition reads tapped. */
  tap(streams: Streams): Streams {
    return {
      stdout: this.#tapped("stdout", streams.stdout),
      stderr: this.#tapped("stderr", streams.stderr),
    };
  }

  #tapped(
    name: "stdout" | "stderr",
    stream: ReadableStream<Uint8Array> | null,
  ): ReadableStream<Uint8Array> | null {
    const line = this.#line;
    if (stream === null || line === undefined || !this.#reads(name)) {
      return stream;
    }
    const splitter = new LineSplitter((text) => {
      this.#recent.add(text);
      line.offer(text);
    });
    const tap = tapStream(
      stream,
      (chunk) => splitter.push(chunk),
      () => splitter.end(),
    );
    this.#taps.push(tap);
    return tap.stream;
  }

  /**
   * Watches every condition until the child is ready. Not ready (the time
   * is up, or it ended first): it is stopped with everything it started,
   * then a `NotReadyError` thrown.
   */
  async wait(child: ReadyTarget): Promise<ReadyResult> {
    const plan = this.#plan;
    const followers = this.#follow();
    const quit = new AbortController();
    let outcome: ReadyOutcome;
    try {
      outcome = await awaitReady(this.#line, polledConditions(plan), {
        started: this.#started,
        timeout: plan.timeout,
        ended: unitEnded(child, plan.interval, quit.signal),
        settle: () => this.#settle(followers),
      });
    } finally {
      quit.abort();
      for (const follower of followers) follower.stop();
    }
    if (outcome.kind === "ready") {
      this.#release();
      return outcome.result;
    }
    throw await this.#notReady(child, outcome);
  }

  #follow(): FileFollower[] {
    const line = this.#line;
    if (line === undefined) return [];
    return this.#files.filter((file) => file.watched).map((file) => {
      const splitter = new LineSplitter((text) => line.offer(text));
      return new FileFollower(
        file.path,
        file.offset,
        (chunk) => splitter.push(chunk),
        this.#plan.interval,
      );
    });
  }

  /** What the child wrote before it ended is read before giving up. */
  async #settle(followers: readonly FileFollower[]): Promise<void> {
    const ends = Promise.all(this.#taps.map((tap) => tap.ended));
    await settlesWithin(ends, this.#stdio.drainTimeout);
    for (const follower of followers) follower.readNow();
  }

  #release(): void {
    for (const tap of this.#taps) tap.release();
  }

  async #notReady(
    child: ReadyTarget,
    outcome: Exclude<ReadyOutcome, { kind: "ready" }>,
  ): Promise<NotReadyError> {
    // It may be unref'd (detach()): its end must still reach us.
    child.ref();
    let stopFailure: unknown;
    const status = await child.stop().catch((error) => {
      stopFailure = error;
      return outcome.kind === "exited" ? outcome.status : undefined;
    });
    await this.#settle([]);
    this.#release();
    const lastLines = [
      ...this.#files.flatMap((file) =>
        logTail(file.path, file.offset, LAST_LINES)
      ),
      ...this.#recent.list(),
    ].slice(-LAST_LINES);
    const ended = outcome.kind === "exited" ? outcome.status : status;
    return new NotReadyError(
      notReadyMessage({
        pid: child.pid,
        cmd: child.cmd,
        reason: outcome.kind,
        timeout: this.#plan.timeout,
        status: ended,
        unmet: outcome.unmet,
        stopFailure,
      }),
      {
        cmd: child.cmd,
        pid: child.pid,
        status: ended,
        reason: outcome.kind,
        timeout: this.#plan.timeout,
        elapsedMs: performance.now() - this.#started,
        unmet: outcome.unmet,
        lastLines,
        cause: stopFailure ??
          (outcome.kind === "timeout" ? outcome.cause : undefined),
      },
    );
  }
}

/** The child's output files, each once (stdout and stderr may share one),
 * with the size an `append` file has before the child starts. */
function outputFiles(
  stdio: SpawnSide,
  reads: (name: "stdout" | "stderr") => boolean,
): OutputFile[] {
  const files = new Map<string, OutputFile>();
  for (const name of ["stdout", "stderr"] as const) {
    const stream = stdio[name];
    if (typeof stream !== "object") continue;
    const path = resolve(stream.file);
    const known = files.get(path);
    files.set(path, {
      path,
      offset: known?.offset ?? (stream.append ? sizeOf(path) : 0),
      watched: (known?.watched ?? false) || reads(name),
    });
  }
  return [...files.values()];
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Settles with the child's status once it ended — unless it exited with
 * code 0 leaving processes of its unit running (a daemon that forked and
 * let its first process exit): then once the last of those ended.
 */
async function unitEnded(
  child: ReadyTarget,
  interval: number,
  quit: AbortSignal,
): Promise<ExitStatus> {
  const status = await child.status;
  if (!status.success || quit.aborted) return status;
  const unit = {
    pid: child.pid,
    cgroup: child.cgroup,
    token: child.token === undefined
      ? undefined
      : { token: child.token, since: ownStartKey() },
  };
  const gone = new PolledCondition(
    "the end of what it left running",
    () => unitMembers(unit).length === 0,
    interval,
  );
  quit.addEventListener("abort", () => gone.stop(), { once: true });
  await gone.held;
  return status;
}
