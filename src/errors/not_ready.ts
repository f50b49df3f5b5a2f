/**
 * The error of a child that was not ready in time, or ended first.
 *
 * @module
 */

import {
  SubprocessError,
  type SubprocessErrorOptions,
} from "./subprocess_error.ts";

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
  declare readonly reason: "timeout" | "exited";
  /** The `ready.timeout` in milliseconds. */
  declare readonly timeout: number;
  /** Milliseconds from the start of the child until it was given up on. */
  declare readonly elapsedMs: number;
  /** The conditions that did not hold, described (e.g. `"a TCP connection
   * to 127.0.0.1:8080"`). */
  declare readonly unmet: readonly string[];
  /** The last lines (at most 10) of the child's output. */
  declare readonly lastLines: readonly string[];

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
    const { reason, timeout, elapsedMs, unmet, lastLines } = options;
    Object.assign(this, { reason, timeout, elapsedMs, unmet, lastLines });
  }
}
