/**
 * Finding the program of a spawn that the runtime reported as not started,
 * to tell "not found" from "not executable" as `execvp` does: a file on
 * `PATH` that can't be executed is remembered (EACCES) and the search goes
 * on. Deno and Bun search `PATH` themselves and skip such files, so they
 * report "not found" for both.
 *
 * @module
 */

import { lookPath } from "../os/posix.ts";
import { process } from "./host.ts";
import type { SpawnRequest } from "./types.ts";

/** `"EACCES"` when `request.file` exists (on its `PATH`) but can't be
 * executed, `"ENOENT"` when it doesn't exist, `null` when it is there and
 * executable. */
export function missingProgram(
  request: SpawnRequest,
): "ENOENT" | "EACCES" | null {
  const path = request.env?.PATH ??
    (request.clearEnv ? undefined : process.env.PATH);
  const found = lookPath(request.file, request.cwd, path);
  return found.ok ? null : found.code;
}
