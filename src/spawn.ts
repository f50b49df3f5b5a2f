/**
 * `spawn()` and the {@linkcode Subprocess} handle it returns.
 *
 * @module
 */

import { process } from "./runtime/host.ts";
import { installCleanupHooks, registerForCleanup } from "./cleanup.ts";
import { Collector, drainWithin } from "./collect.ts";
import {
  BreakawayDeniedError,
  CommandNotFoundError,
  MaxBufferError,
  PermissionDeniedError,
  SubprocessError,
  TimeoutExpiredError,
} from "./errors.ts";
import { lookPath } from "./runtime/look_path.ts";
import { backend, os } from "./os/select.ts";
import { type ChildHandle, SpawnFailure } from "./runtime/types.ts";
import { validateSignal } from "./signals.ts";
import { rememberChild, stopChild } from "./stop/child.ts";
import type { ChildTarget } from "./stop/members.ts";
import { type Containment, prepareContainment } from "./contain/prepare.ts";
import { releaseCgroup, terminateCgroupNow } from "./contain/release.ts";
import type {
  ExitStatus,
  Input,
  Signal,
  SpawnOptions,
  StopOptions,
  SubprocessOutput,
  WaitOptions,
} from "./types.ts";
import {
  optionalMs,
  SPAWN_OPTION_KEYS,
  type SpawnPlan,
  validateCmd,
  validateInput,
  validateOptionsObject,
  validateSpawnOptions,
  validateStopOptions,
} from "./validate.ts";
import { feedStdin, type ResolvedInput } from "./stdin_feed.ts";
import { LongTimer } from "./long_timer.ts";
import type { ReadyResult } from "./ready/types.ts";
import { lineStreams, withReady } from "./ready/validate.ts";
import { ReadyWatch } from "./ready/watch.ts";
import { argumentSize, describeArgumentSize } from "./argument_size.ts";
import { settlesWithin } from "./wait.ts";

/**
 * A running (or finished) child process, from {@linkcode spawn}.
 *
 * Stopping reaches its process group when it leads one (`newSession: true`),
 * else its whole tree. `await using` stops it and releases unread pipes.
 */
