/**
 * `detach()`: start a program that outlives us.
 *
 * @module
 */

import { AlreadyRunningError } from "./errors.ts";
import { Pidfile } from "./pidfile.ts";
import { withPidfileLock } from "./pidfile_lock.ts";
import type { ChildProcess } from "./spawn/child_process.ts";
import { spawnWithPlan } from "./spawn.ts";
import type { DetachedProcess, DetachOptions, ReadyResult } from "./types.ts";
import { validateDetachOptions } from "./validate/detach.ts";
import { validateCmd } from "./validate/text.ts";

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
  const given = validateDetachOptions(options);
  const plan = given.spawn;
  const pidfile = given.pidfile === undefined
    ? undefined
    : new Pidfile(given.pidfile);
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
    const child = spawnWithPlan(args, plan);
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
