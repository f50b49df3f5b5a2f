/**
 * `detach()`: start a program that outlives us.
 *
 * @module
 */

import { AlreadyRunningError } from "./errors.ts";
import { Pidfile } from "./pidfile.ts";
import { withPidfileLock } from "./pidfile_lock.ts";
import type { ReadyOptions, ReadyResult } from "./ready/types.ts";
import { withReady } from "./ready/validate.ts";
import { type ChildProcess, spawnWithPlan } from "./spawn.ts";
import type {
  ContainMode,
  StderrOption,
  StdioOption,
  WindowsOptions,
} from "./types.ts";
import {
  validateCmd,
  validateOptionsObject,
  validateSpawnOptions,
} from "./validate.ts";

/** Options of {@linkcode detach}. */
export interface DetachOptions {
  /** Working directory of the program.
   * @default {the parent's working directory} */
  readonly cwd?: string;
  /** Environment variables to set. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment.
   * @default {false} */
  readonly clearEnv?: boolean;
  /** The program's stdin: `"null"` or a file (`"pipe"` and `"inherit"`
   * would tie it to us).
   * @default {"null"} */
  readonly stdin?: "null" | { readonly file: string };
  /** The program's stdout: `"null"` or a file.
   * @default {"null"} */
  readonly stdout?: "null" | {
    readonly file: string;
    readonly append?: boolean;
  };
  /** The program's stderr: `"null"`, a file, or `"stdout"`: the very
   * descriptor of its stdout (one log, in the order it wrote).
   * @default {"null"} */
  readonly stderr?: "null" | "stdout" | {
    readonly file: string;
    readonly append?: boolean;
  };
  /** How the program and what it starts are held together, so that a
   * stop reaches all of it (see {@linkcode ContainMode}): a daemon that
   * forks again, calls `setsid` and lets its parent exit stays in its
   * cgroup.
   * @default {"auto"} */
  readonly contain?: ContainMode;
  /** Write the program's PID here (atomically, mode 0644). A pidfile that
   * names a running process makes `detach` fail with `AlreadyRunningError`
   * before anything starts; one that someone else could have written (see
   * `Pidfile`), or a directory where they could replace it, with
   * `UntrustedFileError`. */
  readonly pidfile?: string;
  /** Resolve only once the program is ready (see {@linkcode ReadyOptions};
   * a `line` is looked for in the `stdout`/`stderr` files). Not ready in
   * time, or it ended first: it is stopped with everything it started, its
   * pidfile removed, and a `NotReadyError` carrying the last lines of its
   * log thrown. */
  readonly ready?: ReadyOptions;
  /** Windows-only options. */
  readonly windows?: WindowsOptions;
}

/** A program started by {@linkcode detach}. */
export interface DetachedProcess {
  /** The program's PID (no shell in between). */
  readonly pid: number;
  /** Its process group (it leads a new session and group). */
  readonly pgid: number;
  /** The pidfile written, if any. */
  readonly pidfile: string | undefined;
  /** The absolute path of its cgroup directory (Linux, where one could be
   * made), or `null`. It stays while anything of the program runs; a stop
   * of the program's tree by {@linkcode killTree} from this process, or
   * `subproc stop`, removes it. */
  readonly cgroup: string | null;
  /** Windows: `true` when the program broke away from the job this process
   * runs in, `false` when the job forbids it (see
   * `Subprocess.brokeAway`). `undefined` on other systems. */
  readonly brokeAway: boolean | undefined;
  /** With the `ready` option: when and how it became ready. */
  readonly ready: ReadyResult | undefined;
}

const DETACH_KEYS: ReadonlySet<string> = new Set([
  "cwd",
  "env",
  "clearEnv",
  "stdin",
  "stdout",
  "stderr",
  "pidfile",
  "contain",
  "ready",
  "windows",
]);

function detachedStdio(option: string, value: unknown): StderrOption {
  if (value === undefined) return "null";
  if (value === "pipe" || value === "inherit") {
    throw new TypeError(
      `Expected the \`${option}\` option of detach() to be "null" or { file }, got "${value}": a detached program must not hold our ${
        value === "pipe" ? "pipes" : "terminal"
      }`,
    );
  }
  return value as StderrOption;
}

