/**
 * The errors callers are meant to catch. Bad arguments throw `TypeError` or
 * `RangeError` instead.
 *
 * @module
 */

import type { ExitStatus } from "./types.ts";

/** Fields every {@linkcode SubprocessError} may carry. */
export interface SubprocessErrorOptions {
  /** The command as given. */
  readonly cmd: readonly string[];
  /** The child's PID, when it was started. */
  readonly pid?: number | undefined;
  /** How the child ended, when it did. */
  readonly status?: ExitStatus | undefined;
  /** Output read so far (text or bytes, as captured). */
  readonly stdout?: string | Uint8Array | undefined;
  /** Error output read so far (text or bytes, as captured). */
  readonly stderr?: string | Uint8Array | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * Base class of every error about a child process.
 *
 * @example Catch any error of this library
 * ```ts
 * import { run, SubprocessError } from "@subproc/subproc";
 * try {
 *   await run(["false"], { check: true });
 * } catch (error) {
 *   if (!(error instanceof SubprocessError)) throw error;
 *   console.log(error.cmd, error.status?.code);
 * }
 * ```
 */
export class SubprocessError extends Error {
  /** The command as given. */
  readonly cmd: readonly string[];
  /** The child's PID, when it was started. */
  readonly pid: number | undefined;
  /** How the child ended, when it did. */
  readonly status: ExitStatus | undefined;
  /** Output read so far. */
  readonly stdout: string | Uint8Array | undefined;
  /** Error output read so far. */
  readonly stderr: string | Uint8Array | undefined;

  /** Makes an error about `options.cmd`. */
  constructor(message: string, options: SubprocessErrorOptions) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.cmd = options.cmd;
    this.pid = options.pid;
    this.status = options.status;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
  }
}

/**
 * The program could not be found (not on `PATH`, or the path does not exist).
 *
 * @example
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
 * @example
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
 * The child did not exit with code 0 and `check: true` was given.
 *
 * @example
 * ```ts
 * import { CalledProcessError, run } from "@subproc/subproc";
 * try {
 *   await run(["sh", "-c", "exit 3"], { check: true });
 * } catch (error) {
 *   if (error instanceof CalledProcessError) console.log(error.status?.code); // 3
 * }
 * ```
 */
export class CalledProcessError extends SubprocessError {}

/**
 * A timeout expired. From `run()` and `spawn({ timeout })` the child (and its
 * group or tree) has been stopped; from `wait({ timeout })` and
 * `communicate(…, { timeout })` it keeps running. `stdout`/`stderr` hold what
 * was read until then.
 *
 * @example
 * ```ts
 * import { run, TimeoutExpiredError } from "@subproc/subproc";
 * try {
 *   await run(["sleep", "10"], { timeout: 100 });
 * } catch (error) {
 *   console.log(error instanceof TimeoutExpiredError); // true
 * }
 * ```
 */
export class TimeoutExpiredError extends SubprocessError {
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;

  /** Makes the error for a timeout of `timeout` ms. */
  constructor(
    message: string,
    options: SubprocessErrorOptions & { readonly timeout: number },
  ) {
    super(message, options);
    this.timeout = options.timeout;
  }
}

/**
 * Output went past `maxBuffer`; the child has been stopped.
 *
 * @example
 * ```ts
 * import { MaxBufferError, run } from "@subproc/subproc";
 * try {
 *   await run(["head", "-c", "4096", "/dev/zero"], { capture: "bytes", maxBuffer: 1024 });
 * } catch (error) {
 *   console.log(error instanceof MaxBufferError); // true
 * }
 * ```
 */
export class MaxBufferError extends SubprocessError {}

/**
 * Windows: the job the parent runs in does not allow breakaway
 * (`JOB_OBJECT_LIMIT_BREAKAWAY_OK` is not set), so
 * `windows.breakawayFromJob: true` failed with `ERROR_ACCESS_DENIED`. Use
 * `breakawayFromJob: "try"` to fall back to a normal start.
 *
 * @example
 * ```ts
 * import { BreakawayDeniedError } from "@subproc/subproc";
 * console.log(BreakawayDeniedError.name);
 * ```
 */
export class BreakawayDeniedError extends SubprocessError {}

