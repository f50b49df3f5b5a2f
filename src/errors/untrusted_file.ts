/**
 * The error of a file that someone else could have written.
 *
 * @module
 */

import {
  SubprocessError,
  type SubprocessErrorOptions,
} from "./subprocess_error.ts";

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
  declare readonly path: string;
  /** What broke the rule: `path` itself, a directory above it, or a
   * symbolic link on the way to it. */
  declare readonly culprit: string;
  /** The culprit's owner (uid). */
  declare readonly owner: number;
  /** The culprit's group (gid). */
  declare readonly group: number;
  /** The culprit's permission bits (sticky bit included), e.g. `0o666`. */
  declare readonly mode: number;
  /** Why it is refused, e.g. `"writable by every user, so anyone could
   * have written it"`. */
  declare readonly reason: string;

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
    const { path, culprit, owner, group, mode, reason } = options;
    Object.assign(this, { path, culprit, owner, group, mode, reason });
  }
}
