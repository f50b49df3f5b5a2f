/**
 * Reading and writing a small file that only we (or root) could have
 * written: a pidfile, its lock, a record kept for `status` and `stop`.
 *
 * @module
 */

import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  currentTrustee,
  fileDistrust,
  type Subject,
  untrusted,
} from "./rules.ts";
import { assertTrustedDirectory } from "./walk.ts";

/** Never follow a link at the path (ELOOP instead); never block opening a
 * FIFO planted there. Windows has neither flag. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0);

/** Mode of the files we write, whatever the umask. */
const FILE_MODE = 0o644;

/** A file read by {@linkcode readTrustedFile}. */
interface TrustedFile {
  /** Its first bytes, as UTF-8. */
  readonly text: string;
  /** Its `fstat`, from the descriptor that was read. */
  readonly stat: Stats;
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

function readUpTo(fd: number, maxBytes: number): string {
  const buffer = new Uint8Array(maxBytes);
  let length = 0;
  while (length < maxBytes) {
    const n = readSync(fd, buffer, length, maxBytes - length, null);
    if (n === 0) break;
    length += n;
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

function open(subject: Subject): number | null {
  try {
    return openSync(subject.path, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "ELOOP") {
      const st = lstatSync(subject.path);
      if (st.isSymbolicLink()) {
        const why = "a symbolic link, which is never followed";
        throw untrusted(subject, subject.path, st, why);
      }
    }
    throw error;
  }
}

/**
 * Reads the first `maxBytes` of `subject.path` if nobody but this process's
 * user and root could have written it (see `rules.ts`), checked on the
 * descriptor that is read, so it can't be swapped in between. On Windows
 * only "a regular file" is checked.
 *
 * @param subject The file, and what it is (for messages).
 * @param maxBytes How much to read at most.
 * @returns The text and the `fstat`, or `null` when the file (or a
 * directory on the way) does not exist.
 * @throws {UntrustedFileError} The file, a directory above it or a link on
 * the way fails the rule.
 * @throws {Error} Another file-system error (`EACCES`…).
 */
export function readTrustedFile(
  subject: Subject,
  maxBytes: number,
): TrustedFile | null {
  try {
    assertTrustedDirectory(dirname(subject.path), subject);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
  const fd = open(subject);
  if (fd === null) return null;
  try {
    const stat = fstatSync(fd);
    const us = currentTrustee();
    const why = us === null
      ? (stat.isFile() ? null : "not a regular file")
      : fileDistrust(stat, us);
    if (why !== null) throw untrusted(subject, subject.path, stat, why);
    return { text: readUpTo(fd, maxBytes), stat };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `subject.path` atomically, as a new file of ours with
 * mode 0644: a temp file in the same directory (created exclusively, so
 * never through a link), then a rename, which replaces whatever was at the
 * path (a link included) without following it. Refuses a directory that
 * fails the rule: someone else could replace the file once written.
 *
 * @param subject The file, and what it is (for messages).
 * @param text The whole content.
 * @throws {UntrustedFileError} The directory or a link on the way to it
 * fails the rule.
 * @throws {Error} The directory is missing or not writable (the error of
 * the file system, naming the path).
 */
export function writeTrustedFile(subject: Subject, text: string): void {
  const { path } = subject;
  assertTrustedDirectory(dirname(path), subject);
  const temp = join(
    dirname(path),
    `.${basename(path)}.${crypto.randomUUID()}.tmp`,
  );
  const fd = openSync(temp, "wx", FILE_MODE);
  try {
    try {
      if (currentTrustee() !== null) fchmodSync(fd, FILE_MODE);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never written: the first error is what matters
    }
    throw error;
  }
}
