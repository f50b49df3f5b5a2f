/**
 * The trust rule: a file or directory is trusted only when nobody but this
 * process's user and root could have written it. Debian's start-stop-daemon
 * refuses a pidfile the same way ("matching on world-writable pidfile … is
 * insecure"), and OpenSSH's StrictModes checks every directory above a key
 * file the same way. These functions look at one `stat` each; `walk.ts`
 * applies them to a path, `file.ts` to reading and writing a file.
 *
 * @module
 */

import type { Stats } from "node:fs";
import process from "node:process";
import { UntrustedFileError } from "../errors.ts";
import { isWindows } from "../runtime/platform.ts";
import { groupName, userName } from "./names.ts";

/** Whom files may belong to besides root: this process's effective user
 * and group, which the kernel uses when it checks our file access. */
export interface Trustee {
  readonly uid: number;
  readonly gid: number;
}

/** What a check is for: a label for messages ("pidfile", "pidfile lock",
 * "unit record"…) and the file that is to be read or written. */
export interface Subject {
  readonly what: string;
  readonly path: string;
}

/** The fields of a `stat` the rule looks at. */
export type StatLike = Pick<
  Stats,
  | "uid"
  | "gid"
  | "mode"
  | "nlink"
  | "isFile"
  | "isDirectory"
  | "isSymbolicLink"
  | "isFIFO"
  | "isSocket"
  | "isBlockDevice"
  | "isCharacterDevice"
>;

const OTHERS_WRITE = 0o002;
const GROUP_WRITE = 0o020;
const STICKY = 0o1000;

/**
 * This process as the rule sees it, or `null` on Windows, where files have
 * no POSIX owner and mode (their ACL decides who may write them, and
 * subproc doesn't read ACLs): there the rule checks nothing.
 */
export function currentTrustee(): Trustee | null {
  if (isWindows) return null;
  return { uid: process.geteuid!(), gid: process.getegid!() };
}

function foreignUser(uid: number, us: Trustee): boolean {
  return uid !== 0 && uid !== us.uid;
}

function foreignGroup(gid: number, us: Trustee): boolean {
  return gid !== 0 && gid !== us.gid;
}

/** Who besides the owner may write it and how to call them, or `null`.
 * Our supplementary groups don't count as ours: other users may belong to
 * them. */
function otherWriters(
  st: StatLike,
  us: Trustee,
): { readonly writers: string; readonly they: string } | null {
  if (st.mode & OTHERS_WRITE) return { writers: "every user,", they: "anyone" };
  if (st.mode & GROUP_WRITE && foreignGroup(st.gid, us)) {
    return {
      writers: `the group ${groupName(st.gid)}, neither root's nor ours,`,
      they: "any of its members",
    };
  }
  return null;
}

function kind(st: StatLike): string {
  if (st.isDirectory()) return "a directory";
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "a device";
  return "something other than a file";
}

/**
 * Why a file with this `stat` (from `lstat` or of an open descriptor) could
 * have been written by someone else, or `null` when it is trusted: a
 * regular file, one name only, owned by us or root, writable by neither
 * every user nor a group other than ours or root's.
 *
 * @param st The file's `lstat`, or the `fstat` of a descriptor opened
 * without following links.
 * @param us Whom to trust besides root.
 * @returns Why not, worded to follow "it is", or `null`.
 */
export function fileDistrust(st: StatLike, us: Trustee): string | null {
  if (st.isSymbolicLink()) return "a symbolic link, which is never followed";
  if (!st.isFile()) return `${kind(st)}, not a regular file`;
  if (foreignUser(st.uid, us)) {
    return `owned by ${
      userName(st.uid)
    }, who could have written anything in it`;
  }
  const others = otherWriters(st, us);
  if (others !== null) {
    return `writable by ${others.writers} so ${others.they} could have written it`;
  }
  // Without fs.protected_hardlinks anyone may link root's file here.
  return st.nlink > 1
    ? `a file with ${st.nlink} hard links, so it may be another file linked to this name`
    : null;
}

/**
 * Why a directory with this `stat` lets someone else replace the files in
 * it, or `null`: its owner may, and so may every user (or a foreign group)
 * allowed to write it unless the sticky bit is set (as on `/tmp`), which
 * lets each remove only their own files.
 *
 * @param st The directory's `lstat`.
 * @param us Whom to trust besides root.
 * @returns Why not, worded to follow "it is", or `null`.
 */
export function directoryDistrust(st: StatLike, us: Trustee): string | null {
  if (!st.isDirectory()) return `${kind(st)}, not a directory`;
  if (foreignUser(st.uid, us)) {
    return `a directory owned by ${
      userName(st.uid)
    }, who could have replaced any file in it`;
  }
  const others = otherWriters(st, us);
  return others !== null && !(st.mode & STICKY)
    ? `a directory without the sticky bit, writable by ${others.writers} so ${others.they} could have replaced the files in it`
    : null;
}

/**
 * Why a symbolic link with this `stat` may not be followed, or `null`: one
 * another user made (in a sticky directory such as `/tmp`) could point a
 * trusted path anywhere. Its own mode means nothing.
 *
 * @param st The link's `lstat`.
 * @param us Whom to trust besides root.
 * @returns Why not, worded to follow "it is", or `null`.
 */
export function linkDistrust(st: StatLike, us: Trustee): string | null {
  return foreignUser(st.uid, us)
    ? `a symbolic link owned by ${
      userName(st.uid)
    }, who could have pointed it anywhere`
    : null;
}

/** The mode bits as `ls -l` people write them: `0644`, `1777`. */
function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/**
 * The error refusing `subject` because `culprit` (the file itself, a
 * directory above it or a link on the way), whose `stat` is `st`, is
 * `reason`.
 */
export function untrusted(
  subject: Subject,
  culprit: string,
  st: StatLike,
  reason: string,
): UntrustedFileError {
  const who = culprit === subject.path ? "it" : JSON.stringify(culprit);
  return new UntrustedFileError(
    `Refusing the ${subject.what} ${
      JSON.stringify(subject.path)
    }: ${who} is ${reason} (owner ${userName(st.uid)}, group ${
      groupName(st.gid)
    }, mode ${octal(st.mode)})`,
    {
      cmd: [],
      path: subject.path,
      culprit,
      owner: st.uid,
      group: st.gid,
      mode: st.mode & 0o7777,
      reason,
    },
  );
}