export interface Subprocess extends AsyncDisposable {
  /** The child's PID (the program's own: no shell in between). */
  readonly pid: number;
  /** Its process group, when it leads its own (`newSession: true`). */
  readonly pgid: number | undefined;
  /** The command as given. */
  readonly cmd: readonly string[];
  /** Its stdin, when `stdin: "pipe"`. */
  readonly stdin: WritableStream<Uint8Array> | null;
  /** Its stdout, when `stdout: "pipe"` (with `stderr: "stdout"`, its
   * stderr too, in the order it wrote them). */
  readonly stdout: ReadableStream<Uint8Array> | null;
  /** Its stderr, when `stderr: "pipe"`. */
  readonly stderr: ReadableStream<Uint8Array> | null;
  /** Settles once the child has ended. Never rejects. */
  readonly status: Promise<ExitStatus>;
  /** With the `ready` option: resolves once every condition held, or
   * rejects with a `NotReadyError` (the child and everything it started
   * stopped) when the time is up or the child ends first. Without it:
   * resolves at once. An unobserved rejection is not reported as
   * unhandled. */
  readonly ready: Promise<ReadyResult>;
  /** `true` once the spawn's `timeout` fired and stopped the child. */
  readonly timedOut: boolean;
  /** The absolute path of the child's cgroup directory (Linux, `contain`
   * `"cgroup"` or `"auto"` where one could be made), or `null` when it is
   * not in a cgroup of its own. The directory is removed once the child and
   * everything in it ended and were waited for or stopped. */
  readonly cgroup: string | null;
  /** Windows, with `windows.breakawayFromJob`: `true` when the child was
   * created with `CREATE_BREAKAWAY_FROM_JOB` (it is not in the job this
   * process runs in), `false` when `"try"` fell back to a normal start
   * because the job forbids breakaway or there is no FFI (Node).
   * `undefined` when breakaway was not asked for, and on other systems. */
  readonly brokeAway: boolean | undefined;
  /** The exit status if the child has ended, else `null`. */
  poll(): ExitStatus | null;
  /** Waits for the child to end. With `timeout`, throws
   * `TimeoutExpiredError` when it expires; the child keeps running and
   * `wait()` may be called again. */
  wait(options?: WaitOptions): Promise<ExitStatus>;
  /** Closes a piped stdin, reads piped stdout/stderr to the end (bounded by
   * `drainTimeout` once the child has exited) and resolves with them and the
   * status. Throws `MaxBufferError` past `maxBuffer`. */
  output(): Promise<SubprocessOutput>;
  /** Like {@linkcode Subprocess.output}, after writing `input` to stdin:
   * a string (as UTF-8), bytes (any `ArrayBufferView`) or a `ReadableStream`
   * of bytes, read as the child reads. A child that closes its stdin early
   * is not an error; a failing input stream is, once the child has ended.
   * With `timeout`, throws `TimeoutExpiredError` carrying the output so far;
   * the child keeps running and `communicate()` may be called again (without
   * input) to get the rest. */
  communicate(
    input?: Input,
    options?: WaitOptions,
  ): Promise<SubprocessOutput>;
  /** Sends `signal` (default SIGTERM) to the child alone and returns `true`;
   * returns `false`, sending nothing, once the child has ended (its PID may
   * belong to another process by then). Never throws for an ended child,
   * so `kill()` needs no `poll()` or try/catch around it. */
  kill(signal?: Signal): boolean;
  /** Stops the child: `signal`, then SIGKILL after `grace` ms, over `scope`
   * (default: its group and the subtrees that left it when it leads one,
   * else its tree). Resolves with the final status once everything in scope
   * is gone. Timeouts, aborts, `maxBuffer` and `await using` stop this way. */
  stop(options?: StopOptions): Promise<ExitStatus>;
  /** Lets the child keep the parent alive again after `unref()`. */
  ref(): void;
  /** Lets the parent exit while the child still runs. */
  unref(): void;
}

/** `ready` of a child started without the `ready` option. */
const NOTHING_TO_WAIT_FOR: Promise<ReadyResult> = Promise.resolve({
  elapsedMs: 0,
});
const STOP_KEYS: ReadonlySet<string> = new Set(["signal", "grace", "scope"]);
const WAIT_KEYS: ReadonlySet<string> = new Set(["timeout"]);

/** Why we stopped a child ourselves; the first cause wins. */
export type StopReason = "timeout" | "abort" | "maxBuffer";

/** The implementation of {@linkcode Subprocess} (not exported publicly, so
 * users can't construct one). */
export class ChildProcess implements Subprocess, ChildTarget {
  readonly pid: number;
  readonly pgid: number | undefined;
  readonly cmd: readonly string[];
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
  readonly status: Promise<ExitStatus>;
  readonly ready: Promise<ReadyResult>;
  readonly brokeAway: boolean | undefined;
  readonly cgroup: string | null;
  readonly token: string | undefined;
  readonly #handle: ChildHandle;
  readonly #plan: SpawnPlan;
  #result: ExitStatus | null = null;
  #stopReason: StopReason | undefined;
  #stopping: Promise<unknown> | undefined;
  #timer: LongTimer | undefined;
  #collectors: { out?: Collector; err?: Collector } | undefined;
  #finished: Promise<ExitStatus> | undefined;
  #stdinUsed = false;
  /** Settles once `input` was written: with the input stream's failure. */
  #fed: Promise<unknown> | undefined;
  #overflowed = false;
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
    this.#stopping = this.stop().catch(() => {});
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

  async wait(options?: WaitOptions): Promise<ExitStatus> {
    const opts = validateOptionsObject("wait", options, WAIT_KEYS);
    const timeout = optionalMs("timeout", opts.timeout);
    const ended = this.status.then(async (status) => {
      await this.#stopping;
      return status;
    });
    if (timeout === undefined) return await ended;
    if (await settlesWithin(ended, timeout)) return await ended;
    throw new TimeoutExpiredError(
      `Process ${this.pid} (${
        this.cmd[0]
      }) did not end within ${timeout} ms; it is still running`,
      { cmd: this.cmd, pid: this.pid, timeout },
    );
  }

