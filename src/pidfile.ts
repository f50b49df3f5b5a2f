/**
 * `Pidfile`: a file holding one PID, safe against PID reuse.
 *
 * @module
 */

import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe } from "./describe.ts";
import { os } from "./os/select.ts";
import { MAX_PID, validatePid } from "./safety.ts";

const PID_LINE = /^([1-9][0-9]{0,9})\n?$/;

/**
 * A pidfile: the PID and a newline, nothing else (so `kill $(cat f)` stays
 * safe).
 *
 * - `write()` is atomic (a temp file in the same directory, then a rename),
 *   never follows a symlink planted at the path (the rename replaces the link
 *   itself) and creates the file with mode 0644.
 * - `read()` returns the PID only when that process runs *and* started no
 *   later than the file was written; otherwise the PID was reused by another
 *   process (or the file is stale, empty, garbage or a symlink) and it
 *   returns `null`.
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

  /**
   * Names a pidfile; nothing is read or written yet.
   *
   * @param path Where the pidfile lives; its directory must exist when
   * writing.
   * @throws {TypeError} `path` is not a non-empty string without NUL bytes.
   */
  constructor(path: string) {
    if (typeof path !== "string" || path === "" || path.includes("\0")) {
      throw new TypeError(
        `Expected the pidfile \`path\` to be a non-empty path, got ${
          describe(path)
        }`,
      );
    }
    this.path = path;
  }

  /**
   * Writes `pid` atomically.
   *
   * @throws {RangeError} `pid` is not a positive integer.
   * @throws {Error} The directory is missing or not writable (the error of
   * the file system, naming the path).
   */
  write(pid: number): void {
    const text = `${validatePid("pid", pid)}\n`;
    const temp = join(
      dirname(this.path),
      `.${basename(this.path)}.${crypto.randomUUID()}.tmp`,
    );
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temp, this.path);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // the rename failure below is what matters
      }
      throw error;
    }
  }

  /** The PID as written, or `null` when the file is missing, a symlink,
   * empty or not a PID. Does not check the process. */
  readRaw(): number | null {
    try {
      if (!lstatSync(this.path).isFile()) return null;
      const match = PID_LINE.exec(readFileSync(this.path, "utf8"));
      const pid = match ? Number(match[1]) : 0;
      return pid > 0 && pid <= MAX_PID ? pid : null;
    } catch {
      return null;
    }
  }

  /** The PID if the file names a running process that started no later
   * than the file was written; else `null`. */
  read(): number | null {
    const pid = this.readRaw();
    if (pid === null) return null;
    const row = os.info(pid);
    if (row === null || row.zombie) return null;
    const started = os.startTimeMs(pid);
    let written: number;
    try {
      written = lstatSync(this.path).mtimeMs;
    } catch {
      return null;
    }
    if (started === null) return null;
    return started <= written + os.startTimeResolutionMs ? pid : null;
  }

  /** Deletes the file; a missing file is fine. */
  remove(): void {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
    }
  }
}
