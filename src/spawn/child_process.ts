/**
 * `ChildProcess`, the one implementation of the public `Subprocess`: a
 * started child's state, the causes that stop it (its `timeout`, an abort,
 * `maxBuffer`, our exit) and its methods.
 *
 * @module
 */

import { registerForCleanup } from "../cleanup.ts";
import type { Containment } from "../contain/prepare.ts";
import { releaseCgroup, terminateCgroupNow } from "../contain/release.ts";
import { MaxBufferError, TimeoutExpiredError } from "../errors.ts";
import { LongTimer } from "../long_timer.ts";
import { backend, os } from "../os/select.ts";
import type { ReadyWatch } from "../ready/watch.ts";
import type { ChildHandle } from "../runtime/types.ts";
import { validateSignal } from "../runtime/signals.ts";
import { rememberChild, stopChild } from "../stop/child.ts";
import type { ChildTarget } from "../stop/members.ts";
import type {
  ExitStatus,
  Input,
  ReadyResult,
  Signal,
  StopOptions,
  Subprocess,
  SubprocessOutput,
  WaitOptions,
} from "../types.ts";
import { validateInput } from "../validate/input.ts";
import type { SpawnPlan } from "../validate/spawn.ts";
import { validateStopOptions } from "../validate/stop.ts";
import { validateWaitOptions } from "../validate/wait.ts";
import { settlesWithin } from "../wait.ts";
import { ChildOutput, type ReadSoFar } from "./output.ts";
import type { ResolvedInput } from "../validate/input.ts";

/** `ready` of a child started without the `ready` option. */
const NOTHING_TO_WAIT_FOR: Promise<ReadyResult> = Promise.resolve({
  elapsedMs: 0,
});

/** Why we stopped a child ourselves; the first cause wins. */
type StopReason = "timeout" | "abort" | "maxBuffer";

/** How a child came to be, for {@linkcode ChildProcess}. */
export interface Started {
  readonly containment: Containment;
  /** Watches for `ready`, when asked. */
  readonly watch: ReadyWatch | undefined;
  /** `performance.now()` when the spawn was asked for. */
  readonly askedAt: number;
}

/** The implementation of {@linkcode Subprocess} (not exported publicly, so
 * users can't construct one). */
export class ChildProcess implements Subprocess, ChildTarget {
  readonly pid: number;
  readonly cmd: readonly string[];
  readonly pgid: number | undefined;
  readonly cgroup: string | null;
  readonly token: string | undefined;
  readonly brokeAway: boolean | undefined;
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
  readonly status: Promise<ExitStatus>;
  readonly ready: Promise<ReadyResult>;
  readonly #handle: ChildHandle;
  readonly #plan: SpawnPlan;
  readonly #output: ChildOutput;
  #result: ExitStatus | null = null;
  #stopReason: StopReason | undefined;
  #stopping: Promise<unknown> | undefined;
  #timer: LongTimer | undefined;
  #unregister: (() => void) | undefined;
  #onAbort: (() => void) | undefined;

