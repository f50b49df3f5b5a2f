/**
 * Public types shared by `spawn`, `run`, `detach` and `killTree`.
 *
 * None of them mention `Deno.*` or `node:*` types, so the npm `.d.ts`
 * compiles without either.
 *
 * @module
 */

import type { ReadyOptions } from "./ready/types.ts";

/** A POSIX signal name. On Windows only `SIGTERM`, `SIGKILL`, `SIGINT` and
 * `SIGBREAK` mean something; see the README's Windows table. */
export type Signal =
  | "SIGABRT"
  | "SIGALRM"
  | "SIGBREAK"
  | "SIGBUS"
  | "SIGCHLD"
  | "SIGCONT"
  | "SIGFPE"
  | "SIGHUP"
  | "SIGILL"
  | "SIGINT"
  | "SIGIO"
  | "SIGKILL"
  | "SIGPIPE"
  | "SIGPROF"
  | "SIGPWR"
  | "SIGQUIT"
  | "SIGSEGV"
  | "SIGSTKFLT"
  | "SIGSTOP"
  | "SIGSYS"
  | "SIGTERM"
  | "SIGTRAP"
  | "SIGTSTP"
  | "SIGTTIN"
  | "SIGTTOU"
  | "SIGURG"
  | "SIGUSR1"
  | "SIGUSR2"
  | "SIGVTALRM"
  | "SIGWINCH"
  | "SIGXCPU"
  | "SIGXFSZ";

/** How a process ended. `code` and `signal` both `null`: it ended, but its
 * status could not be read (it was reaped by someone else); no status is
 * made up then. */
export interface ExitStatus {
  /** The exit code, or `null` when the process was ended by a signal. */
  readonly code: number | null;
  /** The signal that ended the process, or `null` when it exited. */
  readonly signal: Signal | null;
  /** `true` when `code` is 0. */
  readonly success: boolean;
}

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

/** Options of {@linkcode spawn}. */
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

/** How far `stop()` and `killTree()` reach.
 *
 * - `"process"`: only the process itself.
 * - `"group"`: its process group (needs a child with its own group, e.g.
 *   `newSession: true`; otherwise `"tree"` is used).
 * - `"tree"`: it and every descendant, including those that left its group.
 */
export type StopScope = "process" | "group" | "tree";

/** Options of `Subprocess.stop()` and {@linkcode killTree}. */
export interface StopOptions {
  /** The first signal sent.
   * @default {"SIGTERM"} (or the spawn's `killSignal`) */
  readonly signal?: Signal;
  /** Milliseconds to wait after `signal` before `SIGKILL`.
   * @default {2000} (or the spawn's `grace`) */
  readonly grace?: number;
  /** What to stop. Only for `Subprocess.stop()`. Left out: for a child that
   * leads its own group, the group *and* the subtrees that left it with
   * `setsid` (a group signal can't reach those); else the tree.
   * @default {undefined} (group + escapees, or tree) */
  readonly scope?: StopScope;
}

/** Options of `Subprocess.wait()`. */
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

/** What `run()` keeps of the child's output.
 *
 * - `false`: nothing; stdout and stderr go where `stdout`/`stderr` say.
 * - `true` or `"text"`: both as UTF-8 strings.
 * - `"bytes"`: both as `Uint8Array`.
 */
export type Capture = boolean | "text" | "bytes";

/** Options of {@linkcode run}: every {@linkcode SpawnOptions} field but
 * `ready` (`run()` waits for the end), plus: */
export interface RunOptions extends Omit<SpawnOptions, "ready"> {
  /** Capture stdout and stderr (piping them unless `stdout`/`stderr` say
   * otherwise).
   * @default {false} */
  readonly capture?: Capture;
  /** Written to the child's stdin, which is then closed: a string (as
   * UTF-8), bytes (any `ArrayBufferView`), or a `ReadableStream` of bytes
   * (read as the child reads; cancelled if the child stops reading). */
  readonly input?: Input;
  /** Throw `CalledProcessError` when the child does not exit with code 0.
   * @default {false} */
  readonly check?: boolean;
}

/** What {@linkcode run} resolves with. */
export interface RunResult<T extends string | Uint8Array | undefined>
  extends ExitStatus {
  /** The command as given. */
  readonly cmd: readonly string[];
  /** The child's PID. */
  readonly pid: number;
  /** Captured stdout, or `undefined` when not captured. */
  readonly stdout: T;
  /** Captured stderr, or `undefined` when not captured; empty with
   * `stderr: "stdout"` (it is in `stdout`, in order). */
  readonly stderr: T;
  /** Milliseconds from start to the end of output. */
  readonly durationMs: number;
}