/**
 * A pidfile names a process that is still running, so a second copy was not
 * started. `pid` is the running process.
 *
 * @example
 * ```ts
 * import { AlreadyRunningError } from "@subproc/subproc";
 * console.log(AlreadyRunningError.name);
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

/**
 * A pidfile (or another file subproc keeps state in) could have been written
 * by someone other than this process's user or root, so what it says is not
 * trusted and nothing was signalled, started or overwritten. Refused: a file
 * owned by another user, writable by every user, writable by a group that is
 * neither ours nor root's, a symbolic link, a file with several hard links,
 * and a file in a directory (or below one) that another user owns or may
 * write without the sticky bit. POSIX only: on Windows the file's ACL
 * decides who may write it. `cmd` is empty: the refusal is about a file.
 *
 * @example A world-writable pidfile is refused
 * ```ts
 * import { Pidfile, UntrustedFileError } from "@subproc/subproc";
 * import { chmodSync } from "node:fs";
 * import process from "node:process";
 * const file = new Pidfile(Deno.makeTempDirSync() + "/app.pid");
 * file.write(process.pid);
 * chmodSync(file.path, 0o666); // now any user could put any PID in it
 * try {
 *   file.read();
 * } catch (error) {
 *   if (!(error instanceof UntrustedFileError)) throw error;
 *   console.log(error.mode.toString(8), error.reason); // "666" "writable by every user, so anyone could have written it"
 * }
 * ```
 */
export class UntrustedFileError extends SubprocessError {
  /** The file that was to be read or written (a pidfile, its lock…). */
  readonly path: string;
  /** What broke the rule: `path` itself, a directory above it, or a
   * symbolic link on the way to it. */
  readonly culprit: string;
  /** The culprit's owner (uid). */
  readonly owner: number;
  /** The culprit's group (gid). */
  readonly group: number;
  /** The culprit's permission bits (sticky bit included), e.g. `0o666`. */
  readonly mode: number;
  /** Why it is refused, e.g. `"writable by every user, so anyone could
   * have written it"`. */
  readonly reason: string;

  /** Makes the error for `options.culprit`. */
  constructor(
    message: string,
    options:
      & SubprocessErrorOptions
      & Pick<
        UntrustedFileError,
        "path" | "culprit" | "owner" | "group" | "mode" | "reason"
      >,
  ) {
    super(message, options);
    this.path = options.path;
    this.culprit = options.culprit;
    this.owner = options.owner;
    this.group = options.group;
    this.mode = options.mode;
    this.reason = options.reason;
  }
}

/**
 * A child started with `ready` was not ready: its `reason` says whether the
 * time was up (`"timeout"`: the child and everything it started were
 * stopped) or it ended first (`"exited"`: rejected as soon as it ended;
 * what it left running was stopped). `status` is how it ended;
 * `lastLines` the last lines of its output (its log files, or the pipes a
 * `line` condition read). From `detach()`, no pidfile is left.
 *
 * @example A server that never listens
 * ```ts
 * import { NotReadyError, spawn } from "@subproc/subproc";
 * const child = spawn(["sleep", "30"], { ready: { port: 1, timeout: 300 } });
 * try {
 *   await child.ready;
 * } catch (error) {
 *   if (!(error instanceof NotReadyError)) throw error;
 *   console.log(error.reason, error.status?.signal); // "timeout" "SIGTERM"
 * }
 * ```
 */
export class NotReadyError extends SubprocessError {
  /** `"timeout"`: the time was up; `"exited"`: the child ended first. */
  readonly reason: "timeout" | "exited";
  /** The `ready.timeout` in milliseconds. */
  readonly timeout: number;
  /** Milliseconds from the start of the child until it was given up on. */
  readonly elapsedMs: number;
  /** The conditions that did not hold, described (e.g. `"a TCP connection
   * to 127.0.0.1:8080"`). */
  readonly unmet: readonly string[];
  /** The last lines (at most 10) of the child's output. */
  readonly lastLines: readonly string[];

  /** Makes the error for a child that was not ready. */
  constructor(
    message: string,
    options:
      & SubprocessErrorOptions
      & Pick<
        NotReadyError,
        "reason" | "timeout" | "elapsedMs" | "unmet" | "lastLines"
      >,
  ) {
    super(message, options);
    this.reason = options.reason;
    this.timeout = options.timeout;
    this.elapsedMs = options.elapsedMs;
    this.unmet = options.unmet;
    this.lastLines = options.lastLines;
  }
}
