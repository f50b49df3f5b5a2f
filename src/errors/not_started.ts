/**
 * Errors of a child that was never started: no program, no permission, no
 * breakaway, no cgroup, or a copy already running.
 *
 * @module
 */

import { SubprocessError } from "./subprocess_error.ts";

/**
 * The program could not be found (not on `PATH`, or the path does not exist).
 *
 * @example A program that is nowhere on `PATH`
 * ```ts
 * import { CommandNotFoundError, spawn } from "@subproc/subproc";
 * try {
 *   spawn(["no-such-program-xyz"]);
 * } catch (error) {
 *   console.log(error instanceof CommandNotFoundError); // true
 * }
 * ```
 */
export class CommandNotFoundError extends SubprocessError {}

/**
 * The program exists but may not be executed (no execute permission, or a
 * directory).
 *
 * @example A file that is not executable
 * ```ts
 * import { PermissionDeniedError, spawn } from "@subproc/subproc";
 * try {
 *   spawn(["/etc/hostname"]);
 * } catch (error) {
 *   console.log(error instanceof PermissionDeniedError); // true
 * }
 * ```
 */
export class PermissionDeniedError extends SubprocessError {}

/**
 * Windows: the job the parent runs in does not allow breakaway
 * (`JOB_OBJECT_LIMIT_BREAKAWAY_OK` is not set), so
 * `windows.breakawayFromJob: true` failed with `ERROR_ACCESS_DENIED`. Use
 * `breakawayFromJob: "try"` to fall back to a normal start.
 *
 * @example Start inside the job when it forbids breakaway
 * ```ts
 * import { BreakawayDeniedError, spawn } from "@subproc/subproc";
 * let child;
 * try {
 *   child = spawn(["sleep", "30"], { windows: { breakawayFromJob: true } });
 * } catch (error) {
 *   if (!(error instanceof BreakawayDeniedError)) throw error;
 *   child = spawn(["sleep", "30"], { windows: { breakawayFromJob: "try" } });
 * }
 * await child.stop();
 * ```
 */
export class BreakawayDeniedError extends SubprocessError {}

/**
 * A pidfile names a process that is still running, so a second copy was not
 * started. `pid` is the running process.
 *
 * @example A second start with the same pidfile
 * ```ts
 * import { AlreadyRunningError, detach, killTree } from "@subproc/subproc";
 * const pidfile = `${Deno.makeTempDirSync()}/app.pid`;
 * const first = await detach(["sleep", "30"], { pidfile });
 * try {
 *   await detach(["sleep", "30"], { pidfile });
 * } catch (error) {
 *   if (!(error instanceof AlreadyRunningError)) throw error;
 *   console.log(error.pid === first.pid); // true
 * }
 * await killTree(first.pid);
 * ```
 */
export class AlreadyRunningError extends SubprocessError {}

/**
 * `contain: "cgroup"` was asked for, and no cgroup can be made here. The
 * message says why: no cgroup v2 file system is mounted, this process's
 * cgroup is not writable (not root, and not delegated to this user), the
 * kernel has no `cgroup.kill` (Linux older than 5.14), or the system is not
 * Linux. Nothing was started. `contain: "auto"` falls back to the tree.
 *
 * @example Ask for a cgroup, fall back when there is none
 * ```ts
 * import { ContainmentUnavailableError, spawn } from "@subproc/subproc";
 * let child;
 * try {
 *   child = spawn(["true"], { newSession: true, contain: "cgroup" });
 * } catch (error) {
 *   if (!(error instanceof ContainmentUnavailableError)) throw error;
 *   console.log(error.message); // Cannot contain "true" in a cgroup: …
 *   child = spawn(["true"], { newSession: true, contain: "tree" });
 * }
 * await child.status;
 * ```
 */
export class ContainmentUnavailableError extends SubprocessError {}
