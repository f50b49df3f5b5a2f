/**
 * A lock beside a pidfile (`PATH.lock`), held from "is it running?" to "the
 * pidfile is written", so that two starts racing on one pidfile can't both
 * start: the second waits, then finds the first running.
 *
 * The lock file is created with O_EXCL (so never through a symlink) and
 * holds its owner's PID. A lock whose owner no longer runs (it crashed) is
 * stale and taken over. The lock obeys the pidfile's trust rule: its
 * directory is checked before the lock is made, and a lock someone else
 * could have written (a symlink, another user's file…) is refused with an
 * `UntrustedFileError`, neither read through, waited for nor removed — or a
 * planted lock could make us delete or read anything, or name any PID.
 *
 * @module
 */

import { closeSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";
import { os } from "./os/select.ts";
import { readTrustedFile } from "./trust/file.ts";
import type { Subject } from "./trust/rules.ts";
import { assertTrustedDirectory } from "./trust/walk.ts";
import { sleep } from "./wait.ts";

/** How long a start waits for another to release the lock. */
const LOCK_WAIT_MS = 10_000;
/** More than any PID line. */
const MAX_LOCK_BYTES = 32;

function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, "wx", 0o644);
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** `true` when the lock's owner is gone (a lock still being written, with
 * no PID yet, is not stale).
 *
 * @throws {UntrustedFileError} Someone else could have written the lock. */
function isStale(lock: Subject): boolean {
  const file = readTrustedFile(lock, MAX_LOCK_BYTES);
  if (file === null) return false; // just released: try again
  const owner = Number.parseInt(file.text, 10);
  if (!Number.isSafeInteger(owner) || owner <= 0) return false;
  const row = os.info(owner);
  return row === null || row.zombie;
}

/**
 * Runs `fn` holding the lock of pidfile `path`.
 *
 * @throws {UntrustedFileError} The pidfile's directory, or a lock found
 * there, fails the trust rule (nothing is locked then).
 */
export async function withPidfileLock<T>(
  path: string,
  fn: () => Promise<T>,
): Promise<T> {
  // The pidfile's directory: named as the pidfile's problem, which it is.
  assertTrustedDirectory(dirname(path), { what: "pidfile", path });
  const lock = `${path}.lock`;
  const subject: Subject = { what: "pidfile lock", path: lock };
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryCreate(lock)) {
    if (isStale(subject)) {
      try {
        unlinkSync(lock);
      } catch {
        // another waiter took it over first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Cannot lock the pidfile ${
          JSON.stringify(path)
        }: ${lock} has been held by another start for ${LOCK_WAIT_MS} ms`,
      );
    }
    await sleep(10);
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // removed by hand: nothing to release
    }
  }
}
