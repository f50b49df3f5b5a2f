/**
 * The trust rule applied to a path: every directory from `/` down, and every
 * symbolic link followed on the way, resolved one component at a time as the
 * kernel does. Checking only the last directory would not do: the owner of
 * any directory above may swap what lies below it, and a link planted in a
 * sticky directory (where `fs.protected_symlinks` is off) may point a
 * trusted-looking path anywhere.
 *
 * @module
 */

import { lstatSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import {
  currentTrustee,
  directoryDistrust,
  linkDistrust,
  type StatLike,
  type Subject,
  type Trustee,
  untrusted,
} from "./rules.ts";

/** Links followed before giving up, as the kernel's `MAXSYMLINKS`. */
const MAX_LINKS = 40;

/** An error with a code, as `node:fs` throws them. */
function fsError(code: string, what: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${what}, '${path}'`), { code });
}

function check(
  subject: Subject,
  path: string,
  st: StatLike,
  why: string | null,
): void {
  if (why !== null) throw untrusted(subject, path, st, why);
}

/** Checks `dir` and everything on the way to it; see
 * {@linkcode assertTrustedDirectory}. */
function walk(dir: string, subject: Subject, us: Trustee): void {
  let current = "/";
  const root = lstatSync(current);
  check(subject, current, root, directoryDistrust(root, us));
  // Not path.resolve(): it drops "x/.." before knowing whether x is a link,
  // and the kernel would then open somewhere other than where we checked.
  const absolute = dir.startsWith("/") ? dir : `${process.cwd()}/${dir}`;
  const pending = absolute.split("/");
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === "" || name === ".") continue;
    // `current` is a real path: its parent was checked on the way down.
    if (name === "..") {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    const st = lstatSync(next);
    if (st.isSymbolicLink()) {
      check(subject, next, st, linkDistrust(st, us));
      if (++links > MAX_LINKS) {
        throw fsError("ELOOP", "too many symbolic links encountered", dir);
      }
      const target = readlinkSync(next);
      if (target.startsWith("/")) current = "/";
      pending.unshift(...target.split("/"));
      continue;
    }
    if (!st.isDirectory()) throw fsError("ENOTDIR", "not a directory", next);
    check(subject, next, st, directoryDistrust(st, us));
    current = next;
  }
}

/**
 * Throws unless nobody but this process's user and root could have changed
 * what `dir` holds: `/` and every directory down to `dir` (itself included)
 * is owned by us or root, and writable by nobody else unless sticky; every
 * symbolic link on the way is owned by us or root. Does nothing on Windows.
 *
 * @param dir The directory (relative to the working directory, or
 * absolute).
 * @param subject What the check is for, named by the error.
 * @throws {UntrustedFileError} A directory or link fails the rule.
 * @throws {Error} `ENOENT`, `ENOTDIR`, `EACCES`, `ELOOP` from the walk (an
 * error with `code`, as `node:fs` throws).
 */
export function assertTrustedDirectory(dir: string, subject: Subject): void {
  const us = currentTrustee();
  if (us !== null) walk(dir, subject, us);
}
