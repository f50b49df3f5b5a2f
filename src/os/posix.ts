/**
 * What Linux, macOS and the BSDs share: signals through `kill(2)` (including
 * `kill(-pgid)` for a group) and the parent-death wrapper lookup.
 *
 * @module
 */

import { host, process } from "../runtime/host.ts";
import type { Signal } from "../types.ts";
import { killZero } from "./kill_zero.ts";
import type { SignalResult } from "./types.ts";

/** `kill(pid, signal)`; ESRCH → `"gone"`, EPERM → `"denied"`. */
export function signalProcess(pid: number, signal: Signal): SignalResult {
  return sendKill(pid, signal);
}

/** `kill(-pgid, signal)`. */
export function signalProcessGroup(pgid: number, signal: Signal): SignalResult {
  return sendKill(-pgid, signal);
}

/** `kill(-pgid, 0)`: does any process (zombies included) remain in it? */
export function processGroupExists(pgid: number): boolean {
  return killZero(-pgid);
}

function sendKill(target: number, signal: Signal): SignalResult {
  try {
    process.kill(target, signal);
    return "sent";
  } catch (error) {
    const code = (error as { code?: string }).code;
    const name = (error as { name?: string }).name;
    if (code === "ESRCH" || name === "NotFound") return "gone";
    if (code === "EPERM" || name === "PermissionDenied") return "denied";
    throw error;
  }
}

/** The first of `candidates` that exists and is executable, or `null`. */
export function findExecutable(candidates: readonly string[]): string | null {
  return candidates.find((candidate) => host.isExecutable(candidate)) ?? null;
}

/** `parts` resolved against `base` as the kernel will: an absolute part
 * starts over. (Not normalized: `..` and `.` are left to the kernel.) */
function resolvePath(base: string, ...parts: string[]): string {
  return parts.reduce(
    (path, part) => part.startsWith("/") ? part : `${path}/${part}`,
    base,
  );
}

/** Where `lookPath` found a program, or why it didn't. */
export type LookPathResult =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly code: "ENOENT" | "EACCES" };

/**
 * Finds `file` as `execvp` would: a name with a `/` is taken relative to
 * `cwd`; any other is searched in `path` (default `/usr/bin:/bin`).
 */
export function lookPath(
  file: string,
  cwd: string | undefined,
  path: string | undefined,
): LookPathResult {
  const base = cwd ?? process.cwd();
  const candidates = file.includes("/")
    ? [resolvePath(base, file)]
    : (path ?? "/usr/bin:/bin").split(":").map((dir) =>
      resolvePath(base, dir || ".", file)
    );
  let exists = false;
  for (const candidate of candidates) {
    const kind = host.fileKind(candidate);
    if (kind === null) continue;
    exists = true;
    // A directory, or found but not executable: keep looking, as execvp
    // does, and report EACCES if nothing else is found.
    if (kind !== "directory" && host.isExecutable(candidate)) {
      return { ok: true, path: candidate };
    }
  }
  return { ok: false, code: exists ? "EACCES" : "ENOENT" };
}
