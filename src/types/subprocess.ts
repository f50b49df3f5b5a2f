/**
 * Public types of the handle `spawn()` returns: the {@linkcode Subprocess}
 * and the options and results of its methods.
 *
 * @module
 */

import type { ExitStatus, Signal } from "./process.ts";
import type { ReadyResult } from "./ready.ts";

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
  /** Stops the child: `killSignal`, then SIGKILL after `grace` ms, over `scope`
   * (default: its group and the subtrees that left it when it leads one,
   * else its tree). Resolves with the final status once everything in scope
   * is gone. Timeouts, aborts, `maxBuffer` and `await using` stop this way. */
  stop(options?: StopOptions): Promise<ExitStatus>;
  /** Lets the child keep the parent alive again after `unref()`. */
  ref(): void;
  /** Lets the parent exit while the child still runs. */
  unref(): void;
}

/** How far `stop()` and `killTree()` reach.
 *
 * - `"process"`: only the process itself.
 * - `"group"`: its process group (needs a child with its own group, e.g.
 *   `newSession: true`; otherwise `"tree"` is used).
 * - `"tree"`: it and every descendant, including those that left its group.
 */
export type StopScope = "process" | "group" | "tree";

/**
 * Options of `Subprocess.stop()` and {@linkcode killTree}.
 *
 * @example Ask with SIGINT, force after half a second
 * ```ts
 * import { spawn, type StopOptions } from "@subproc/subproc";
 * const child = spawn(["sleep", "30"], { newSession: true });
 * const options: StopOptions = { killSignal: "SIGINT", grace: 500 };
 * console.log((await child.stop(options)).signal); // "SIGINT"
 * ```
 */
export interface StopOptions {
  /** The first signal sent (called `signal` before 0.2.0, a name
   * `SpawnOptions` gives to its `AbortSignal`).
   * @default {"SIGTERM"} (or the spawn's `killSignal`) */
  readonly killSignal?: Signal;
  /** Milliseconds to wait after `killSignal` before `SIGKILL`.
   * @default {2000} (or the spawn's `grace`) */
  readonly grace?: number;
  /** What to stop. Only for `Subprocess.stop()`. Left out: for a child that
   * leads its own group, the group *and* the subtrees that left it with
   * `setsid` (a group signal can't reach those); else the tree.
   * @default {undefined} (group + escapees, or tree) */
  readonly scope?: StopScope;
}

/**
 * Options of `Subprocess.wait()` and `communicate()`.
 *
 * @example Wait a while, then stop it
 * ```ts
 * import { spawn, TimeoutExpiredError } from "@subproc/subproc";
 * const child = spawn(["sleep", "30"]);
 * const status = await child.wait({ timeout: 100 }).catch(async (error) => {
 *   if (!(error instanceof TimeoutExpiredError)) throw error;
 *   return await child.stop(); // still running: stop it now
 * });
 * console.log(status.signal); // "SIGTERM"
 * ```
 */
export interface WaitOptions {
  /** Throw `TimeoutExpiredError` after this many milliseconds; the child keeps
   * running and `wait()` may be called again.
   * @default {undefined} (wait forever) */
  readonly timeout?: number;
}

/** What `Subprocess.output()` and `communicate()` return. */
export interface SubprocessOutput extends ExitStatus {
  /** Everything read from stdout, or `undefined` when it was not piped. */
  readonly stdout: Uint8Array | undefined;
  /** Everything read from stderr, or `undefined` when it was not piped. */
  readonly stderr: Uint8Array | undefined;
}

/** What `run()` and `communicate()` write to the child's stdin: a string
 * (sent as UTF-8; one with a lone surrogate, which has no UTF-8 encoding, is
 * refused with a `TypeError`), the bytes of any `ArrayBufferView`
 * (`Uint8Array`, `Buffer`, `DataView`…, not copied), or a `ReadableStream`
 * of byte chunks. */
export type Input = string | ArrayBufferView | ReadableStream<Uint8Array>;
