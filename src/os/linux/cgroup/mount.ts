/**
 * Where cgroups are: the `cgroup2` mount (from `/proc/self/mountinfo`:
 * `/sys/fs/cgroup` on most systems, `/sys/fs/cgroup/unified` on hybrid
 * ones — never assumed), and a process's cgroup under it (the `0::` line of
 * `/proc/PID/cgroup`).
 *
 * @module
 */

import type { CgroupSupport } from "../../types.ts";
import { procIsOurs } from "../proc_namespace.ts";
import { readOrEmpty } from "./files.ts";

/** A `cgroup2` mount: the hierarchy's `root` path, seen at `point`. */
export interface Cgroup2Mount {
  readonly root: string;
  readonly point: string;
}

/** One line of `/proc/self/mountinfo`: the mount point and root of a
 * `cgroup2` mount, or `null`. Fields: `ID PARENT MAJ:MIN ROOT POINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPER`. */
export function parseCgroup2Mount(mountinfo: string): Cgroup2Mount | null {
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
  mount: Cgroup2Mount,
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

/** This process's `cgroup2` mount, or `null`. */
export function cgroup2Mount(): Cgroup2Mount | null {
  return parseCgroup2Mount(readOrEmpty("/proc/self/mountinfo"));
}

/** This process's own cgroup directory, or why there is none. */
export function ownCgroupDirectory(): CgroupSupport {
  const mount = cgroup2Mount();
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

/** The cgroup directory process `pid` is in, or `null` when unknown. */
export function cgroupOf(pid: number): string | null {
  const mount = cgroup2Mount();
  const path = parseOwnCgroup(readOrEmpty(`/proc/${pid}/cgroup`));
  if (mount === null || path === null || !procIsOurs()) return null;
  return cgroupDirectory(mount, path);
}