  output(): Promise<SubprocessOutput> {
    return this.communicate();
  }

  async communicate(
    input?: Input,
    options?: WaitOptions,
  ): Promise<SubprocessOutput> {
    const opts = validateOptionsObject("communicate", options, WAIT_KEYS);
    const timeout = optionalMs("timeout", opts.timeout);
    const bytes = validateInput(input);
    if (bytes !== undefined && this.stdin === null) {
      throw new TypeError(
        'Cannot write `input`: the child\'s stdin is not piped (use stdin: "pipe")',
      );
    }
    this.#feedStdin(bytes);
    const finished = this.#finish();
    if (timeout !== undefined && !(await settlesWithin(finished, timeout))) {
      throw new TimeoutExpiredError(
        `Process ${this.pid} (${
          this.cmd[0]
        }) did not end within ${timeout} ms; it is still running`,
        { cmd: this.cmd, pid: this.pid, timeout, ...this.partialOutput() },
      );
    }
    const status = await finished;
    const inputFailure = this.#fed && await this.#fed;
    if (inputFailure !== undefined) throw inputFailure;
    const output = { ...status, ...this.partialOutput() };
    if (this.#overflowed) {
      throw new MaxBufferError(
        `Process ${this.pid} (${
          this.cmd[0]
        }) wrote more than the \`maxBuffer\` of ${this.#plan.maxBuffer} bytes; it was stopped`,
        { cmd: this.cmd, pid: this.pid, status, ...output },
      );
    }
    return output;
  }

  /** What the collectors hold so far. */
  partialOutput(): {
    stdout: Uint8Array | undefined;
    stderr: Uint8Array | undefined;
  } {
    const c = this.#startCollecting();
    return { stdout: c.out?.bytes(), stderr: c.err?.bytes() };
  }