/**
 * Starts `cmd` so that it survives this process's exit (even by SIGKILL), its
 * terminal closing and (on Windows) its job closing: a new session
 * (`setsid()` in the child, so no controlling terminal and no SIGHUP), stdio
 * to `/dev/null` or files, not waited for, never stopped by our exit
 * cleanup. This process may exit as soon as the promise resolves.
 *
 * @param cmd The program and its arguments (never through a shell).
 * @param options See {@linkcode DetachOptions}.
 * @returns The program's PID and group, the pidfile written, and (with
 * `ready`) when it became ready.
 * @throws {TypeError} An argument has the wrong type.
 * @throws {RangeError} An argument is out of range.
 * @throws {AlreadyRunningError} `pidfile` names a running process.
 * @throws {UntrustedFileError} Someone else could have written `pidfile` or
 * its lock, or could replace them in their directory: nothing started.
 * @throws {CommandNotFoundError} The program was not found.
 * @throws {NotReadyError} With `ready`: not ready in time, or it ended
 * first; it was stopped with everything it started, no pidfile left.
 *
 * @example Start a daemon with a pidfile and a log
 * ```ts
 * import { detach, killTree } from "@subproc/subproc";
 * const dir = Deno.makeTempDirSync();
 * const daemon = await detach(["sleep", "30"], {
 *   pidfile: `${dir}/sleep.pid`,
 *   stdout: { file: `${dir}/sleep.log`, append: true },
 * });
 * console.log(daemon.pid > 0); // true
 * await killTree(daemon.pid);
 * ```
 *
 * @example Resolve once the daemon says it is ready
 * ```ts
 * import { detach, killTree } from "@subproc/subproc";
 * const log = `${Deno.makeTempDirSync()}/server.log`;
 * const daemon = await detach(
 *   ["sh", "-c", "sleep 0.2; echo ready; exec sleep 30"],
 *   { stdout: { file: log }, ready: { line: "ready", timeout: 10_000 } },
 * );
 * console.log(daemon.ready?.elapsedMs); // about 200
 * await killTree(daemon.pid);
 * ```
 */
export function detach(
  cmd: string[],
  options?: DetachOptions,
): Promise<DetachedProcess> {
  return detachUnit(cmd, options);
}

/** What `subproc start` adds to a detach, under the pidfile's lock: a
 * check that the unit it started last time is gone, and a record of the
 * new one. */
export interface UnitHooks {
  /** Throws (an `AlreadyRunningError`) while the last unit still runs. */
  assertGone(): void;
  /** Records the started child's unit; if it throws, the child is stopped
   * and the error passed on. */
  record(child: ChildProcess): void;
  /** Removes the record of a child that was stopped (not ready). */
  discard(): void;
  /** Aborts when the wait for `ready` must end (a signal to `subproc
   * start`): the child is stopped, then handled as not ready. */
  readonly cancel?: AbortSignal;
}

/** {@linkcode detach}, with `hooks` run under the pidfile's lock. */
export async function detachUnit(
  cmd: string[],
  options?: DetachOptions,
  hooks?: UnitHooks,
): Promise<DetachedProcess> {
  const args = validateCmd(cmd);
  const opts = validateOptionsObject("detach", options, DETACH_KEYS) as
    & DetachOptions
    & Record<string, unknown>;
  const pidfile = opts.pidfile === undefined
    ? undefined
    : new Pidfile(opts.pidfile);
  const spawnPlan = validateSpawnOptions({
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.clearEnv === undefined ? {} : { clearEnv: opts.clearEnv }),
    ...(opts.windows === undefined ? {} : { windows: opts.windows }),
    ...(opts.contain === undefined ? {} : { contain: opts.contain }),
    stdin: detachedStdio("stdin", opts.stdin) as StdioOption,
    stdout: detachedStdio("stdout", opts.stdout) as StdioOption,
    stderr: detachedStdio("stderr", opts.stderr),
    newSession: true,
    cleanup: false,
  });
  const plan = withReady(spawnPlan, opts.ready);
  const start = async () => {
    const running = pidfile?.read() ?? null;
    if (pidfile && running !== null) {
      throw new AlreadyRunningError(
        `Cannot start ${JSON.stringify(args[0])}: the pidfile ${
          JSON.stringify(pidfile.path)
        } names process ${running}, which is running`,
        { cmd: args, pid: running },
      );
    }
    hooks?.assertGone();
    // Breakaway is what lets it outlive our job on Windows: try it by default.
    const child = spawnWithPlan(args, {
      ...plan,
      detached: true,
      breakawayFromJob: opts.windows?.breakawayFromJob ?? "try",
    });
    child.unref();
    try {
      hooks?.record(child);
      pidfile?.write(child.pid);
    } catch (error) {
      // Nothing may be half-started: without its pidfile the program is lost.
      await child.stop({ grace: 1000 });
      throw error;
    }
    return child;
  };
  // A lock from "is it running?" to "written": concurrent starts with one
  // pidfile would otherwise all start, and the pidfile name only the last.
  const child = pidfile
    ? await withPidfileLock(pidfile.path, start)
    : await start();
  // Waited for outside the lock: a start beside it finds the pidfile.
  const ready = plan.ready && await readyOrCancelled(child, hooks?.cancel)
    .catch((error) => {
      // Stopped by the watch, with everything it started.
      if (pidfile?.readRaw() === child.pid) pidfile.remove();
      hooks?.discard();
      throw error;
    });
  return {
    pid: child.pid,
    pgid: child.pid,
    pidfile: pidfile?.path,
    cgroup: child.cgroup,
    brokeAway: child.brokeAway,
    ready,
  };
}

/** `child.ready`; when `cancel` aborts first, the child is stopped (and
 * `ready` rejects: it ended first). */
async function readyOrCancelled(
  child: ChildProcess,
  cancel: AbortSignal | undefined,
): Promise<ReadyResult> {
  if (cancel === undefined) return await child.ready;
  const stop = () => void child.stop().catch(() => {});
  if (cancel.aborted) stop();
  cancel.addEventListener("abort", stop, { once: true });
  try {
    return await child.ready;
  } finally {
    cancel.removeEventListener("abort", stop);
  }
}
