/**
 * The base of every error about a child process, and the fields each may
 * carry.
 *
 * @module
 */

import type { ExitStatus } from "../types.ts";

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
