/**
 * Linux cgroup v2: the kernel's own record of "everything a process
 * started", which no fork, `setsid` or exit of a parent escapes.
 *
 * One directory per contained child, made under this process's own cgroup
 * (the `0::` line of `/proc/self/cgroup`, below the `cgroup2` mount found in
 * `/proc/self/mountinfo`: `/sys/fs/cgroup` on most systems,
 * `/sys/fs/cgroup/unified` on hybrid ones). The child is born in it (see
 * {@linkcode spawnInside}); stopping it freezes the
 * directory (`cgroup.freeze`), signals every member, thaws it, and ends the
 * rest with `cgroup.kill` (Linux ≥ 5.14); `cgroup.events` says when it is
 * empty (`populated 0`, zombies excluded).
 *
 * A directory is named `subproc.OWNER.START.N` after the process that made
 * it (its PID and start stamp): a later process removes empty ones whose
 * owner is gone ({@linkcode removeStaleCgroups}), so a parent that was
 * SIGKILLed leaves at most empty directories, and only until the next one.
 *
 * @module
 */

import { host } from "../../runtime/host.ts";
import type { Cgroups, CgroupSupport } from "../types.ts";
import { procIsOurs } from "./proc_namespace.ts";

/** `dir/name`: paths here are absolute, made of names we read or chose. */
function join(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** One line of `/proc/self/mountinfo`: the mount point and root of a
 * `cgroup2` mount, or `null`. Fields: `ID PARENT MAJ:MIN ROOT POINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPER`. */
export function parseCgroup2Mount(
  mountinfo: string,
): { root: string; point: string } | null {
  for (const line of mountinfo.split("\n")) {
    const dash = line.indexOf(" - ");
    if (dash < 0 || !line.slice(dash + 3).startsWith("cgroup2 ")) continue;
    const fields = line.slice(0, dash).split(" ");
    const root = fields[3];
    const point = fields[4];
    if (root !== undefined && point !== undefined) {
      return { root: unescapeMount(root), point: unescapeMount(point) };
    }
  }
  return null;
}

/** mountinfo escapes space, tab, newline and backslash as `\ooo`. */
function unescapeMount(text: string): string {
  return text.replace(
    /\\([0-7]{3})/g,
    (_, octal: string) => String.fromCharCode(parseInt(octal, 8)),
  );
}

/** The cgroup v2 path of this process (the `0::` line), or `null`. */
export function parseOwnCgroup(procSelfCgroup: string): string | null {
  for (const line of procSelfCgroup.split("\n")) {
    if (line.startsWith("0::")) return line.slice(3).trimEnd();
  }
  return null;
}

/** The directory of cgroup `path` under a mount of `root` at `point`, or
 * `null` when the mount doesn't show it. */
export function cgroupDirectory(
  mount: { root: string; point: string },
  path: string,
): string | null {
  const root = mount.root === "/" ? "" : mount.root;
  if (root !== "" && path !== root && !path.startsWith(`${root}/`)) {
    return null;
  }
  const rest = path.slice(root.length);
  // `rest` starts with "/" (the path under the mount's root).
  return rest === "/" || rest === "" ? mount.point : `${mount.point}${rest}`;
}

function readOrEmpty(path: string): string {
  try {
    return host.readTextFile(path);
  } catch {
    return "";
  }
}

/** This process's own cgroup directory, or why there is none. */
function ownCgroupDirectory(): CgroupSupport {
  const mount = parseCgroup2Mount(readOrEmpty("/proc/self/mountinfo"));
  if (mount === null) {
    return {
      ok: false,
      reason: "no cgroup2 file system is mounted (/proc/self/mountinfo)",
    };
  }
  const path = parseOwnCgroup(readOrEmpty("/proc/self/cgroup"));
  if (path === null) {
    return {
      ok: false,
      reason:
        "this process is in no cgroup v2 hierarchy (no 0:: line in /proc/self/cgroup)",
    };
  }
  const dir = cgroupDirectory(mount, path);
  if (dir === null) {
    return {
      ok: false,
      reason:
        `this process's cgroup ${path} is not visible under the cgroup2 mount at ${mount.point}`,
    };
  }
  return { ok: true, parent: dir };
}

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

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

const NAME = /^subproc\.(\d+)\.(\d+)\.\d+$/;
let ownStamp: string | undefined;
let sequence = 0;

/** Our PID and start stamp as `/proc/self/stat` has them (fields 1 and
 * 22), for the names of the directories we make. Taken from `/proc` rather
 * than the runtime, so that {@linkcode removeStaleCgroups} compares like
 * with like even where `/proc` shows another PID namespace. */
function ownerStamp(): string {
  if (ownStamp !== undefined) return ownStamp;
  const stat = readOrEmpty("/proc/self/stat");
  const pid = stat.slice(0, stat.indexOf(" "));
  const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "0";
  return ownStamp = `${pid}.${start}`;
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
 * Runs `spawn` with this process inside cgroup `dir`, so that the child it
 * creates is born there: nothing it runs, not even its first instruction,
 * is outside. This process moves back to where it was right after (with
 * all its threads; about 0.1 ms each way here). Moving ourselves rather
 * than the child keeps the child's environment, arguments and PID exactly
 * as given: a join prefix (`sh -c 'echo 0 > …/cgroup.procs; exec "$@"'`)
 * measured 0.5 ms more per spawn, and `/bin/sh` rewrites the environment it
 * passes on (dash drops variables whose names are not identifiers, resets
 * `IFS` and `OPTIND`, sets `PWD`). The cost: a process that another thread
 * of ours (a Worker) creates in that same instant is born in `dir` too.
 *
 * @throws {Error} This process can't move into `dir` (the caller reports
 * why).
 */
export function spawnInside<T>(dir: string, spawn: () => T): T {
  const home = ownCgroupDirectory();
  if (!home.ok) throw new Error(home.reason);
  host.writeTextFile(join(dir, "cgroup.procs"), "0");
  try {
    return spawn();
  } finally {
    host.writeTextFile(join(home.parent, "cgroup.procs"), "0");
  }
}

/** The cgroup directory process `pid` is in, or `null` when unknown. */
export function cgroupOf(pid: number): string | null {
  const mount = parseCgroup2Mount(readOrEmpty("/proc/self/mountinfo"));
  const path = parseOwnCgroup(readOrEmpty(`/proc/${pid}/cgroup`));
  if (mount === null || path === null || !procIsOurs()) return null;
  return cgroupDirectory(mount, path);
}

function events(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of readOrEmpty(join(dir, "cgroup.events")).split("\n")) {
    const [key, value] = line.split(" ");
    if (key && value !== undefined) found.set(key, value);
  }
  return found;
}