  constructor(
    cmd: readonly string[],
    handle: ChildHandle,
    plan: SpawnPlan,
    { containment, watch, askedAt }: Started,
  ) {
    this.cmd = cmd;
    this.#handle = handle;
    this.#plan = plan;
    this.pid = handle.pid;
    this.pgid = plan.newSession ? handle.pid : undefined;
    this.cgroup = containment.cgroup;
    this.token = containment.token;
    this.brokeAway = handle.brokeAway;
    this.stdin = handle.stdin;
    const streams = watch?.tap(handle) ?? handle;
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
    this.#output = new ChildOutput(
      { stdin: this.stdin, stdout: this.stdout, stderr: this.stderr },
      plan,
      () => this.#stopFor("maxBuffer"),
    );
    this.status = handle.status.then((status) => {
      this.#result = status;
      this.#release();
      return status;
    });
    rememberChild(this);
    this.#arm(askedAt);
    if (watch === undefined) this.ready = NOTHING_TO_WAIT_FOR;
    else {
      this.ready = watch.wait(this);
      this.ready.catch(() => {}); // not an unhandled rejection if unobserved
    }
  }

  /** Timers and listeners; the `timeout` counts from `askedAt`, when the
   * caller asked for the child (starting it may have waited on the kernel:
   * see `spawnInside`). */
  #arm(askedAt: number): void {
    const plan = this.#plan;
    if (plan.cleanup) {
      this.#unregister = registerForCleanup({
        terminateNow: (signal) => this.#terminateNow(signal),
      });
    }
    if (plan.timeout !== undefined) {
      const left = plan.timeout - (performance.now() - askedAt);
      this.#timer = new LongTimer(() => this.#stopFor("timeout"), left);
    }
    if (plan.signal) {
      const onAbort = () => this.#stopFor("abort");
      if (plan.signal.aborted) onAbort();
      else {
        plan.signal.addEventListener("abort", onAbort, { once: true });
        this.#onAbort = onAbort;
      }
    }
  }

  #stopFor(reason: StopReason): void {
    if (this.#result !== null || this.#stopReason !== undefined) return;
    this.#stopReason = reason;
    // Kept so that run()/output()/wait() return only once the whole group
    // or tree is gone, not just the direct child.
    const { killSignal, grace } = this.#plan;
    this.#stopping = stopChild(this, undefined, killSignal, grace)
      .catch(() => {});
  }

  /** Why we stopped the child ourselves, if we did. */
  get stopReason(): StopReason | undefined {
    return this.#stopReason;
  }

  /** Once the child was reaped: its timers and listeners go; its cgroup
   * goes too unless something it started still runs there (then it stays
   * for `stop()` and the exit cleanup, and goes once empty). */
  #release(): void {
    this.#timer?.clear();
    if (this.#onAbort) {
      this.#plan.signal?.removeEventListener("abort", this.#onAbort);
    }
    const unregister = () => this.#unregister?.();
    if (this.cgroup === null || releaseCgroup(this.cgroup, unregister)) {
      unregister();
    }
  }

  #terminateNow(signal: Signal): void {
    if (this.cgroup !== null) terminateCgroupNow(this.cgroup, signal);
    else if (this.#result !== null) return;
    else if (this.pgid !== undefined) os.signalGroup(this.pgid, signal);
    else this.#handle.kill(signal);
  }

  get timedOut(): boolean {
    return this.#stopReason === "timeout";
  }

  exited(): boolean {
    return this.#result !== null;
  }

  poll(): ExitStatus | null {
    return this.#result;
  }

  /** The status, once the child and (when we stopped it) everything in
   * the stop's scope are gone. */
  async #ended(): Promise<ExitStatus> {
    const status = await this.status;
    await this.#stopping;
    return status;
  }

  async wait(options?: WaitOptions): Promise<ExitStatus> {
    const timeout = validateWaitOptions("wait", options);
    const ended = this.#ended();
    if (timeout === undefined || await settlesWithin(ended, timeout)) {
      return await ended;
    }
    throw this.#stillRunning(timeout);
  }

  output(): Promise<SubprocessOutput> {
    return this.communicate();
  }

  async communicate(
    input?: Input,
    options?: WaitOptions,
  ): Promise<SubprocessOutput> {
    const timeout = validateWaitOptions("communicate", options);
    return await this.collect(validateInput(input), timeout);
  }

  /** {@linkcode communicate} with `input` checked already (`run()`). */
  async collect(
    input: ResolvedInput | undefined,
    timeout?: number,
  ): Promise<SubprocessOutput> {
    if (input !== undefined && this.stdin === null) {
      throw new TypeError(
        'Cannot write `input`: the child\'s stdin is not piped (use stdin: "pipe")',
      );
    }
    this.#output.feed(input, this.status);
    const finished = this.#output.finish(this.#ended());
    if (timeout !== undefined && !(await settlesWithin(finished, timeout))) {
      throw this.#stillRunning(timeout, this.#output.soFar());
    }
    const status = await finished;
    const inputFailure = await this.#output.inputFailure();
    if (inputFailure !== undefined) throw inputFailure;
    const output = { ...status, ...this.#output.soFar() };
    if (this.#output.overflowed) {
      throw new MaxBufferError(
        `Process ${this.pid} (${
          this.cmd[0]
        }) wrote more than the \`maxBuffer\` of ${this.#plan.maxBuffer} bytes; it was stopped`,
        { cmd: this.cmd, pid: this.pid, status, ...output },
      );
    }
    return output;
  }

  #stillRunning(timeout: number, output: Partial<ReadSoFar> = {}): Error {
    return new TimeoutExpiredError(
      `Process ${this.pid} (${
        this.cmd[0]
      }) did not end within ${timeout} ms; it is still running`,
      { cmd: this.cmd, pid: this.pid, timeout, ...output },
    );
  }

  kill(signal: Signal = "SIGTERM"): boolean {
    validateSignal("signal", signal);
    // The handle refuses too once the runtime has reaped the child, which
    // can come a moment before `#result` is set.
    if (this.#result !== null) return false;
    return this.#handle.kill(signal);
  }

  async stop(options?: StopOptions): Promise<ExitStatus> {
    const { scope, killSignal, grace } = validateStopOptions(
      "stop",
      options,
      this.#plan,
    );
    await stopChild(this, scope, killSignal, grace);
    return await this.status;
  }

  ref(): void {
    this.#handle.ref();
  }

  unref(): void {
    this.#handle.unref();
    this.#timer?.unref(backend.unrefTimer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await this.#output.release();
  }
}
