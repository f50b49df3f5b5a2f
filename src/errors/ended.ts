/**
 * Errors of a child that ran and ended badly: a non-zero exit, a timeout,
 * too much output.
 *
 * @module
 */

import {
  SubprocessError,
  type SubprocessErrorOptions,
} from "./subprocess_error.ts";

/**
 * The child did not exit with code 0 and `check: true` was given.
 *
 * @example Read the exit code of a failed command
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
 * @example A command that outlives its timeout
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
 * @example More output than asked for
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
