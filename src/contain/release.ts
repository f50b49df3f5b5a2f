/**
 * When a contained child's cgroup goes. The directory is removed as soon as
 * nothing runs in it: when the child is reaped and left nothing behind, or
 * when a stop ended everything in it. A child that ended while something it
 * started still runs there leaves its cgroup *lingering*: `stop()` and the
 * exit cleanup still reach what is in it, and it is removed once empty —
 * looked at again and again, first after {@linkcode FIRST_LOOK_MS}, then
 * less often, up to every {@linkcode LAST_LOOK_MS}, on a timer that never
 * keeps this process alive.
 *
 * @module
 */

import { backend, os } from "../os/select.ts";
import { signalFrozen } from "../stop/cgroup.ts";
import type { Signal } from "../types.ts";

/** Lingering cgroups, with what to do once each is gone. */
const lingering = new Map<string, () => void>();

const FIRST_LOOK_MS = 20;
const LAST_LOOK_MS = 2000;
let nextLookMs = FIRST_LOOK_MS;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Removes every lingering cgroup that is empty now. */
function sweep(): void {
  const cgroups = os.cgroups;
  if (cgroups === null) return;
  for (const [dir, onGone] of lingering) {
    if (cgroups.isPopulated(dir) || !cgroups.remove(dir)) continue;
    lingering.delete(dir);
    onGone();
  }
}

/** Looks again later while any cgroup lingers. */
function lookAgain(): void {
  clearTimeout(timer);
  if (lingering.size === 0) return;
  timer = setTimeout(() => {
    sweep();
    nextLookMs = Math.min(nextLookMs * 2, LAST_LOOK_MS);
    lookAgain();
  }, nextLookMs);
  backend.unrefTimer(timer);
}

/**
 * The child of cgroup `dir` ended (or never started): removes `dir` if
 * nothing runs in it and returns `true`; else keeps it lingering, calls
 * `onGone` once it was removed, and returns `false`.
 */
export function releaseCgroup(
  dir: string,
  onGone: () => void = () => {},
): boolean {
  sweep();
  const cgroups = os.cgroups;
  if (cgroups === null) return true;
  if (!cgroups.isPopulated(dir) && cgroups.remove(dir)) return true;
  lingering.set(dir, onGone);
  nextLookMs = FIRST_LOOK_MS;
  lookAgain();
  return false;
}

/** How long the exit cleanup waits for a signalled cgroup to empty, so
 * that it can remove the directory. */
const EXIT_WAIT_MS = 100;

/** Blocks this thread for `ms` (no event loop runs while exiting). */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The exit cleanup of a contained child, synchronous: freezes its cgroup,
 * sends `signal` (and SIGCONT) to everything in it, thaws it, and removes
 * the directory if it empties within {@linkcode EXIT_WAIT_MS}. What ignores
 * `signal` keeps the directory; the next process that makes a cgroup under
 * ours removes it once empty.
 */
export function terminateCgroupNow(dir: string, signal: Signal): void {
  const cgroups = os.cgroups;
  if (cgroups === null) return;
  signalFrozen(cgroups, dir, signal);
  const deadline = performance.now() + EXIT_WAIT_MS;
  while (cgroups.isPopulated(dir) && performance.now() < deadline) blockFor(5);
  if (!cgroups.isPopulated(dir)) cgroups.remove(dir);
}
