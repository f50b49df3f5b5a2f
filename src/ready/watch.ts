/**
 * `ready` for one child, set up as it starts: where its output files begin
 * (taken just before), its pipes tapped. The watching itself
 * (`supervise.ts`) is loaded only once a child with `ready` runs: a spawn
 * without it loads no more than this.
 *
 * @module
 */

import { resolve, statSync } from "../runtime/node_builtins.ts";
import type { ReadyResult } from "../types.ts";
import { LineCondition } from "./line.ts";
import { LAST_LINES, LineSplitter, RecentLines } from "./lines.ts";
import { type Tap, tapStream } from "./tap.ts";
import { type ReadyPlan, watchable } from "../validate/ready.ts";
import type { OutputFile, ReadyTarget, SpawnSide } from "./watch_state.ts";

/** The child's piped streams, as handed out. */
export interface Streams {
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
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
    const { supervise } = await import("./supervise.ts");
    return await supervise({
      plan: this.#plan,
      stdio: this.#stdio,
      started: this.#started,
      files: this.#files,
      line: this.#line,
      recent: this.#recent,
      taps: this.#taps,
    }, child);
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