  #startCollecting(): { out?: Collector; err?: Collector } {
    if (this.#collectors) return this.#collectors;
    const limit = this.#plan.maxBuffer;
    const onOverflow = () => {
      this.#overflowed = true;
      this.#stopFor("maxBuffer");
    };
    this.#collectors = {
      ...(this.stdout
        ? { out: new Collector(this.stdout, limit, onOverflow) }
        : {}),
      ...(this.stderr
        ? { err: new Collector(this.stderr, limit, onOverflow) }
        : {}),
    };
    return this.#collectors;
  }

  #finish(): Promise<ExitStatus> {
    if (this.#finished) return this.#finished;
    const c = this.#startCollecting();
    const collectors = [c.out, c.err].filter((x) => x !== undefined);
    this.#finished = this.status.then(async (status) => {
      await this.#stopping;
      await drainWithin(collectors, this.#plan.drainTimeout);
      return status;
    });
    return this.#finished;
  }

  #feedStdin(input: ResolvedInput | undefined): void {
    if (!this.stdin || this.#stdinUsed || this.stdin.locked) return;
    this.#stdinUsed = true;
    this.#fed = feedStdin(this.stdin, input, this.status);
  }

  kill(signal: Signal = "SIGTERM"): boolean {
    validateSignal("signal", signal);
    // The handle refuses too once the runtime has reaped the child, which
    // can come a moment before `#result` is set.
    if (this.#result !== null) return false;
    return this.#handle.kill(signal);
  }

  async stop(options?: StopOptions): Promise<ExitStatus> {
    const { signal, grace, scope } = validateStopOptions(
      "stop",
      options,
      STOP_KEYS,
      { signal: this.#plan.killSignal, grace: this.#plan.grace },
    );
    await stopChild(this, scope, signal, grace);
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
    if (this.#collectors) {
      await Promise.all(
        [this.#collectors.out, this.#collectors.err].map((c) => c?.cutOff()),
      );
    }
    for (const stream of [this.stdout, this.stderr]) {
      if (stream && !stream.locked) await stream.cancel().catch(() => {});
    }
    if (this.stdin && !this.stdin.locked) {
      await this.stdin.close().catch(() => {});
    }
  }
}

/** The command actually executed: with `killOnParentExit`, behind the OS's
 * parent-death wrapper (which execs, so the PID stays the program's). */
function commandLine(cmd: readonly string[], plan: SpawnPlan): string[] {
  if (plan.killOnParentExit === false) return [...cmd];
  const prefix = os.parentDeathPrefix(plan.killOnParentExit);
  // Empty: the backend makes the child die with us (Windows: a job).
  if (prefix.length === 0) return [...cmd];
  if (typeof prefix === "string") {
    throw new RangeError(
      `Cannot honour the \`killOnParentExit\` option: ${prefix}`,
    );
  }
  const path = plan.env?.PATH ?? (plan.clearEnv ? undefined : process.env.PATH);
  const found = lookPath(cmd[0]!, plan.cwd, path);
  if (!found.ok) throw spawnError(cmd, new SpawnFailure(found.code, undefined));
  return [...prefix, ...cmd];
}

/** Turns a backend failure into the error a caller catches; `env` (the
 * child's whole environment) sizes an E2BIG failure. */
export function spawnError(
  cmd: readonly string[],
  failure: SpawnFailure,
  env: Readonly<Record<string, string | undefined>> = {},
): Error {
  const name = JSON.stringify(cmd[0]);
  const options = { cmd, cause: failure.cause ?? failure };
  switch (failure.code) {
    case "ENOENT":
      return new CommandNotFoundError(
        `Cannot run ${name}: command not found`,
        options,
      );
    case "EACCES":
      return new PermissionDeniedError(
        `Cannot run ${name}: permission denied (not executable, or a directory)`,
        options,
      );
    case "BREAKAWAY_DENIED":
      return new BreakawayDeniedError(
        `Cannot run ${name} with \`windows.breakawayFromJob: true\`: this process runs in a job that does not allow breakaway (JOB_OBJECT_LIMIT_BREAKAWAY_OK is not set), so CreateProcessW failed with ERROR_ACCESS_DENIED (5); use \`breakawayFromJob: "try"\` to start it inside the job instead`,
        options,
      );
    case "FFI_NEEDED":
      return new PermissionDeniedError(
        `Cannot run ${name}: ${failure.detail}`,
        options,
      );
    case "NOT_CAPABLE":
      return new PermissionDeniedError(
        `Cannot run ${name}: Deno denied it (grant --allow-run)`,
        options,
      );
    case "EMFILE":
      return new SubprocessError(
        `Cannot run ${name}: too many open files (EMFILE); nothing was started`,
        options,
      );
    case "E2BIG":
      return new SubprocessError(
        `Cannot run ${name}: argument list too long (E2BIG): ${
          describeArgumentSize(argumentSize(cmd, env))
        }; ${os.argumentLimit}; nothing was started`,
        options,
      );
    case "EAGAIN":
    case "ENOMEM":
      return new SubprocessError(
        `Cannot run ${name}: the system is out of processes or memory (${failure.code}); nothing was started`,
        options,
      );
    default:
      return new SubprocessError(
        `Cannot run ${name}: spawn failed${
          failure.detail ? `: ${failure.detail}` : ""
        }`,
        options,
      );
  }
}

/** How a child came to be, for {@linkcode ChildProcess}. */
interface Started {
  readonly containment: Containment;
  /** Watches for `ready`, when asked. */
  readonly watch: ReadyWatch | undefined;
  /** `performance.now()` when the spawn was asked for. */
  readonly askedAt: number;
}

/** Starts `cmd` after checking every option; internal entry shared with
 * `run()` and `detach()`. */
export function spawnWithPlan(
  cmd: readonly string[],
  plan: SpawnPlan,
): ChildProcess {
  const askedAt = performance.now();
  // The exit hooks go in before the child starts: installing them can fail
  // (see installCleanupHooks), and a child must not be left running then.
  if (plan.cleanup && !installCleanupHooks()) {
    throw spawnError(cmd, new SpawnFailure("EMFILE", undefined));
  }
  const containment = prepareContainment({
    mode: plan.contain,
    cmd,
    env: plan.env,
    clearEnv: plan.clearEnv,
  });
  try {
    const watch = plan.ready &&
      new ReadyWatch(plan.ready, {
        ...lineStreams(plan),
        drainTimeout: plan.drainTimeout,
      });
    const line = commandLine(cmd, plan);
    const start = () => startProcess(cmd, line, plan, containment);
    const cgroup = containment.cgroup;
    const handle = cgroup === null
      ? start()
      : os.cgroups!.spawnInside(cgroup, start);
    return new ChildProcess(cmd, handle, plan, { containment, watch, askedAt });
  } catch (error) {
    // Nothing started: nothing may be left behind.
    if (containment.cgroup !== null) releaseCgroup(containment.cgroup);
    throw error;
  }
}

/** The whole environment a child of `plan` starts with (`added`: what the
 * spawn adds to, or with `clearEnv` puts in place of, ours). */
function childEnvironment(
  plan: SpawnPlan,
  added: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string | undefined>> {
  return plan.clearEnv ? { ...added } : { ...process.env, ...added };
}

function startProcess(
  cmd: readonly string[],
  line: readonly string[],
  plan: SpawnPlan,
  containment: Containment,
): ChildHandle {
  const env = plan.env === undefined && containment.token === undefined
    ? undefined
    : { ...plan.env, ...containment.env };
  try {
    return backend.spawn({
      file: line[0]!,
      args: line.slice(1),
      cwd: plan.cwd,
      env,
      clearEnv: plan.clearEnv,
      stdin: plan.stdin,
      stdout: plan.stdout,
      stderr: plan.stderr,
      newSession: plan.newSession,
      killOnParentExit: plan.killOnParentExit !== false,
      windows: {
        breakawayFromJob: plan.breakawayFromJob,
        hide: plan.hide,
        detached: plan.detached ?? false,
      },
    });
  } catch (error) {
    if (!(error instanceof SpawnFailure)) throw error;
    throw spawnError(cmd, error, childEnvironment(plan, env));
  }
}

/**
 * Starts `cmd` (never through a shell) and returns a {@linkcode Subprocess}.
 * Every option is checked before anything starts.
 *
 * @param cmd The program and its arguments, e.g. `["ls", "-l"]`.
 * @param options See {@linkcode SpawnOptions}; every stream defaults to
 * `"inherit"`.
 * @returns A handle on the running child.
 * @throws {TypeError} An argument has the wrong type or an option is unknown.
 * @throws {RangeError} An argument is out of range (empty `cmd`, NUL byte,
 * negative `timeout`, unknown signal, missing `cwd`, …).
 * @throws {CommandNotFoundError} The program was not found.
 * @throws {PermissionDeniedError} The program may not be executed.
 *
 * @example Stream a child's output, stop its whole group
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using child = spawn(["sh", "-c", "echo ready; sleep 30"], {
 *   stdout: "pipe",
 *   newSession: true,
 * });
 * const reader = child.stdout!.getReader();
 * const { value } = await reader.read();
 * console.log(new TextDecoder().decode(value)); // "ready\n"
 * reader.releaseLock();
 * const status = await child.stop({ grace: 1000 });
 * console.log(status.signal); // "SIGTERM"
 * ```
 *
 * @example Wait until a server is ready
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using server = spawn(
 *   ["sh", "-c", "echo starting; sleep 0.2; echo 'listening on 8080'; sleep 30"],
 *   { stdout: "pipe", ready: { line: /listening on (\d+)/, timeout: 10_000 } },
 * );
 * const { match } = await server.ready; // NotReadyError if not in 10 s
 * console.log(match?.[1]); // "8080"
 * ```
 */
export function spawn(cmd: string[], options?: SpawnOptions): Subprocess {
  const args = validateCmd(cmd);
  validateOptionsObject("spawn", options, SPAWN_OPTION_KEYS);
  const plan = validateSpawnOptions(options ?? {});
  return spawnWithPlan(args, withReady(plan, options?.ready));
}
