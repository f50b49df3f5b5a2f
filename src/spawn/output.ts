/**
 * A child's piped streams as `output()`, `communicate()` and `run()` use
 * them: `input` written to stdin once, stdout and stderr collected up to
 * `maxBuffer` from the first call on, and read to the end — bounded by
 * `drainTimeout` once the child has ended, for descendants that still hold
 * the pipes.
 *
 * @module
 */

import type { ExitStatus } from "../types.ts";
import { Collector, drainWithin } from "./collect.ts";
import type { ResolvedInput } from "../validate/input.ts";
import { feedStdin } from "./stdin_feed.ts";

/** The streams of one child, as its handle holds them. */
interface PipedStreams {
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
}

/** What was read so far, per stream; `undefined` when it is not piped. */
export interface ReadSoFar {
  readonly stdout: Uint8Array | undefined;
  readonly stderr: Uint8Array | undefined;
}

/** How much is kept, and how long to read on after the end. */
interface OutputLimits {
  readonly maxBuffer: number;
  readonly drainTimeout: number;
}

/** Input and output of one child, started on first use. */
export class ChildOutput {
  readonly #streams: PipedStreams;
  readonly #limits: OutputLimits;
  readonly #onOverflow: () => void;
  #collectors: Collector[] | undefined;
  #read: { out?: Collector; err?: Collector } = {};
  #finished: Promise<ExitStatus> | undefined;
  #stdinUsed = false;
  /** Settles once `input` was written: with the input stream's failure. */
  #fed: Promise<unknown> | undefined;

  /** `onOverflow` runs once a stream went past `maxBuffer`. */
  constructor(
    streams: PipedStreams,
    limits: OutputLimits,
    onOverflow: () => void,
  ) {
    this.#streams = streams;
    this.#limits = limits;
    this.#onOverflow = onOverflow;
  }

  /** `true` once a stream went past `maxBuffer`. */
  get overflowed(): boolean {
    return this.#collectors?.some((c) => c.overflowed) ?? false;
  }

  /** What the collectors hold so far (collecting from now on). */
  soFar(): ReadSoFar {
    this.#collect();
    return { stdout: this.#read.out?.bytes(), stderr: this.#read.err?.bytes() };
  }

  #collect(): Collector[] {
    if (this.#collectors) return this.#collectors;
    const { stdout, stderr } = this.#streams;
    const limit = this.#limits.maxBuffer;
    const onOverflow = this.#onOverflow;
    if (stdout) this.#read.out = new Collector(stdout, limit, onOverflow);
    if (stderr) this.#read.err = new Collector(stderr, limit, onOverflow);
    this.#collectors = [this.#read.out, this.#read.err].filter((c) =>
      c !== undefined
    );
    return this.#collectors;
  }

  /** Writes `input` (or nothing) to a piped stdin and closes it, once:
   * later calls, and a stdin the caller locked, are left alone. `ended`
   * settles when the child has ended. */
  feed(input: ResolvedInput | undefined, ended: Promise<unknown>): void {
    const stdin = this.#streams.stdin;
    if (!stdin || this.#stdinUsed || stdin.locked) return;
    this.#stdinUsed = true;
    this.#fed = feedStdin(stdin, input, ended);
  }

  /** The input stream's failure, once the input was written; `undefined`
   * when there was none. */
  async inputFailure(): Promise<unknown> {
    return this.#fed && await this.#fed;
  }

  /** Resolves with `ended`'s status once the output is read to the end,
   * or `drainTimeout` after it. */
  finish(ended: Promise<ExitStatus>): Promise<ExitStatus> {
    if (this.#finished) return this.#finished;
    const collectors = this.#collect();
    this.#finished = ended.then(async (status) => {
      await drainWithin(collectors, this.#limits.drainTimeout);
      return status;
    });
    return this.#finished;
  }

  /** Stops collecting and releases the pipes nobody reads. */
  async release(): Promise<void> {
    await Promise.all((this.#collectors ?? []).map((c) => c.cutOff()));
    const { stdin, stdout, stderr } = this.#streams;
    for (const stream of [stdout, stderr]) {
      if (stream && !stream.locked) await stream.cancel().catch(() => {});
    }
    if (stdin && !stdin.locked) await stdin.close().catch(() => {});
  }
}
