/**
 * `Pidfile`: a file holding one PID, safe against PID reuse.
 *
 * @module
 */

import { unlinkSync } from "node:fs";
import { os } from "./os/select.ts";
import { MAX_PID, validatePid } from "./safety.ts";
import { readTrustedFile, writeTrustedFile } from "./trust/file.ts";
import { validatePathText } from "./validate/text.ts";
import type { Subject } from "./trust/rules.ts";

const PID_LINE = /^([1-9][0-9]{0,9})\n?$/;

/** More than any PID line: a longer file is garbage anyway. */
const MAX_PIDFILE_BYTES = 32;

/**
 * A pidfile: the PID and a newline, nothing else (so `kill $(cat f)` stays
 * safe).
 *
 * - `write()` is atomic (a temp file in the same directory, then a rename),
 *   never follows a symlink planted at the path (the rename replaces the link
 *   itself) and creates the file with mode 0644, owned by us.
 * - `read()` returns the PID only when that process runs *and* started no
 *   later than the file was written; otherwise the PID was reused by another
 *   process (or the file is stale, empty or garbage) and it returns `null`.
 * - Both refuse, with an `UntrustedFileError`, a pidfile that someone other
 *   than this process's user or root could have written (POSIX): one they
 *   own, one every user (or a foreign group) may write, a symlink, a file
 *   with several hard links, one in a directory another user owns or may
 *   write without the sticky bit (`/tmp` is fine), or below one. Otherwise
 *   `subproc stop` run by root would signal whatever PID they put there.
 *
 * @example Write, read back, remove
 * ```ts
 * import { Pidfile } from "@subproc/subproc";
 * import process from "node:process";
 * const file = new Pidfile(Deno.makeTempDirSync() + "/app.pid");
 * file.write(process.pid);
 * console.log(file.read() === process.pid); // true
 * file.remove();
 * console.log(file.read()); // null
 * ```
 */
export class Pidfile {
  /** The file's path. */
  readonly path: string;
  /** What the trust checks call this file. */
  readonly #subject: Subject;

  /**
   * Names a pidfile; nothing is read or written yet.
   *
   * @param path Where the pidfile lives; its directory must exist when
   * writing.
   * @throws {TypeError} `path` is not a non-empty string without NUL bytes,
   * or holds a lone surrogate (which has no UTF-8 encoding).
   */
  constructor(path: string) {
    this.path = validatePathText("the pidfile `path`", path);
    this.#subject = { what: "pidfile", path };
  }

  /**
   * Writes `pid` atomically, as a file of ours with mode 0644.
   *
   * @throws {RangeError} `pid` is not a positive integer.
   * @throws {UntrustedFileError} Someone else could replace the file in its
   * directory (see the class).
   * @throws {Error} The directory is missing or not writable (the error of
   * the file system, naming the path).
   */
  write(pid: number): void {
    writeTrustedFile(this.#subject, `${validatePid("pid", pid)}\n`);
  }

  /** The PID as written and when the file was written, or `null`. */
  #load(): { pid: number; written: number } | null {
    const file = readTrustedFile(this.#subject, MAX_PIDFILE_BYTES);
    if (file === null) return null;
    const match = PID_LINE.exec(file.text);
    const pid = match ? Number(match[1]) : 0;
    if (pid <= 0 || pid > MAX_PID) return null;
    return { pid, written: file.stat.mtimeMs };
  }

  /**
   * The PID as written, or `null` when the file is missing, empty or not a
   * PID. Does not check the process.
   *
   * @throws {UntrustedFileError} Someone else could have written the file.
   */
  readRaw(): number | null {
    return this.#load()?.pid ?? null;
  }

  /**
   * The PID if the file names a running process that started no later than
   * the file was written; else `null`.
   *
   * @throws {UntrustedFileError} Someone else could have written the file:
   * its PID is not looked at.
   */
  read(): number | null {
    const file = this.#load();
    if (file === null) return null;
    const row = os.info(file.pid);
    if (row === null || row.zombie) return null;
    const started = os.startTimeMs(file.pid);
    if (started === null) return null;
    return started <= file.written + os.startTimeResolutionMs ? file.pid : null;
  }

  /** Deletes the file (never what a symlink there points to); a missing
   * file is fine. */
  remove(): void {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
}
