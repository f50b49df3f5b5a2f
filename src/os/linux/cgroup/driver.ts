/**
 * Linux cgroup v2: the kernel's own record of "everything a process
 * started", which no fork, `setsid` or exit of a parent escapes.
 *
 * One directory per contained child, made under this process's own cgroup
 * (`mount.ts`, `lifecycle.ts`). The child is born in it (`spawn_inside.ts`);
 * stopping it freezes the directory, signals every member, thaws it, and
 * ends the rest with `cgroup.kill` (`controls.ts`; the order is
 * `stop/cgroup.ts`'s).
 *
 * @module
 */

import type { Cgroups } from "../../types.ts";
import {
  cgroupMembers,
  isFrozen,
  isPopulated,
  killCgroup,
  setFrozen,
} from "./controls.ts";
import {
  cgroupSupport,
  createCgroup,
  isSubprocCgroup,
  removeCgroup,
  removeIfStale,
} from "./lifecycle.ts";
import { cgroupOf } from "./mount.ts";
import { spawnInside } from "./spawn_inside.ts";

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
