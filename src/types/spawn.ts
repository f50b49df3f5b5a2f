/**
 * Public types of what `spawn()` is given: its options, where the child's
 * streams go, how it is held together.
 *
 * @module
 */

import type { Signal } from "./process.ts";
import type { ReadyOptions } from "./ready.ts";

/** Where a child's standard stream goes.
 *
 * - `"inherit"`: the parent's own stream.
 * - `"pipe"`: a web stream on the {@linkcode Subprocess}.
 * - `"null"`: `/dev/null` (`NUL` on Windows).
 * - `{ file, append }`: a file, truncated unless `append` is `true`
 *   (for stdin: read from the file).
 */
export type StdioOption = "inherit" | "pipe" | "null" | StdioFile;

/** Where a child's standard error goes: any {@linkcode StdioOption}, or
 * `"stdout"`: the very descriptor of its stdout (Python's
 * `stderr=subprocess.STDOUT`, the shell's `2>&1`), so that both arrive
 * interleaved exactly as the child wrote them. With a piped stdout, the
 * `stdout` stream (and `run()`'s captured `stdout`) carries both, and
 * `stderr` is `null` (`run()`: empty). */
export type StderrOption = StdioOption | "stdout";

/** A file as a child's standard stream. */
export interface StdioFile {
  /** Path of the file. Its directory must exist. */
  readonly file: string;
  /** Append instead of truncating (output streams only).
   * @default {false} */
  readonly append?: boolean;
}

/** Windows-only spawn options. Ignored elsewhere. */
export interface WindowsOptions {
  /** Create the child with `CREATE_BREAKAWAY_FROM_JOB` so it survives the
   * closing of the parent's job. `"try"` falls back to a normal start when the
   * job forbids breakaway; `brokeAway` on the result says which happened.
   * `true` fails with `BreakawayDeniedError` there. Needs FFI: Deno with
   * `--allow-ffi`, or Bun. Without it (Node) `true` throws a
   * `PermissionDeniedError` and `"try"` starts normally (`brokeAway: false`).
   * @default {false} (`detach()`: `"try"`) */
  readonly breakawayFromJob?: boolean | "try";
  /** Hide the child's console window (`SW_HIDE`; a detached child gets a
   * hidden console of its own instead of a visible one).
   * @default {true} */
  readonly hide?: boolean;
}

/** How a child and everything it starts are held together, so that a stop
 * reaches all of it — a double-forked daemon (fork, `setsid`, parent exits:
 * re-parented to PID 1) too.
 *
 * - `"cgroup"`: a cgroup v2 of its own (Linux ≥ 5.14, writable by us: root,
 *   or a delegated cgroup), joined before the program runs. Nothing it
 *   starts can leave it. Where none can be made: a
 *   `ContainmentUnavailableError` before anything starts.
 * - `"tree"`: its group and its tree by parent links, plus a token in its
 *   environment (`SUBPROC_CONTAIN_TOKEN`) that every descendant inherits
 *   (Linux: found in `/proc/PID/environ`). A daemon that clears its
 *   environment escapes; with `clearEnv: true` the environment is exactly
 *   `env`, so there is no token.
 * - `"auto"`: a cgroup where one can be made, else `"tree"`.
 */
export type ContainMode = "auto" | "cgroup" | "tree";

/**
 * Options of {@linkcode spawn}.
 *
 * @example A server in its own group, stopped with SIGINT after 5 seconds
 * ```ts
 * import { spawn, type SpawnOptions } from "@subproc/subproc";
 * const options: SpawnOptions = {
 *   newSession: true,
 *   stdout: "pipe",
 *   timeout: 5000,
 *   killSignal: "SIGINT",
 * };
 * await using child = spawn(["sleep", "30"], options);
 * console.log(child.pgid === child.pid); // true
 * ```
 */
export interface SpawnOptions {
  /** Working directory of the child. It must exist.
   * @default {the parent's working directory} */
  readonly cwd?: string;
  /** Environment variables to set (added to the parent's unless `clearEnv`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment instead of the parent's.
   * @default {false} */
  readonly clearEnv?: boolean;
  /** The child's standard input.
   * @default {"inherit"} */
  readonly stdin?: StdioOption;
  /** The child's standard output.
   * @default {"inherit"} */
  readonly stdout?: StdioOption;
  /** The child's standard error; `"stdout"` sends it down the child's
   * stdout, in order (see {@linkcode StderrOption}).
   * @default {"inherit"} */
  readonly stderr?: StderrOption;
  /** Start the child in a new session (`setsid()` in the child): it leads a
   * new session and a new process group (`sid == pgid == pid`), has no
   * controlling terminal, and the whole group can be stopped at once.
   * @default {false} */
  readonly newSession?: boolean;
  /** How the child and what it starts are held together for stopping (see
   * {@linkcode ContainMode}).
   * @default {"auto" with `newSession: true`, else "tree"} */
  readonly contain?: ContainMode;
  /** Stop the child (its cgroup, group or tree) this many milliseconds
   * after `spawn()` (or `run()`) was called — counted from the call, so
   * that a start that waited on the kernel (the first move into a cgroup)
   * doesn't lengthen it. Any length works.
   * @default {undefined} (no timeout) */
  readonly timeout?: number;
  /** The first signal sent when the child is stopped by `timeout`, `signal`
   * or `stop()`.
   * @default {"SIGTERM"} */
  readonly killSignal?: Signal;
  /** Milliseconds between `killSignal` and `SIGKILL` when stopping.
   * @default {2000} */
  readonly grace?: number;
  /** Stop the child (its group, or its tree) when this signal aborts. */
  readonly signal?: AbortSignal;
  /** Kill the child even when the parent dies by `SIGKILL`. Linux: the
   * parent-death signal through `setpriv --pdeathsig KILL` (util-linux ≥ 2.33,
   * else a `RangeError`); it fires when the thread that spawned the child ends,
   * so a child spawned in a Worker dies with that Worker. A signal name
   * instead of `true` sends that signal (e.g. `"SIGTERM"`, to let the child
   * clean up; one that it ignores lets it outlive the parent). Windows: a
   * kill-on-close job (whatever the signal). Other systems: a `RangeError`
   * (not supported).
   * @default {false} */
  readonly killOnParentExit?: boolean | Signal;
  /** Stop the child (its group, if it has one) when the parent exits normally
   * or on SIGINT/SIGTERM/SIGHUP. Detached children are never touched.
   * @default {true} */
  readonly cleanup?: boolean;
  /** Milliseconds that `output()`, `communicate()` and `run()` keep reading
   * the child's pipes after the child has exited, for descendants that still
   * hold them. The child's own output is already in the pipe, so nothing of it
   * is lost; what a descendant writes later is cut off.
   * @default {500} */
  readonly drainTimeout?: number;
  /** Most bytes `output()`, `communicate()` and `run()` keep of each of
   * stdout and stderr. Past it the child is stopped and a `MaxBufferError`
   * thrown.
   * @default {134217728} (128 MiB) */
  readonly maxBuffer?: number;
  /** Windows-only options. */
  readonly windows?: WindowsOptions;
  /** Wait for the child to be ready (a line of output, a port, a URL, a
   * file, a check): `spawn()` returns at once and `Subprocess.ready`
   * settles. See {@linkcode ReadyOptions}. */
  readonly ready?: ReadyOptions;
}
