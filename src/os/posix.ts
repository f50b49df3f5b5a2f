/**
 * What Linux, macOS and the BSDs share: signals through `kill(2)` (including
 * `kill(-pgid)` for a group) and the parent-death wrapper lookup.
 *
 * @module
 */

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, resolve } from "node:path";
import process from "node:process";
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
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
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
  const candidates = file.includes("/")
    ? [resolve(cwd ?? process.cwd(), file)]
    : (path ?? "/usr/bin:/bin").split(delimiter).map((dir) =>
      resolve(cwd ?? process.cwd(), dir || ".", file)
    );
  let exists = false;
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isDirectory()) {
        exists = true;
        continue;
      }
    } catch {
      continue;
    }
    exists = true;
    try {
      accessSync(candidate, constants.X_OK);
      return { ok: true, path: candidate };
    } catch {
      // found but not executable: keep looking, as execvp does
    }
  }
  return { ok: false, code: exists ? "EACCES" : "ENOENT" };
}
