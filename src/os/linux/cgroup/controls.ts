/**
 * A cgroup's controls: whether anything runs in it (`cgroup.events`:
 * `populated`, zombies excluded), freezing it (`cgroup.freeze`: nothing in
 * it runs, so nothing forks), ending everything in it at once
 * (`cgroup.kill`, Linux ≥ 5.14), and its members (`cgroup.procs`).
 *
 * @module
 */

import { host } from "../../../runtime/host.ts";
import { codeOf, join, readOrEmpty, subdirectories } from "./files.ts";

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
