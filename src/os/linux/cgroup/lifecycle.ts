/**
 * A contained child's cgroup from birth to removal: whether one can be made
 * here, making it, removing it, and removing those a process that was
 * killed left behind.
 *
 * A directory is named `subproc.OWNER.START.N` after the process that made
 * it (its PID and start stamp): a later process removes empty ones whose
 * owner is gone (`removeStaleCgroups`), so a parent that was
 * SIGKILLed leaves at most empty directories, and only until the next one.
 *
 * @module
 */

import { host } from "../../../runtime/host.ts";
import type { CgroupSupport } from "../../types.ts";
import { procIsOurs } from "../proc_namespace.ts";
import { parseStat } from "../proc_stat.ts";
import { isPopulated } from "./controls.ts";
import { codeOf, join, readOrEmpty, subdirectories } from "./files.ts";
import { cgroup2Mount, ownCgroupDirectory } from "./mount.ts";
import { spawnInside } from "./spawn_inside.ts";

let support: CgroupSupport | undefined;
let moveTried = false;

/**
 * Whether children can be given a cgroup here: a cgroup2 mount, and our own
 * cgroup under it. Asked once. Whether we may write there, and whether the
 * kernel has `cgroup.kill`, is learnt when the first directory is made
 * ({@linkcode createCgroup}): permission checks can't tell (root may write
 * to a directory of mode 0555; a delegated cgroup belongs to a user), and
 * the root cgroup has no `cgroup.kill` of its own.
 */
export function cgroupSupport(): CgroupSupport {
  if (support !== undefined) return support;
  const own = ownCgroupDirectory();
  if (!own.ok) return support = own;
  support = { ok: true, parent: own.parent };
  removeStaleCgroups(own.parent);
  return support;
}

/** Remembers why cgroups failed, so that `"auto"` stops trying. */
function unsupported(reason: string): CgroupSupport {
  return support = { ok: false, reason };
}

const NAME = /^subproc\.(\d+)\.(\d+)\.\d+$/;
let ownStamp: string | undefined;
let sequence = 0;

/** Our PID and start stamp as `/proc/self/stat` has them (fields 1 and
 * 22), for the names of the directories we make. Taken from `/proc` rather
 * than the runtime, so that `removeStaleCgroups` compares like
 * with like even where `/proc` shows another PID namespace. */
function ownerStamp(): string {
  if (ownStamp !== undefined) return ownStamp;
  const own = parseStat(readOrEmpty("/proc/self/stat"));
  return ownStamp = `${own?.pid ?? ""}.${own?.startKey ?? 0}`;
}

/**
 * Makes a new, empty cgroup for one child under `parent`, owned by us and
 * writable by nobody else (mode 0755).
 *
 * @returns The directory, or why it can't be made.
 */
export function createCgroup(parent: string): CgroupSupport {
  let dir: string;
  while (true) {
    dir = join(parent, `subproc.${ownerStamp()}.${sequence++}`);
    try {
      host.makeDirectory(dir, 0o755);
      break;
    } catch (error) {
      // Left by an earlier process with our PID and start stamp (another
      // PID namespace): take the next number.
      if (codeOf(error) === "EEXIST") continue;
      return unsupported(
        `cannot make a cgroup in ${parent} (${codeOf(error)}: not writable)`,
      );
    }
  }
  if (host.fileKind(join(dir, "cgroup.kill")) === null) {
    removeCgroup(dir);
    return unsupported(
      "this kernel has no cgroup.kill (Linux 5.14 or newer is needed)",
    );
  }
  if (!moveTried) {
    // Whether we may move processes there, learnt once by doing it.
    moveTried = true;
    try {
      spawnInside(dir, () => {});
    } catch (error) {
      removeCgroup(dir);
      return unsupported(
        `this process can't move processes into ${dir} (${codeOf(error)})`,
      );
    }
  }
  return { ok: true, parent: dir };
}

/**
 * Removes `dir` and the cgroups below it (made by processes inside it),
 * deepest first. Returns `false` when something in it still runs (`EBUSY`).
 */
export function removeCgroup(dir: string): boolean {
  for (const sub of subdirectories(dir)) {
    if (!removeCgroup(sub)) return false;
  }
  try {
    host.removeDirectory(dir);
    return true;
  } catch (error) {
    return codeOf(error) === "ENOENT";
  }
}

/** `true` when process `pid` runs with start stamp `start`. */
function ownerRuns(pid: string, start: string): boolean {
  const owner = parseStat(readOrEmpty(`/proc/${pid}/stat`));
  return owner !== null && !owner.zombie && String(owner.startKey) === start;
}

/**
 * Removes `dir` if it is a `subproc.*` cgroup of our user, empty, whose
 * maker is gone (it exited, or was killed before it could remove it). A
 * directory something still runs in is left alone: a detached daemon's.
 */
export function removeIfStale(dir: string): void {
  // Whose directory is stale can only be told from our own /proc.
  if (!procIsOurs()) return;
  const match = NAME.exec(dir.slice(dir.lastIndexOf("/") + 1));
  if (match === null || ownerRuns(match[1]!, match[2]!)) return;
  try {
    if (host.ownerOf(dir) !== host.uid() || isPopulated(dir)) return;
  } catch {
    return;
  }
  removeCgroup(dir);
}

/** {@linkcode removeIfStale} for every cgroup under `parent`. */
function removeStaleCgroups(parent: string): void {
  let names: string[];
  try {
    names = host.readDirNames(parent);
  } catch {
    return;
  }
  for (const name of names) removeIfStale(join(parent, name));
}

/** `true` when `dir` looks like a cgroup we make: `subproc.*` under a
 * cgroup2 mount. Checked before acting on a path read back from a file. */
export function isSubprocCgroup(dir: string): boolean {
  const mount = cgroup2Mount();
  if (mount === null || !dir.startsWith(`${mount.point}/`)) return false;
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  return NAME.test(name) && !dir.includes("/../") && !dir.includes("/./");
}
