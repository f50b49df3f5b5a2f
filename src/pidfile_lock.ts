/**
 * A lock beside a pidfile (`PATH.lock`), held from "is it running?" to "the
 * pidfile is written", so that two starts racing on one pidfile can't both
 * start: the second waits, then finds the first running.
 *
 * The lock file is created with O_EXCL and holds its owner's PID. A lock
 * whose owner no longer runs (it crashed) is stale and taken over.
 *
 * @module
 */

import {
  closeSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import process from "node:process";
import { os } from "./os/select.ts";
import { sleep } from "./wait.ts";

/** How long a start waits for another to release the lock. */
const LOCK_WAIT_MS = 10_000;

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
 * no PID yet, is not stale). */
function isStale(lock: string): boolean {
  let owner: number;
  try {
    owner = Number.parseInt(readFileSync(lock, "utf8"), 10);
  } catch {
    return false; // just released: try again
  }
  if (!Number.isSafeInteger(owner) || owner <= 0) return false;
  const row = os.info(owner);
  return row === null || row.zombie;
}

/** Runs `fn` holding the lock of pidfile `path`. */
export async function withPidfileLock<T>(
  path: string,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryCreate(lock)) {
    if (isStale(lock)) {
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