/** `true` while any live process is in `dir` or below it (zombies don't
 * count; a removed directory is empty). */
export function isPopulated(dir: string): boolean {
  return events(dir).get("populated") === "1";
}

/** `true` once every process in `dir` and below it is frozen. */
export function isFrozen(dir: string): boolean {
  return events(dir).get("frozen") === "1";
}

/** Freezes (`true`) or thaws (`false`) `dir` and everything below it. A
 * frozen process can't run, so it can't fork; a signal waits until it is
 * thawed, except SIGKILL. */
export function setFrozen(dir: string, frozen: boolean): void {
  writeControl(dir, "cgroup.freeze", frozen ? "1" : "0");
}

/** SIGKILLs every process in `dir` and below it, at once (`cgroup.kill`):
 * processes forking meanwhile are killed too. */
export function killCgroup(dir: string): void {
  writeControl(dir, "cgroup.kill", "1");
}

function writeControl(dir: string, file: string, value: string): void {
  try {
    host.writeTextFile(join(dir, file), value);
  } catch (error) {
    // Removed already: it was empty, so there is nothing to freeze or kill.
    if (codeOf(error) !== "ENOENT") throw error;
  }
}

/** The PIDs in `dir` and every cgroup below it (as this process's PID
 * namespace numbers them). */
export function cgroupMembers(dir: string): number[] {
  const pids: number[] = [];
  for (const line of readOrEmpty(join(dir, "cgroup.procs")).split("\n")) {
    if (line !== "") pids.push(Number(line));
  }
  for (const sub of subdirectories(dir)) pids.push(...cgroupMembers(sub));
  return pids;
}

function subdirectories(dir: string): string[] {
  try {
    return host.subdirectories(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
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
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] === start && fields[0] !== "Z";
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
export function removeStaleCgroups(parent: string): void {
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
  const mount = parseCgroup2Mount(readOrEmpty("/proc/self/mountinfo"));
  if (mount === null || !dir.startsWith(`${mount.point}/`)) return false;
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  return NAME.test(name) && !dir.includes("/../") && !dir.includes("/./");
}

/** The Linux cgroup v2 driver. */
export const linuxCgroups: Cgroups = {
  support: cgroupSupport,
  create: createCgroup,
  spawnInside,
  isPopulated,
  isFrozen,
  setFrozen,
  kill: killCgroup,
  members: cgroupMembers,
  remove: removeCgroup,
  removeIfStale,
  isOurs: isSubprocCgroup,
  of: cgroupOf,
};
