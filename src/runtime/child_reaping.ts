/**
 * Keeping children's exit statuses readable when the caller ignored SIGCHLD
 * (`trap '' CHLD` in a shell, then `exec`). With SIGCHLD ignored, the kernel
 * reaps children itself and `waitpid` finds nothing: Deno then reports a
 * child killed by SIGKILL, Bun no status at all. A no-op handler of ours
 * makes the disposition "caught", so children stay for the runtime to reap
 * (and CMD starts with SIGCHLD at its default: exec resets caught signals).
 * Node resets the disposition at start-up and reaps through its own handler.
 *
 * @module
 */

import { ignoredSignals } from "./ignored_signals.ts";
import { isWindows } from "./platform.ts";
import { signalNumber } from "./signals.ts";
import { host, process } from "./host.ts";

let checked = false;

function keep(): void {}

/** Called before each spawn: the first call installs the handler if SIGCHLD
 * is ignored (or where that can't be read). */
export function keepChildStatuses(): void {
  if (checked || host.name === "node" || isWindows) return;
  checked = true;
  const ignored = ignoredSignals();
  const chld = signalNumber("SIGCHLD");
  if (ignored !== null && (chld === undefined || !ignored.has(chld))) return;
  try {
    process.on("SIGCHLD", keep);
  } catch {
    // a system without SIGCHLD (Windows)
  }
}
